//! Worked examples: an evaluation and the fields of its release package.

use super::*;
use crate::{Candidate, HashedDocument, PublicBid};
use serde_json::{json, Value as Json};
use time::macros::datetime;

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn bid(id: &str, name: &str, price: &str, valid: bool, abnormal: bool) -> PublicBid {
    PublicBid {
        bidder_id: id.into(),
        bidder_name: name.into(),
        price: d(price),
        valid,
        rejected_as_abnormally_low: abnormal,
    }
}

/// Five bids; B04 rejected by vote as abnormally low, B02 failed the
/// preliminary review; four valid, three of them candidates.
fn comprehensive() -> Evaluation {
    Evaluation {
        project_id: "JA-2026-0117".into(),
        project_name: "解放大道市政道路改造工程施工".into(),
        lot: "第一标段".into(),
        centre: "武汉市公共资源交易中心".into(),
        tenderer: "武汉市城市建设投资开发集团有限公司".into(),
        opening_time: datetime!(2026-01-17 09:30 +08:00),
        ceiling_price: d("28600000.00"),
        bids: vec![
            bid(
                "B01",
                "湖北汉通市政建设集团有限公司",
                "27365000.00",
                true,
                false,
            ),
            bid(
                "B02",
                "武汉江城路桥工程有限公司",
                "27980000.50",
                false,
                false,
            ),
            bid(
                "B03",
                "中建三局第二建设工程有限责任公司",
                "26880000.00",
                true,
                false,
            ),
            bid("B04", "荆州楚天道桥有限公司", "21500000.00", false, true),
            bid("B05", "湖北长投建设有限公司", "28100000.00", true, false),
        ],
        ranked_by: RankedBy::Points,
        candidates: vec![
            Candidate {
                rank: 1,
                bidder_id: "B03".into(),
                key: d("92.35"),
            },
            Candidate {
                rank: 2,
                bidder_id: "B01".into(),
                key: d("90.10"),
            },
            Candidate {
                rank: 3,
                bidder_id: "B05".into(),
                key: d("88.00"),
            },
        ],
        rules: HashedDocument {
            sha256: "7f83b1657ff1fc53b92dc18148a1d65dfc2d4b1fa3d677284addd200126d9069".into(),
            date: datetime!(2026-01-10 10:00 +08:00),
        },
        rules_version: 2,
        report: HashedDocument {
            sha256: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855".into(),
            date: datetime!(2026-01-17 16:45:12 UTC),
        },
    }
}

fn json_of(e: &Evaluation) -> Json {
    let p = release_package(
        e,
        &Publication {
            uri: "https://ggzy.example.cn/api/v1/projects/JA-2026-0117/ocds".into(),
        },
    )
    .unwrap();
    serde_json::to_value(p).unwrap()
}

#[test]
fn the_package_of_a_comprehensive_evaluation() {
    let j = json_of(&comprehensive());
    #[rustfmt::skip]
    let table: &[(&str, Json)] = &[
        ("/uri", json!("https://ggzy.example.cn/api/v1/projects/JA-2026-0117/ocds")),
        ("/version", json!("1.1")),
        ("/extensions", json!([BID_EXTENSION_URL])),
        ("/publishedDate", json!("2026-01-17T16:45:12+00:00")),
        ("/publisher/name", json!("武汉市公共资源交易中心")),
        ("/license", json!(LICENSE)),
        // The opening: every bid pending, the tender active.
        ("/releases/0/ocid", json!("ocds-pingshen-JA-2026-0117")),
        ("/releases/0/id", json!("ocds-pingshen-JA-2026-0117-opening")),
        ("/releases/0/date", json!("2026-01-17T09:30:00+08:00")),
        ("/releases/0/tag", json!(["tender"])),
        ("/releases/0/initiationType", json!("tender")),
        ("/releases/0/buyer", json!({"id": "procuring-entity", "name": "武汉市城市建设投资开发集团有限公司"})),
        ("/releases/0/tender/id", json!("JA-2026-0117")),
        ("/releases/0/tender/status", json!("active")),
        ("/releases/0/tender/value", json!({"amount": 28600000.0, "currency": "CNY"})),
        ("/releases/0/tender/awardCriteria", json!("ratedCriteria")),
        ("/releases/0/tender/tenderPeriod/endDate", json!("2026-01-17T09:30:00+08:00")),
        ("/releases/0/tender/numberOfTenderers", json!(5)),
        ("/releases/0/tender/documents/0/id", json!("rules-v2")),
        ("/releases/0/tender/documents/0/documentType", json!("evaluationCriteria")),
        ("/releases/0/tender/documents/0/url", json!("ni:///sha-256;f4OxZX_x_FO5LcGBSKHWXfwtSx-j1ncoSt3SABJtkGk")),
        ("/releases/0/bids/details/1", json!({
            "id": "B02", "status": "pending",
            "tenderers": [{"id": "bidder-B02", "name": "武汉江城路桥工程有限公司"}],
            "value": {"amount": 27980000.5, "currency": "CNY"}})),
        ("/releases/0/bids/statistics", json!([
            {"id": "bids", "measure": "bids", "value": 5.0},
            {"id": "bidders", "measure": "bidders", "value": 5.0}])),
        ("/releases/0/parties/3", json!({"id": "bidder-B03", "name": "中建三局第二建设工程有限责任公司", "roles": ["tenderer"]})),
        // The candidates: bids valid or disqualified, awards pending.
        ("/releases/1/id", json!("ocds-pingshen-JA-2026-0117-candidates-e3b0c44298fc")),
        ("/releases/1/date", json!("2026-01-17T16:45:12+00:00")),
        ("/releases/1/tag", json!(["award"])),
        ("/releases/1/tender/status", json!("complete")),
        ("/releases/1/tender/documents/1/documentType", json!("evaluationReports")),
        ("/releases/1/tender/documents/1/url", json!("ni:///sha-256;47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU")),
        ("/releases/1/bids/details/0/status", json!("valid")),
        ("/releases/1/bids/details/1/status", json!("disqualified")),
        ("/releases/1/bids/details/3/status", json!("disqualified")),
        ("/releases/1/bids/statistics/2", json!({"id": "validBids", "measure": "validBids", "value": 3.0})),
        ("/releases/1/bids/statistics/4", json!({"id": "disqualifiedBidders", "measure": "disqualifiedBidders", "value": 2.0})),
        ("/releases/1/bids/statistics/5/value", json!(1.0)),
        ("/releases/1/bids/statistics/6", json!({"id": "lowestValidBidValue", "measure": "lowestValidBidValue", "value": 26880000.0, "currency": "CNY"})),
        ("/releases/1/bids/statistics/7", json!({"id": "highestValidBidValue", "measure": "highestValidBidValue", "value": 28100000.0, "currency": "CNY"})),
        ("/releases/1/awards/0/id", json!("candidate-1")),
        ("/releases/1/awards/0/title", json!("第一中标候选人")),
        ("/releases/1/awards/0/status", json!("pending")),
        ("/releases/1/awards/0/relatedBid", json!("B03")),
        ("/releases/1/awards/0/suppliers", json!([{"id": "bidder-B03", "name": "中建三局第二建设工程有限责任公司"}])),
        ("/releases/1/awards/0/value", json!({"amount": 26880000.0, "currency": "CNY"})),
        ("/releases/1/awards/2/title", json!("第三中标候选人")),
        ("/releases/1/awards/2/relatedBid", json!("B05")),
        ("/releases/1/parties/3/roles", json!(["tenderer", "supplier"])),
        ("/releases/1/parties/2/roles", json!(["tenderer"])),
    ];
    for (path, want) in table {
        assert_eq!(j.pointer(path), Some(want), "{path}");
    }
    assert!(j["releases"][0].get("awards").is_none());
    assert_eq!(j["releases"][1]["awards"].as_array().unwrap().len(), 3);
    let description = j["releases"][1]["awards"][1]["description"]
        .as_str()
        .unwrap();
    assert!(
        description.contains("湖北汉通市政建设集团有限公司，综合得分 90.10"),
        "{description}"
    );
}

/// Whatever the method, the award names what ranked the candidate.
#[test]
fn the_award_states_what_ranked_the_candidate() {
    #[rustfmt::skip]
    let table: &[(RankedBy, &str, Option<&str>, &str)] = &[
        (RankedBy::Points,         "92.35",       Some("ratedCriteria"), "，综合得分 92.35。"),
        (RankedBy::EvaluatedPrice, "26950000.00", Some("costOnly"),      "，评审价 26950000.00 元。"),
        (RankedBy::Qualification,  "0",           None,                  "中建三局第二建设工程有限责任公司。"),
    ];
    for (ranked_by, key, criteria, says) in table {
        let mut e = comprehensive();
        e.ranked_by = *ranked_by;
        e.candidates.truncate(1);
        e.candidates[0].key = d(key);
        let j = json_of(&e);
        assert_eq!(
            j["releases"][1]["tender"]
                .get("awardCriteria")
                .and_then(Json::as_str),
            *criteria
        );
        let description = j["releases"][1]["awards"][0]["description"]
            .as_str()
            .unwrap();
        assert!(description.contains(says), "{ranked_by:?}: {description}");
    }
}

/// No valid bid: no lowest or highest value, and no award.
#[test]
fn no_valid_bid_publishes_no_prices_of_valid_bids() {
    let mut e = comprehensive();
    for b in &mut e.bids {
        b.valid = false;
    }
    e.candidates.clear();
    let j = json_of(&e);
    let measures: Vec<&str> = j["releases"][1]["bids"]["statistics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["measure"].as_str().unwrap())
        .collect();
    assert_eq!(
        measures,
        [
            "bids",
            "bidders",
            "validBids",
            "qualifiedBidders",
            "disqualifiedBidders",
            "tendersAbnormallyLow"
        ]
    );
    assert!(j["releases"][1].get("awards").is_none());
}

/// A candidate who is not among the opened bids is a broken package.
#[test]
fn a_candidate_without_a_bid_is_refused() {
    let mut e = comprehensive();
    e.candidates[0].bidder_id = "B99".into();
    let err = release_package(
        &e,
        &Publication {
            uri: "urn:x".into(),
        },
    )
    .unwrap_err();
    assert_eq!(err.code(), "bad_package");
}

#[test]
fn amounts_are_exact_json_numbers_or_refused() {
    #[rustfmt::skip]
    let table: &[(&str, Option<&str>)] = &[
        ("27365000.00",          Some("27365000.0")),
        ("25595600.80",          Some("25595600.8")),
        ("0.01",                 Some("0.01")),
        ("999999999999.99",      Some("999999999999.99")),
        ("0",                    Some("0.0")),
        // 19 significant digits: no f64 prints back to it.
        ("12345678901234567.89", None),
    ];
    for (decimal, json) in table {
        let got = value(d(decimal))
            .ok()
            .map(|v| serde_json::to_string(&v.amount).unwrap());
        assert_eq!(got.as_deref(), *json, "{decimal}");
    }
}

#[test]
fn hashes_are_named_as_rfc_6920_ni_uris() {
    #[rustfmt::skip]
    let table: &[(&str, &str)] = &[
        // RFC 6920 §3's example: SHA-256 of "Hello World!".
        ("7f83b1657ff1fc53b92dc18148a1d65dfc2d4b1fa3d677284addd200126d9069",
         "ni:///sha-256;f4OxZX_x_FO5LcGBSKHWXfwtSx-j1ncoSt3SABJtkGk"),
        // SHA-256 of nothing.
        ("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
         "ni:///sha-256;47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU"),
    ];
    for (hex, ni) in table {
        assert_eq!(ni_uri(hex), *ni);
    }
}

#[test]
fn ranks_read_as_chinese_ordinals() {
    #[rustfmt::skip]
    let table: &[(u32, &str)] = &[(1, "一"), (2, "二"), (3, "三"), (10, "十"), (12, "十二"), (21, "21")];
    for (n, zh) in table {
        assert_eq!(chinese_ordinal(*n), *zh);
    }
}
