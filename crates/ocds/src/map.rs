//! [`Evaluation`] → OCDS release package. Two releases under one OCID:
//!
//! 1. `{ocid}-opening` (tag `tender`, dated at the opening): the tender, the
//!    parties and every bid as read out at the public opening, each
//!    `pending`.
//! 2. `{ocid}-candidates-{report hash prefix}` (tag `award`, dated when the
//!    last sitting expert signed the report): the same tender, now
//!    `complete`, each bid `valid` or `disqualified`, the statistics, and one
//!    `pending` award per winning candidate (中标候选人, in rank order). A
//!    re-signed report is a new release.

use crate::model::*;
use crate::{Evaluation, OcdsError, Publication, RankedBy, BID_EXTENSION_URL, LICENSE};
use base64::Engine;
use rust_decimal::Decimal;
use std::str::FromStr;

const CNY: &str = "CNY";
const PROCURING_ENTITY_ID: &str = "procuring-entity";

/// The release package of a finished evaluation.
pub fn release_package(
    e: &Evaluation,
    publication: &Publication,
) -> Result<ReleasePackage, OcdsError> {
    let opening = release(e, Stage::Opening)?;
    let candidates = release(e, Stage::Candidates)?;
    Ok(ReleasePackage {
        uri: publication.uri.clone(),
        version: "1.1".into(),
        extensions: vec![BID_EXTENSION_URL.into()],
        // Published once the evaluation finished: the package is the same
        // whenever it is asked for.
        published_date: e.report.date,
        publisher: Publisher {
            name: e.centre.clone(),
        },
        license: LICENSE.into(),
        releases: vec![opening, candidates],
    })
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Stage {
    Opening,
    Candidates,
}

fn release(e: &Evaluation, stage: Stage) -> Result<Release, OcdsError> {
    let ocid = crate::ocid(&e.project_id);
    let buyer = OrganizationReference {
        id: PROCURING_ENTITY_ID.into(),
        name: e.tenderer.clone(),
    };
    let tenderers: Vec<OrganizationReference> = e.bids.iter().map(bidder_ref).collect();
    let is_candidate = |bidder: &str| {
        stage == Stage::Candidates && e.candidates.iter().any(|c| c.bidder_id == bidder)
    };
    let mut parties = vec![Party {
        id: buyer.id.clone(),
        name: buyer.name.clone(),
        roles: vec!["buyer".into(), "procuringEntity".into()],
    }];
    parties.extend(e.bids.iter().map(|b| {
        let mut roles = vec!["tenderer".to_string()];
        if is_candidate(&b.bidder_id) {
            roles.push("supplier".into());
        }
        Party {
            id: bidder_party_id(&b.bidder_id),
            name: b.bidder_name.clone(),
            roles,
        }
    }));
    let mut documents = vec![rules_document(e)];
    if stage == Stage::Candidates {
        documents.push(report_document(e));
    }
    let tender = Tender {
        id: e.project_id.clone(),
        title: e.project_name.clone(),
        description: format!("{}，{}", e.project_name, e.lot),
        status: match stage {
            Stage::Opening => "active",
            Stage::Candidates => "complete",
        }
        .into(),
        value: value(e.ceiling_price)?,
        procuring_entity: buyer.clone(),
        procurement_method: "open".into(),
        procurement_method_details: "公开招标".into(),
        // 合格制 has no code of its own in the codelist: left out.
        award_criteria: match e.ranked_by {
            RankedBy::Points => Some("ratedCriteria".into()),
            RankedBy::EvaluatedPrice => Some("costOnly".into()),
            RankedBy::Qualification => None,
        },
        award_criteria_details: match e.ranked_by {
            RankedBy::Points => "综合评估法",
            RankedBy::EvaluatedPrice => "经评审的最低投标价法",
            RankedBy::Qualification => "合格制",
        }
        .into(),
        submission_method: vec!["electronicSubmission".into()],
        tender_period: Period {
            end_date: e.opening_time,
        },
        number_of_tenderers: e.bids.len() as u32,
        tenderers: tenderers.clone(),
        documents,
    };
    let details = e
        .bids
        .iter()
        .map(|b| {
            Ok(Bid {
                id: b.bidder_id.clone(),
                status: match (stage, b.valid) {
                    (Stage::Opening, _) => "pending",
                    (Stage::Candidates, true) => "valid",
                    (Stage::Candidates, false) => "disqualified",
                }
                .into(),
                tenderers: vec![bidder_ref(b)],
                value: value(b.price)?,
            })
        })
        .collect::<Result<Vec<_>, OcdsError>>()?;
    let bids = Bids {
        statistics: statistics(e, stage)?,
        details,
    };
    let awards = match stage {
        Stage::Opening => Vec::new(),
        Stage::Candidates => awards(e)?,
    };
    Ok(Release {
        id: match stage {
            Stage::Opening => format!("{ocid}-opening"),
            Stage::Candidates => format!("{ocid}-candidates-{}", short(&e.report.sha256)),
        },
        ocid,
        date: match stage {
            Stage::Opening => e.opening_time,
            Stage::Candidates => e.report.date,
        },
        tag: vec![match stage {
            Stage::Opening => "tender",
            Stage::Candidates => "award",
        }
        .into()],
        initiation_type: "tender".into(),
        language: "zh".into(),
        parties,
        buyer,
        tender,
        bids,
        awards,
    })
}

fn statistics(e: &Evaluation, stage: Stage) -> Result<Vec<BidsStatistic>, OcdsError> {
    let count = |id: &str, measure: &str, n: usize| BidsStatistic {
        id: id.into(),
        measure: measure.into(),
        value: n as f64,
        currency: None,
        notes: None,
    };
    let mut out = vec![
        count("bids", "bids", e.bids.len()),
        count("bidders", "bidders", e.bids.len()),
    ];
    if stage == Stage::Opening {
        return Ok(out);
    }
    let valid: Vec<Decimal> = e.bids.iter().filter(|b| b.valid).map(|b| b.price).collect();
    let invalid = e.bids.len() - valid.len();
    out.push(count("validBids", "validBids", valid.len()));
    out.push(count("qualifiedBidders", "qualifiedBidders", valid.len()));
    out.push(count("disqualifiedBidders", "disqualifiedBidders", invalid));
    let low = e
        .bids
        .iter()
        .filter(|b| b.rejected_as_abnormally_low)
        .count();
    let mut abnormal = count("tendersAbnormallyLow", "tendersAbnormallyLow", low);
    abnormal.notes = Some("经评标委员会表决，作为异常低价否决的投标".into());
    out.push(abnormal);
    for (id, price) in [
        ("lowestValidBidValue", valid.iter().min()),
        ("highestValidBidValue", valid.iter().max()),
    ] {
        if let Some(p) = price {
            out.push(BidsStatistic {
                id: id.into(),
                measure: id.into(),
                value: value(*p)?.amount,
                currency: Some(CNY.into()),
                notes: None,
            });
        }
    }
    Ok(out)
}

fn awards(e: &Evaluation) -> Result<Vec<Award>, OcdsError> {
    e.candidates
        .iter()
        .map(|c| {
            let bid = e
                .bids
                .iter()
                .find(|b| b.bidder_id == c.bidder_id)
                .ok_or_else(|| {
                    OcdsError::BadPackage(format!(
                        "中标候选人 {} 不在开标记录中",
                        c.bidder_id
                    ))
                })?;
            let standing = match e.ranked_by {
                RankedBy::Points => format!("，综合得分 {}", c.key),
                RankedBy::EvaluatedPrice => format!("，评审价 {} 元", c.key),
                RankedBy::Qualification => String::new(),
            };
            Ok(Award {
                id: format!("candidate-{}", c.rank),
                title: format!("第{}中标候选人", chinese_ordinal(c.rank)),
                description: format!(
                    "评标委员会推荐的第{}中标候选人：{}{standing}。公示期内为候选人，中标结果以招标人确定并公告的为准。",
                    chinese_ordinal(c.rank),
                    bid.bidder_name
                ),
                status: "pending".into(),
                date: e.report.date,
                value: value(bid.price)?,
                suppliers: vec![bidder_ref(bid)],
                related_bid: bid.bidder_id.clone(),
            })
        })
        .collect()
}

fn rules_document(e: &Evaluation) -> Document {
    Document {
        id: format!("rules-v{}", e.rules_version),
        document_type: "evaluationCriteria".into(),
        title: format!("评标办法（第{}版）", e.rules_version),
        description: format!("工作人员签名发布的评标办法；SHA-256 {}", e.rules.sha256),
        url: ni_uri(&e.rules.sha256),
        date_published: e.rules.date,
        format: "application/toml".into(),
        language: "zh".into(),
    }
}

fn report_document(e: &Evaluation) -> Document {
    Document {
        id: "evaluation-report".into(),
        document_type: "evaluationReports".into(),
        title: "评标报告".into(),
        description: format!(
            "评标委员会全体在席成员签名确认的评标报告；不公开全文，仅公布其 SHA-256 {}，供事后核对",
            e.report.sha256
        ),
        url: ni_uri(&e.report.sha256),
        date_published: e.report.date,
        format: "application/pdf".into(),
        language: "zh".into(),
    }
}

fn bidder_party_id(bidder: &str) -> String {
    format!("bidder-{bidder}")
}

fn bidder_ref(b: &crate::PublicBid) -> OrganizationReference {
    OrganizationReference {
        id: bidder_party_id(&b.bidder_id),
        name: b.bidder_name.clone(),
    }
}

fn short(sha256: &str) -> &str {
    sha256.get(..12).unwrap_or(sha256)
}

/// RFC 6920 name of content by its SHA-256: `ni:///sha-256;` and the digest
/// in base64url without padding. A hash that is not 64 hex digits is named
/// as given (it cannot be a digest, and the description carries it).
pub(crate) fn ni_uri(sha256_hex: &str) -> String {
    match hex::decode(sha256_hex) {
        Ok(bytes) if bytes.len() == 32 => format!(
            "ni:///sha-256;{}",
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
        ),
        _ => format!("ni:///sha-256;{sha256_hex}"),
    }
}

/// A CNY amount as a JSON number. The number is parsed from the decimal's
/// own digits and must print back to the same value, so no amount is ever
/// published rounded: one that has no exact shortest form (more than ~15
/// significant digits) is refused.
pub(crate) fn value(d: Decimal) -> Result<Value, OcdsError> {
    let amount = f64::from_str(&d.to_string())
        .map_err(|e| OcdsError::BadPackage(format!("金额 {d} 无法表示：{e}")))?;
    let back = Decimal::from_str(&amount.to_string()).ok();
    if back.map(|b| b.normalize()) != Some(d.normalize()) {
        return Err(OcdsError::BadPackage(format!(
            "金额 {d} 无法精确表示为 JSON 数值"
        )));
    }
    Ok(Value {
        amount,
        currency: CNY.into(),
    })
}

fn chinese_ordinal(n: u32) -> String {
    const DIGITS: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        0..=9 => DIGITS[n as usize].into(),
        10 => "十".into(),
        11..=19 => format!("十{}", DIGITS[(n - 10) as usize]),
        _ => n.to_string(),
    }
}

#[cfg(test)]
mod tests;
