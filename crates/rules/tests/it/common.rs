//! Shared helpers for the integration tests (included with `mod common;`).
#![allow(dead_code)]

use pingshen_rules::{PriceInput, PriceRequest, Rules};
use rust_decimal::Decimal;
use std::str::FromStr;

pub fn d(s: &str) -> Decimal {
    Decimal::from_str(s).expect("test decimal")
}

/// The shared small method (`fixtures/small.toml`).
pub const SMALL: &str = include_str!("../fixtures/small.toml");

/// The small method with a price factor of `full` points and the given
/// `[price]` section instead of lowest-price-first.
pub fn price_rules(full: &str, price_section: &str) -> Rules {
    let tech = d("100") - d(full);
    // Through a marker, so that a new technical maximum of "60" is not
    // then taken for the price factor's.
    let text = SMALL
        .replace("max = \"40\"", "max = \"TECH_MAX\"")
        .replace("max = \"60\"", &format!("max = \"{full}\""))
        .replace("TECH_MAX", &tech.to_string())
        .replace("[price]\nmethod = \"lowest_price\"\n", price_section);
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
        FactorKind::Price | FactorKind::Credit(_) => panic!("computed factors are not scored"),
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
