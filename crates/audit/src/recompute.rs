//! The numbers, recomputed from signed inputs only: the bids, ceiling and K
//! of the platform's opening record, the staff-signed rules and the latest
//! signed sheet of each sitting expert. The platform's recorded result must
//! equal the recomputation in every field (scores, totals, flags, ranking
//! and its explanation), not only in the totals.

use crate::audit::Audit;
use crate::person::PersonDoc;
use pingshen_api::{OpeningRecord, PanelRecord, PanelSeat, ScoreSheet};
use pingshen_rules::{ExpertSheet, PanelResult, PriceInput, PriceRequest, Rules};
use serde_json::Value;
use std::collections::BTreeMap;

/// How many differing fields are listed before the rest are summarised.
const MAX_LISTED: usize = 8;

pub(crate) fn check(
    a: &mut Audit<'_>,
    rules: &Rules,
    opening: &OpeningRecord,
    panel: &PanelRecord,
    sheets: &[(usize, PersonDoc<ScoreSheet>)],
    rejections: &[pingshen_rules::motion::PanelRejection],
    credit: Option<&pingshen_rules::credit::CreditRecords>,
    recorded: &PanelResult,
) {
    // The latest version of each sitting expert's sheet, by expert id (the
    // order the platform aggregates in).
    let mut latest: BTreeMap<&str, &ScoreSheet> = BTreeMap::new();
    for (_, s) in sheets {
        let sitting = panel
            .experts
            .iter()
            .any(|e| e.id == s.doc.expert_id && e.seat == Some(PanelSeat::Sitting));
        if !sitting {
            continue;
        }
        let newer = latest
            .get(s.doc.expert_id.as_str())
            .is_none_or(|old| old.version < s.doc.version);
        if newer {
            latest.insert(&s.doc.expert_id, &s.doc);
        }
    }
    let bidders: Vec<String> = opening.bids.iter().map(|b| b.bidder_id.clone()).collect();
    for s in latest.values() {
        if let Err(e) = pingshen_rules::validate_sheet_for(rules, &s.sheet, &bidders) {
            a.problem(
                "invalid_scores",
                "sheets",
                Some(&s.expert_id),
                format!(
                    "{} 的评分不符合已签名的评标办法：{}",
                    s.expert_id,
                    e.0.iter()
                        .map(|d| format!("{}：{}", d.path, d.message_zh))
                        .collect::<Vec<_>>()
                        .join("；")
                ),
            );
        }
    }
    let expert_sheets: Vec<ExpertSheet> = latest.values().map(|s| s.sheet.clone()).collect();
    let prices = PriceRequest {
        bids: opening
            .bids
            .iter()
            .map(|b| PriceInput {
                bidder: b.bidder_id.clone(),
                price: b.price,
                valid_after_preliminary: true,
            })
            .collect(),
        ceiling: Some(opening.ceiling_price),
        k: opening.k,
    };
    let uses_prices = rules.price.is_some();
    let again = match pingshen_rules::aggregate_with(
        rules,
        &expert_sheets,
        uses_prices.then_some(&prices),
        &[],
        rejections,
        credit,
    ) {
        Ok(r) => r,
        Err(e) => {
            a.problem(
                "recompute_failed",
                "result",
                None,
                format!(
                    "无法由已签名数据重算：{}",
                    e.0.iter()
                        .map(|d| d.message_zh.clone())
                        .collect::<Vec<_>>()
                        .join("；")
                ),
            );
            return;
        }
    };
    let (mine, theirs) = match (serde_json::to_value(&again), serde_json::to_value(recorded)) {
        (Ok(m), Ok(t)) => (m, t),
        _ => return,
    };
    let mut differences = Vec::new();
    diff("result", &theirs, &mine, &mut differences);
    for (path, recorded, recomputed) in differences.iter().take(MAX_LISTED) {
        a.problem(
            "result_mismatch",
            path.clone(),
            None,
            format!("档案记载 {recorded}，由已签名数据重算为 {recomputed}"),
        );
    }
    if differences.len() > MAX_LISTED {
        a.problem(
            "result_mismatch",
            "result",
            None,
            format!("另有 {} 处与重算结果不同", differences.len() - MAX_LISTED),
        );
    }
}

/// Every leaf where `recorded` and `recomputed` differ, with its path.
fn diff(path: &str, recorded: &Value, recomputed: &Value, out: &mut Vec<(String, String, String)>) {
    match (recorded, recomputed) {
        (Value::Object(r), Value::Object(c)) => {
            let keys: std::collections::BTreeSet<&String> = r.keys().chain(c.keys()).collect();
            for k in keys {
                let null = Value::Null;
                diff(
                    &format!("{path}.{k}"),
                    r.get(k).unwrap_or(&null),
                    c.get(k).unwrap_or(&null),
                    out,
                );
            }
        }
        (Value::Array(r), Value::Array(c)) if r.len() == c.len() => {
            for (i, (x, y)) in r.iter().zip(c).enumerate() {
                diff(&format!("{path}[{i}]"), x, y, out);
            }
        }
        (r, c) if r != c => out.push((path.to_string(), short(r), short(c))),
        _ => {}
    }
}

fn short(v: &Value) -> String {
    let text = v.to_string();
    if text.chars().count() > 60 {
        format!("{}…", text.chars().take(60).collect::<String>())
    } else {
        text
    }
}
