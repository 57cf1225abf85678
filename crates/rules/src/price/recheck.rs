//! Re-computes every number of an explanation from the explanation alone,
//! so an auditor (or a test) can confirm that the steps give the scores.

use super::formula;
use super::outcome::{BenchmarkTrace, BidStatus, MeanTrace, PriceOutcome, PricedBid, ScoreTrace};
use crate::model::{ComponentSource, DeviationRule};
use crate::RulesError;
use rust_decimal::Decimal;
use std::collections::HashMap;

impl PriceOutcome {
    /// `Ok` when every step of the explanation follows from the previous
    /// ones and the scores on the bids equal the explained scores;
    /// otherwise one `explanation_mismatch` diagnostic per broken step.
    pub fn recheck(&self) -> Result<(), RulesError> {
        let mut bad = Vec::new();
        let e = &self.explanation;
        let r = e.rounding;

        let sorted = e
            .valid
            .windows(2)
            .all(|w| (w[0].price, &w[0].bidder) <= (w[1].price, &w[1].bidder));
        check(&mut bad, sorted, "valid", "有效报价未按由低到高排列");
        for x in &e.excluded {
            let ok = match x.reason {
                BidStatus::AboveCeiling => e.ceiling.is_some_and(|c| x.price > c),
                BidStatus::InvalidPreliminary => true,
                BidStatus::Valid => false,
            };
            check(
                &mut bad,
                ok,
                "excluded",
                &format!("{} 的排除理由不成立", x.bidder),
            );
        }
        for v in &e.valid {
            let ok = e.ceiling.is_none_or(|c| v.price <= c);
            check(
                &mut bad,
                ok,
                "valid",
                &format!("{} 的报价超过最高投标限价", v.bidder),
            );
        }

        match &e.benchmark {
            Some(BenchmarkTrace::Lowest { bidder, value }) => {
                let ok = e
                    .valid
                    .first()
                    .is_some_and(|f| f.price == *value && &f.bidder == bidder);
                check(&mut bad, ok, "benchmark", "基准价不是最低有效报价");
            }
            Some(BenchmarkTrace::Weighted {
                components,
                weighted_sum,
                k,
                value,
            }) => {
                let mut sum = Decimal::ZERO;
                for c in components {
                    let ok = match (c.source, &c.mean) {
                        (ComponentSource::TrimmedMean | ComponentSource::Mean, Some(m)) => {
                            mean_holds(m, &e.valid, r.price) && m.mean == c.value
                        }
                        (ComponentSource::Lowest, None) => {
                            e.valid.first().is_some_and(|f| f.price == c.value)
                        }
                        (ComponentSource::Ceiling, None) => e.ceiling == Some(c.value),
                        _ => false,
                    };
                    check(
                        &mut bad,
                        ok,
                        "benchmark.components",
                        &format!("{} 计算不符", c.source.name_zh()),
                    );
                    sum = c
                        .weight
                        .checked_mul(c.value)
                        .and_then(|x| sum.checked_add(x))
                        .unwrap_or(Decimal::MAX);
                }
                check(
                    &mut bad,
                    sum == *weighted_sum,
                    "benchmark.weighted_sum",
                    "加权值不符",
                );
                let factor = match k {
                    Some(k) => {
                        let ok = formula::k_factor(k.apply, k.k) == k.factor;
                        check(&mut bad, ok, "benchmark.k", "K 系数不符");
                        k.factor
                    }
                    None => Decimal::ONE,
                };
                let b = formula::benchmark(*weighted_sum, factor, r.price);
                check(
                    &mut bad,
                    b == Some(*value),
                    "benchmark.value",
                    "评标基准价不符",
                );
            }
            None => {}
        }

        let b = e.benchmark.as_ref().map(BenchmarkTrace::value);
        let same_bids = e.scores.len() == e.valid.len() || e.scores.is_empty();
        check(&mut bad, same_bids, "scores", "价格分条目与有效报价不对应");
        for (s, v) in e.scores.iter().zip(&e.valid) {
            let ok = s.bidder() == v.bidder && score_holds(s, v.price, b, e.full_points, r);
            check(
                &mut bad,
                ok,
                "scores",
                &format!("{} 的价格分计算不符", s.bidder()),
            );
        }
        let by_bidder: HashMap<&str, Decimal> =
            e.scores.iter().map(|s| (s.bidder(), s.score())).collect();
        for bid in &self.bids {
            let explained = by_bidder.get(bid.bidder.as_str()).copied();
            check(
                &mut bad,
                explained == bid.score,
                "bids",
                &format!("{} 的得分与说明不一致", bid.bidder),
            );
        }
        if bad.is_empty() {
            Ok(())
        } else {
            Err(RulesError(bad))
        }
    }
}

fn check(bad: &mut Vec<crate::Diagnostic>, ok: bool, path: &str, message: &str) {
    if !ok {
        bad.push(crate::Diagnostic::new(
            "explanation_mismatch",
            path,
            message,
        ));
    }
}

/// The kept and dropped prices partition the valid ones as stated, the
/// dropped are the extremes, and the mean follows.
fn mean_holds(m: &MeanTrace, valid: &[PricedBid], dp: u32) -> bool {
    let n = valid.len();
    let (lo, hi) = (m.dropped_lowest.len(), m.dropped_highest.len());
    let in_band = m.count >= m.band_min_bids && m.band_max_bids.is_none_or(|x| m.count <= x);
    let count_ok = usize::try_from(m.count).is_ok_and(|c| c == n) && lo + hi + m.kept.len() == n;
    if !(in_band && count_ok) {
        return false;
    }
    let mut highest_first: Vec<PricedBid> = valid[n - hi..].to_vec();
    highest_first.reverse();
    let parts_ok = m.dropped_lowest == valid[..lo]
        && m.dropped_highest == highest_first
        && m.kept == valid[lo..n - hi];
    let sum = m
        .kept
        .iter()
        .try_fold(Decimal::ZERO, |s, b| s.checked_add(b.price));
    parts_ok && sum == Some(m.sum) && formula::mean(m.sum, m.kept.len(), dp) == Some(m.mean)
}

fn score_holds(
    s: &ScoreTrace,
    price: Decimal,
    b: Option<Decimal>,
    full_points: Option<Decimal>,
    r: crate::model::Rounding,
) -> bool {
    match s {
        ScoreTrace::LowestPrice {
            price: p,
            benchmark,
            full,
            score,
            ..
        } => {
            *p == price
                && Some(*benchmark) == b
                && Some(*full) == full_points
                && formula::lowest_price_score(*benchmark, *p, *full, r.points) == Some(*score)
        }
        ScoreTrace::Deviation {
            price: p,
            benchmark,
            deviation_percent,
            whole_percent,
            counted_percent,
            per_percent,
            raw_deduction,
            cap,
            deduction,
            floor,
            full,
            score,
            ..
        } => {
            let d = formula::deviation_percent(*p, *benchmark, r.percent);
            // Re-derive the deduction with the coefficient and cap that the
            // trace shows for this side of B.
            let rule = DeviationRule {
                above_per_percent: *per_percent,
                below_per_percent: *per_percent,
                above_cap: *cap,
                below_cap: *cap,
                floor: *floor,
                whole_percent: *whole_percent,
            };
            let Some(ded) = formula::deduction(&rule, *deviation_percent) else {
                return false;
            };
            *p == price
                && Some(*benchmark) == b
                && Some(*full) == full_points
                && d == Some(*deviation_percent)
                && ded.counted_percent == *counted_percent
                && ded.raw == *raw_deduction
                && ded.applied == *deduction
                && formula::deviation_score(*full, *deduction, *floor, r.points) == *score
        }
    }
}
