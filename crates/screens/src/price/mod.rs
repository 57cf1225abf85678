//! Price screens on the bid prices of one project.
//!
//! The dispersion, gap, ladder, identical-price and ceiling screens look at
//! every submitted price (accompanying bids may be deliberately invalid);
//! the benchmark screen follows the rules, which count valid prices only.

mod benchmark;
mod ceiling;
mod dispersion;
mod ladder;
pub(crate) mod rd_table;
mod series;
mod stats;

pub use stats::{PriceStat, PriceStatistics};

use crate::error::ScreenError;
use crate::flag::Flag;
use crate::report::Skipped;
use crate::settings::PriceSettings;
use pingshen_rules::dec::MAX_PRICE;
use pingshen_rules::{PriceRequest, Rules};
use rust_decimal::Decimal;
use series::{Bid, Series};
use std::collections::BTreeSet;

fn check(req: &PriceRequest, rules: Option<&Rules>) -> Result<Option<Decimal>, ScreenError> {
    let mut seen = BTreeSet::new();
    for (index, bid) in req.bids.iter().enumerate() {
        if bid.bidder.trim().is_empty() {
            return Err(ScreenError::EmptyBidder { index: index + 1 });
        }
        if !seen.insert(bid.bidder.as_str()) {
            return Err(ScreenError::DuplicateBidder {
                bidder: bid.bidder.clone(),
            });
        }
        if bid.price <= Decimal::ZERO {
            return Err(ScreenError::NonPositivePrice {
                bidder: bid.bidder.clone(),
                price: bid.price.to_string(),
            });
        }
        if bid.price > MAX_PRICE {
            return Err(ScreenError::PriceTooLarge {
                bidder: bid.bidder.clone(),
                price: bid.price.to_string(),
            });
        }
    }
    let ceiling = req
        .ceiling
        .or_else(|| rules.and_then(|r| r.price.as_ref()).and_then(|p| p.ceiling));
    if let Some(c) = ceiling {
        if c <= Decimal::ZERO || c > MAX_PRICE {
            return Err(ScreenError::InvalidCeiling {
                price: c.to_string(),
            });
        }
    }
    Ok(ceiling)
}

/// Flags, the statistics table and the screens that could not run.
#[derive(Debug, Clone, PartialEq)]
pub struct PriceScreens {
    pub flags: Vec<Flag>,
    pub statistics: PriceStatistics,
    pub skipped: Vec<Skipped>,
}

/// Runs the price screens. `groups` are sets of bidders linked by other
/// screens, tested for coordination around the benchmark; `rules` supplies
/// the benchmark method (the screen is skipped without it).
pub fn screen_prices(
    req: &PriceRequest,
    rules: Option<&Rules>,
    groups: &[Vec<String>],
    s: &PriceSettings,
) -> Result<PriceScreens, ScreenError> {
    let ceiling = check(req, rules)?;
    let series = Series::new(
        req.bids
            .iter()
            .map(|b| Bid {
                bidder: b.bidder.clone(),
                price: b.price,
            })
            .collect(),
    );
    let mut flags = Vec::new();
    let mut rows = Vec::new();
    let mut skipped = Vec::new();

    let (stat, flag) = dispersion::coefficient_of_variation(&series, s);
    rows.push(stat);
    flags.extend(flag);
    let (stat, flag) = dispersion::relative_distance(&series, s);
    rows.push(stat);
    flags.extend(flag);
    let (stat, found) = ladder::ladder_screen(&series, s);
    rows.push(stat);
    flags.extend(found);
    let (stat, found) = ladder::identical_screen(&series, s);
    rows.push(stat);
    flags.extend(found);
    let (stats, flag) = ceiling::ceiling_screen(&series, ceiling, s);
    rows.extend(stats);
    flags.extend(flag);

    match rules {
        None => skipped.push(Skipped::new(
            "benchmark_pull",
            "rules_missing",
            "未提供评标办法，未检查联合报价对评标基准价的影响",
        )),
        Some(rules) => {
            let req = PriceRequest {
                ceiling,
                ..req.clone()
            };
            match benchmark::benchmark_screen(&req, rules, groups, s) {
                Ok((stats, found)) => {
                    rows.extend(stats);
                    flags.extend(found);
                }
                Err(reason) => {
                    skipped.push(Skipped::new("benchmark_pull", "not_applicable", reason))
                }
            }
        }
    }
    Ok(PriceScreens {
        flags,
        statistics: PriceStatistics {
            bids: series.len(),
            rows,
        },
        skipped,
    })
}
