//! Shared helpers for the integration tests (included with `mod common;`).
#![allow(dead_code)]

use pingshen_rules::{PriceInput, PriceRequest, Rules};
use rust_decimal::Decimal;
use std::str::FromStr;

pub fn d(s: &str) -> Decimal {
    Decimal::from_str(s).expect("test decimal")
}

/// A comprehensive method with one technical factor and a price factor of
/// `full` points, followed by the given `[price]` section.
pub fn price_rules(full: &str, price_section: &str) -> Rules {
    let tech = d("100") - d(full);
    let text = format!(
        r#"
version = 1
tie_break = ["lower_price", "lots"]

[meta]
id = "price-test"
name = "价格分测试"
method = "comprehensive"
total = "100"

[panel]
size = 5

[[preliminary]]
id = "form.signature"
stage = "form"
name = "签字盖章"

[[factors]]
id = "tech.plan"
name = "施工方案"
group = "technical"
kind = "range"
max = "{tech}"
step = "0.5"

[[factors]]
id = "price.bid"
name = "投标报价"
group = "price"
kind = "price"
max = "{full}"

{price_section}
"#
    );
    Rules::from_toml(&text).unwrap_or_else(|e| panic!("test rules invalid:\n{e}\n{text}"))
}

pub fn bids(list: &[(&str, &str)]) -> Vec<PriceInput> {
    list.iter()
        .map(|(bidder, price)| PriceInput {
            bidder: bidder.to_string(),
            price: d(price),
            valid_after_preliminary: true,
        })
        .collect()
}

pub fn request(list: &[(&str, &str)], ceiling: Option<&str>, k: Option<&str>) -> PriceRequest {
    PriceRequest {
        bids: bids(list),
        ceiling: ceiling.map(d),
        k: k.map(d),
    }
}

pub const TRIMMED_MEAN_STANDARD_BANDS: &str = r#"
[[price.benchmark.trim]]
min_bids = 1
max_bids = 5

[[price.benchmark.trim]]
min_bids = 6
max_bids = 6
drop_highest = 1

[[price.benchmark.trim]]
min_bids = 7
drop_highest = 1
drop_lowest = 1
"#;

use pingshen_rules::{
    BidderSheet, CriterionVerdict, DeductionHit, ExpertSheet, FactorKind, FactorScore,
};

/// An entry for `factor` written the way its kind reads it: range → points
/// ("7.5"); options → option id; pass_fail → "pass"/"fail"; deductions →
/// "item*times,item*times" ("" for none). Always carries a reason.
pub fn entry(rules: &Rules, factor: &str, value: &str) -> FactorScore {
    let f = rules
        .factor(factor)
        .unwrap_or_else(|| panic!("no factor {factor}"));
    let mut e = FactorScore::new(factor);
    e.reason = Some("依据投标文件第3章".to_string());
    match &f.kind {
        FactorKind::Range { .. } => e.points = Some(d(value)),
        FactorKind::Options(_) => e.option = Some(value.to_string()),
        FactorKind::PassFail => e.pass = Some(value == "pass"),
        FactorKind::Deductions(_) => {
            e.deductions = value
                .split(',')
                .filter(|s| !s.is_empty())
                .map(|s| {
                    let (item, times) = s.split_once('*').unwrap_or((s, "1"));
                    DeductionHit {
                        item: item.to_string(),
                        times: times.parse().unwrap(),
                    }
                })
                .collect()
        }
        FactorKind::Price => panic!("price is computed"),
    }
    e
}

/// A bidder's part of a sheet: every criterion passed except `fails`
/// (criterion ids), and the given factor entries.
pub fn bidder_sheet(
    rules: &Rules,
    bidder: &str,
    fails: &[&str],
    factors: &[(&str, &str)],
) -> BidderSheet {
    BidderSheet {
        bidder: bidder.to_string(),
        preliminary: rules
            .preliminary
            .iter()
            .map(|c| {
                let fail = fails.contains(&c.id.as_str());
                CriterionVerdict {
                    criterion: c.id.clone(),
                    pass: !fail,
                    reason: fail.then(|| format!("{}不满足", c.name)),
                }
            })
            .collect(),
        factors: factors.iter().map(|(f, v)| entry(rules, f, v)).collect(),
        adjustments: Vec::new(),
        deviation_reasons: Vec::new(),
    }
}

pub fn sheet(expert: &str, bidders: Vec<BidderSheet>) -> ExpertSheet {
    ExpertSheet {
        expert: expert.to_string(),
        bidders,
    }
}
