//! Worked examples for every price method. Expected numbers are worked out
//! by hand in the comments (half-up rounding, 2 places unless stated).

use crate::common::{d, price_rules, request, TRIMMED_MEAN_STANDARD_BANDS};
use pingshen_rules::{compute_prices, BenchmarkTrace, BidStatus, PriceOutcome, Rules};

const MUNICIPAL: &str = include_str!("../../../../assets/rules/municipal-construction.toml");
const GOODS: &str = include_str!("../../../../assets/rules/procurement-goods.toml");
const SUPERVISION: &str = include_str!("../../../../assets/rules/supervision-service.toml");

fn score(o: &PriceOutcome, bidder: &str) -> Option<rust_decimal::Decimal> {
    o.bids
        .iter()
        .find(|b| b.bidder == bidder)
        .and_then(|b| b.score)
}

fn assert_scores(o: &PriceOutcome, expected: &[(&str, &str)]) {
    for (bidder, s) in expected {
        assert_eq!(score(o, bidder), Some(d(s)), "score of {bidder}");
    }
    o.recheck().expect("explanation re-computes the scores");
}

fn deviation_rules(deviation: &str, k: &str) -> Rules {
    price_rules(
        "60",
        &format!(
            "[price]\nmethod = \"deviation\"\n[price.benchmark]\nkind = \"trimmed_mean\"\n{TRIMMED_MEAN_STANDARD_BANDS}\n{k}\n[price.deviation]\n{deviation}"
        ),
    )
}

/// Public example: trimmed mean dropping the highest and the lowest of 7.
/// Sorted: 90 96 98 100 102 104 110 → drop 110 and 90 → (96+98+100+102+104)/5
/// = 500/5 = 100.00 = B (no K). Above: −1 per 1%; below: −0.3 per 1%.
/// A 100: 0% → 60.00; B 96: −4% → −1.2 → 58.80; C 98: −2% → −0.6 → 59.40;
/// D 102: +2% → −2 → 58.00; E 104: +4% → −4 → 56.00; F 90: −10% → −3 → 57.00;
/// G 110: +10% → −10 → 50.00.
#[test]
fn trimmed_mean_drops_highest_and_lowest_of_seven() {
    let rules = deviation_rules(
        "above_per_percent = \"1\"\nbelow_per_percent = \"0.3\"\nabove_cap = \"20\"\nbelow_cap = \"5\"",
        "",
    );
    let prices = [
        ("A", "100"),
        ("B", "96"),
        ("C", "98"),
        ("D", "102"),
        ("E", "104"),
        ("F", "90"),
        ("G", "110"),
    ];
    let o = compute_prices(&rules, &request(&prices, None, None)).unwrap();
    let Some(BenchmarkTrace::Weighted {
        components, value, ..
    }) = &o.explanation.benchmark
    else {
        panic!("weighted benchmark expected");
    };
    assert_eq!(*value, d("100.00"));
    let mean = components[0].mean.as_ref().unwrap();
    assert_eq!(mean.dropped_highest[0].bidder, "G");
    assert_eq!(mean.dropped_lowest[0].bidder, "F");
    assert_eq!(mean.kept.len(), 5);
    assert_eq!(mean.sum, d("500"));
    assert_scores(
        &o,
        &[
            ("A", "60.00"),
            ("B", "58.80"),
            ("C", "59.40"),
            ("D", "58.00"),
            ("E", "56.00"),
            ("F", "57.00"),
            ("G", "50.00"),
        ],
    );
}

/// Public example: −1 per 1% above B capped at 20, −0.3 per 1% below capped
/// at 5. Three bids (no trimming): mean = (10 000 000 + 13 000 000 +
/// 7 000 000)/3 = 10 000 000.00 = B. 13 000 000 is +30% → 30 > cap 20 → 40.00;
/// 7 000 000 is −30% → 9 > cap 5 → 55.00; 10 000 000 → 60.00.
#[test]
fn deviation_deductions_are_capped_per_side() {
    let rules = deviation_rules(
        "above_per_percent = \"1\"\nbelow_per_percent = \"0.3\"\nabove_cap = \"20\"\nbelow_cap = \"5\"",
        "",
    );
    let prices = [
        ("X", "10000000.00"),
        ("Y", "13000000.00"),
        ("Z", "7000000.00"),
    ];
    let o = compute_prices(&rules, &request(&prices, None, None)).unwrap();
    assert_scores(&o, &[("X", "60.00"), ("Y", "40.00"), ("Z", "55.00")]);
    let y = o
        .explanation
        .scores
        .iter()
        .find(|s| s.bidder() == "Y")
        .unwrap();
    match y {
        pingshen_rules::ScoreTrace::Deviation {
            raw_deduction,
            deduction,
            ..
        } => {
            assert_eq!(*raw_deduction, d("30.00"));
            assert_eq!(*deduction, d("20"));
        }
        other => panic!("{other:?}"),
    }
}

/// The demo project on the municipal template, K = 0.02, with B04 at its
/// earlier price of 25 870 300 (a worked table; the demo's B04 is now
/// abnormally low: see the CLI's `explain_prints_a_table_and_the_steps`).
/// Six valid bids →
/// drop the highest (B05 27 988 000). Sum of the other five = 134 583 600.00;
/// mean = 26 916 720.00; B = 26 916 720.00 × 0.98 = 26 378 385.60.
/// B01: (27 365 000 − 26 378 385.60)/26 378 385.60 = +3.7402…% → 3.74 → 56.26.
/// B02: +2.2826…% → 2.28 → 57.72.   B03: +5.8126…% → 5.81 → 54.19.
/// B04: −1.9267…% → 1.93 × 0.5 = 0.965 → 60 − 0.965 = 59.035 → 59.04 (half-up).
/// B05: +6.1014…% → 6.10 → 53.90.   B06: +0.2929…% → 0.29 → 59.71.
#[test]
fn municipal_template_worked_prices_with_k() {
    let rules = Rules::from_toml(MUNICIPAL).unwrap();
    let prices = [
        ("B01", "27365000.00"),
        ("B02", "26980500.00"),
        ("B03", "27912000.00"),
        ("B04", "25870300.00"),
        ("B05", "27988000.00"),
        ("B06", "26455800.00"),
    ];
    let o = compute_prices(&rules, &request(&prices, Some("28600000.00"), Some("0.02"))).unwrap();
    assert_eq!(
        o.explanation.benchmark.as_ref().map(|b| b.value()),
        Some(d("26378385.60"))
    );
    assert_scores(
        &o,
        &[
            ("B01", "56.26"),
            ("B02", "57.72"),
            ("B03", "54.19"),
            ("B04", "59.04"),
            ("B05", "53.90"),
            ("B06", "59.71"),
        ],
    );
}

/// Bids above the ceiling are not valid prices. Ceiling 27 900 000: B03 and
/// B05 are out; 4 valid → no trimming; mean = 106 671 600/4 = 26 667 900.00;
/// B = × 0.98 = 26 134 542.00. B01 +4.71% → 55.29; B02 +3.24% → 56.76;
/// B04 −1.01% → 0.505 → 59.495 → 59.50; B06 +1.23% → 58.77.
#[test]
fn bids_above_the_ceiling_are_not_valid() {
    let rules = Rules::from_toml(MUNICIPAL).unwrap();
    let prices = [
        ("B01", "27365000.00"),
        ("B02", "26980500.00"),
        ("B03", "27912000.00"),
        ("B04", "25870300.00"),
        ("B05", "27988000.00"),
        ("B06", "26455800.00"),
    ];
    let o = compute_prices(&rules, &request(&prices, Some("27900000"), Some("0.02"))).unwrap();
    let status = |b: &str| o.bids.iter().find(|x| x.bidder == b).unwrap().status;
    assert_eq!(status("B03"), BidStatus::AboveCeiling);
    assert_eq!(status("B05"), BidStatus::AboveCeiling);
    assert_eq!(score(&o, "B03"), None);
    assert_eq!(
        o.explanation.benchmark.as_ref().map(|b| b.value()),
        Some(d("26134542.00"))
    );
    assert_scores(
        &o,
        &[
            ("B01", "55.29"),
            ("B02", "56.76"),
            ("B04", "59.50"),
            ("B06", "58.77"),
        ],
    );
}

/// 低价优先 (87号令 §55) on the goods template, weight 30: B = 1 190 000.
/// S1 1 280 000: 1 190 000/1 280 000 × 30 = 27.890625 → 27.89;
/// S2: 30.00; S3 1 350 000: 26.444… → 26.44; S4 1 236 500: 28.8718… → 28.87.
#[test]
fn lowest_price_first() {
    let rules = Rules::from_toml(GOODS).unwrap();
    let prices = [
        ("S1", "1280000"),
        ("S2", "1190000"),
        ("S3", "1350000"),
        ("S4", "1236500"),
    ];
    let o = compute_prices(&rules, &request(&prices, None, None)).unwrap();
    assert!(matches!(
        &o.explanation.benchmark,
        Some(BenchmarkTrace::Lowest { bidder, .. }) if bidder == "S2"
    ));
    assert_scores(
        &o,
        &[
            ("S1", "27.89"),
            ("S2", "30.00"),
            ("S3", "26.44"),
            ("S4", "28.87"),
        ],
    );
}

/// A bid ruled invalid in preliminary review is not a valid price, even
/// when it is the lowest: B moves to the next lowest.
#[test]
fn lowest_price_ignores_bids_failed_in_preliminary() {
    let rules = Rules::from_toml(GOODS).unwrap();
    let mut req = request(&[("S1", "1000000"), ("S2", "1200000")], None, None);
    req.bids[0].valid_after_preliminary = false;
    let o = compute_prices(&rules, &req).unwrap();
    assert_eq!(o.bids[0].status, BidStatus::InvalidPreliminary);
    assert_scores(&o, &[("S2", "30.00")]);
    assert_eq!(score(&o, "S1"), None);
}

/// Composite with K on the supervision template, ceiling 1 500 000, K 0.96.
/// Mean of 4 = (1 380 000 + 1 420 000 + 1 290 000 + 1 455 000)/4 = 1 386 250.00;
/// weighted = 0.6 × 1 386 250 + 0.4 × 1 500 000 = 831 750 + 600 000 = 1 431 750;
/// B = 1 431 750 × 0.96 = 1 374 480.00. J1 +0.40% → 19.60; J2 +3.31% → 16.69;
/// J3 −6.15% → 3.075 → 16.925 → 16.93; J4 +5.86% → 14.14.
#[test]
fn composite_benchmark_with_k() {
    let rules = Rules::from_toml(SUPERVISION).unwrap();
    let prices = [
        ("J1", "1380000"),
        ("J2", "1420000"),
        ("J3", "1290000"),
        ("J4", "1455000"),
    ];
    let o = compute_prices(&rules, &request(&prices, Some("1500000"), Some("0.96"))).unwrap();
    let Some(BenchmarkTrace::Weighted {
        weighted_sum,
        value,
        ..
    }) = &o.explanation.benchmark
    else {
        panic!("weighted benchmark expected");
    };
    assert_eq!(*weighted_sum, d("1431750"));
    assert_eq!(*value, d("1374480.00"));
    assert_scores(
        &o,
        &[
            ("J1", "19.60"),
            ("J2", "16.69"),
            ("J3", "16.93"),
            ("J4", "14.14"),
        ],
    );
}

/// Caps bind on the composite too: 20% above B with cap 10 → 10.00.
/// One bid 1 800 000, ceiling 2 000 000, K 0.95: mean = 1 800 000;
/// weighted = 1 080 000 + 800 000 = 1 880 000; B = 1 786 000.00;
/// d = 14 000/1 786 000 = +0.7839% → 0.78 → 19.22.
#[test]
fn one_valid_bid() {
    let rules = Rules::from_toml(SUPERVISION).unwrap();
    let o = compute_prices(
        &rules,
        &request(&[("J1", "1800000")], Some("2000000"), Some("0.95")),
    )
    .unwrap();
    assert_eq!(
        o.explanation.benchmark.as_ref().map(|b| b.value()),
        Some(d("1786000.00"))
    );
    assert_scores(&o, &[("J1", "19.22")]);

    // Trimmed mean with one bid: no trimming, B = the price, full points.
    let rules = Rules::from_toml(MUNICIPAL).unwrap();
    let o = compute_prices(&rules, &request(&[("B01", "27365000")], None, Some("0"))).unwrap();
    assert_scores(&o, &[("B01", "60.00")]);
}

/// All equal with K = 0: B equals the common price, every bid gets full.
/// With K = 0.03 on 7 equal bids of 100: B = 97.00; each is +3.09…% → 3.09
/// → 56.91.
#[test]
fn all_bids_equal_and_k_zero() {
    let rules = Rules::from_toml(MUNICIPAL).unwrap();
    let prices: Vec<(String, &str)> = (1..=7).map(|i| (format!("B0{i}"), "100")).collect();
    let refs: Vec<(&str, &str)> = prices.iter().map(|(b, p)| (b.as_str(), *p)).collect();
    let o = compute_prices(&rules, &request(&refs, None, Some("0"))).unwrap();
    assert_eq!(
        o.explanation.benchmark.as_ref().map(|b| b.value()),
        Some(d("100.00"))
    );
    for (b, _) in &refs {
        assert_eq!(score(&o, b), Some(d("60.00")));
    }
    o.recheck().unwrap();

    let o = compute_prices(&rules, &request(&refs, None, Some("0.03"))).unwrap();
    assert_eq!(
        o.explanation.benchmark.as_ref().map(|b| b.value()),
        Some(d("97.00"))
    );
    for (b, _) in &refs {
        assert_eq!(score(&o, b), Some(d("56.91")));
    }
    o.recheck().unwrap();
}

/// Every bid above the ceiling: nothing valid, no benchmark, no scores.
#[test]
fn all_bids_above_the_ceiling() {
    let rules = Rules::from_toml(MUNICIPAL).unwrap();
    let o = compute_prices(
        &rules,
        &request(&[("B01", "200"), ("B02", "300")], Some("100"), Some("0.01")),
    )
    .unwrap();
    assert!(o.explanation.benchmark.is_none());
    assert!(o.explanation.valid.is_empty());
    assert_eq!(o.explanation.excluded.len(), 2);
    assert!(o
        .bids
        .iter()
        .all(|b| b.score.is_none() && b.status == BidStatus::AboveCeiling));
    o.recheck().unwrap();
}

/// A price exactly at the ceiling is valid (only prices above it are out).
#[test]
fn price_equal_to_ceiling_is_valid() {
    let rules = Rules::from_toml(GOODS).unwrap();
    let o = compute_prices(&rules, &request(&[("S1", "100")], Some("100"), None)).unwrap();
    assert_eq!(o.bids[0].status, BidStatus::Valid);
    assert_scores(&o, &[("S1", "30.00")]);
}

/// Whole percents only (每满1%扣分): +2.9% counts as 2 → 58.00; the floor
/// holds a bid 70% above at 30.00 instead of −10.
#[test]
fn whole_percent_and_floor() {
    let rules = deviation_rules(
        "above_per_percent = \"1\"\nbelow_per_percent = \"1\"\nfloor = \"30\"\nwhole_percent = true",
        "",
    );
    // Two bids, no trimming: mean = (100 + 102.9)/2 = 101.45 = B.
    // 100: −1.4293…% → 1.43 → whole 1 → 59.00; 102.9: +1.4293…% → 1 → 59.00.
    let o = compute_prices(
        &rules,
        &request(&[("A", "100"), ("B", "102.9")], None, None),
    )
    .unwrap();
    assert_scores(&o, &[("A", "59.00"), ("B", "59.00")]);
    // 100 and 240: B = 170; 240 is +41.18% → 41 → 60 − 41 = 19 < floor 30 → 30.00;
    // 100 is −41.18% → 41 → 30.00 as well.
    let o = compute_prices(&rules, &request(&[("A", "100"), ("B", "240")], None, None)).unwrap();
    assert_scores(&o, &[("A", "30.00"), ("B", "30.00")]);
}

#[test]
fn k_must_be_drawn_from_the_stated_values() {
    let rules = Rules::from_toml(MUNICIPAL).unwrap();
    let prices = [("B01", "100")];
    let err = compute_prices(&rules, &request(&prices, None, None)).unwrap_err();
    assert!(err.has("k_missing"), "{err}");
    let err = compute_prices(&rules, &request(&prices, None, Some("0.04"))).unwrap_err();
    assert!(err.has("k_out_of_range"), "{err}");
    let err = compute_prices(&rules, &request(&prices, None, Some("0.012"))).unwrap_err();
    assert!(err.has("k_not_on_step"), "{err}");
    let goods = Rules::from_toml(GOODS).unwrap();
    let err = compute_prices(&goods, &request(&prices, None, Some("0.01"))).unwrap_err();
    assert!(err.has("k_not_applicable"), "{err}");
}

#[test]
fn bad_price_inputs_are_refused_with_codes() {
    let rules = Rules::from_toml(GOODS).unwrap();
    let err =
        compute_prices(&rules, &request(&[("S1", "0"), ("S1", "5")], None, None)).unwrap_err();
    assert!(err.has("non_positive_price"), "{err}");
    assert!(err.has("duplicate_bidder"), "{err}");
    let supervision = Rules::from_toml(SUPERVISION).unwrap();
    let err =
        compute_prices(&supervision, &request(&[("J1", "5")], None, Some("0.95"))).unwrap_err();
    assert!(err.has("ceiling_missing"), "{err}");
}

#[test]
fn explanation_prose_names_the_steps() {
    let rules = Rules::from_toml(MUNICIPAL).unwrap();
    let prices = [
        ("B01", "27365000.00"),
        ("B02", "26980500.00"),
        ("B03", "27912000.00"),
        ("B04", "25870300.00"),
        ("B05", "27988000.00"),
        ("B06", "26455800.00"),
    ];
    let o = compute_prices(&rules, &request(&prices, None, Some("0.02"))).unwrap();
    let prose = o.explanation.prose_zh.join("\n");
    assert!(prose.contains("去掉最高报价 B05 27988000.00"), "{prose}");
    assert!(prose.contains("26378385.60"), "{prose}");
    assert!(prose.contains("B04：偏差率"), "{prose}");
}

#[test]
fn a_tampered_explanation_fails_the_recheck() {
    let rules = Rules::from_toml(MUNICIPAL).unwrap();
    let prices = [
        ("B01", "27365000.00"),
        ("B02", "26980500.00"),
        ("B03", "25000000.00"),
    ];
    let o = compute_prices(&rules, &request(&prices, None, Some("0.02"))).unwrap();
    o.recheck().unwrap();

    let mut bad = o.clone();
    if let Some(BenchmarkTrace::Weighted { value, .. }) = &mut bad.explanation.benchmark {
        *value += d("0.01");
    }
    assert!(bad.recheck().unwrap_err().has("explanation_mismatch"));

    let mut bad = o.clone();
    bad.bids[0].score = bad.bids[0].score.map(|s| s + d("0.01"));
    assert!(bad.recheck().is_err());

    let mut bad = o;
    bad.explanation.valid.swap(0, 1);
    assert!(bad.recheck().is_err());
}

#[test]
fn outcome_json_uses_strings_for_decimals_and_round_trips() {
    let rules = Rules::from_toml(MUNICIPAL).unwrap();
    let o = compute_prices(
        &rules,
        &request(&[("B01", "100"), ("B02", "120")], None, Some("0.01")),
    )
    .unwrap();
    let json = serde_json::to_value(&o).unwrap();
    assert!(json["bids"][0]["price"].is_string());
    assert!(json["explanation"]["benchmark"]["value"].is_string());
    let back: PriceOutcome = serde_json::from_value(json).unwrap();
    assert_eq!(back, o);
    back.recheck().unwrap();
}

#[test]
fn prices_beyond_the_limit_are_refused_not_overflowed() {
    let rules = Rules::from_toml(MUNICIPAL).unwrap();
    let huge = request(
        &[("B01", "1000000000000000"), ("B02", "0.01")],
        None,
        Some("0"),
    );
    let err = compute_prices(&rules, &huge).unwrap_err();
    assert!(err.has("value_out_of_range"), "{err}");
    // The largest accepted price against the smallest still computes.
    let wide = request(
        &[("B01", "999999999999999.99"), ("B02", "0.01")],
        None,
        Some("0"),
    );
    let o = compute_prices(&rules, &wide).unwrap();
    o.recheck().unwrap();
    assert!(o.bids.iter().all(|b| b.score.is_some()));
}
