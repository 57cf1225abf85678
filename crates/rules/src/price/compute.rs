//! rules + prices → price scores, with every step recorded.

use super::formula;
use super::input::PriceRequest;
use super::outcome::{
    BenchmarkTrace, BidPrice, BidStatus, ComponentTrace, Exclusion, KTrace, MeanTrace,
    PriceExplanation, PriceOutcome, PricedBid, ScoreTrace,
};
use crate::dec::MAX_PRICE;
use crate::diag::Sink;
use crate::model::{
    Benchmark, ComponentSource, DeviationRule, KRule, PriceMethod, Rules, TrimBand,
};
use crate::RulesError;
use rust_decimal::Decimal;
use std::collections::{HashMap, HashSet};

/// Scores every valid price by the rules' price method and explains how.
///
/// Errors (with stable codes): `no_price_rule`, `duplicate_bidder`,
/// `non_positive_price`, `ceiling_conflict`, `ceiling_missing`,
/// `k_missing`, `k_out_of_range`, `k_not_on_step`, `k_not_applicable`,
/// `benchmark_not_positive`.
pub fn compute_prices(rules: &Rules, req: &PriceRequest) -> Result<PriceOutcome, RulesError> {
    let Some(rule) = &rules.price else {
        return Err(RulesError::one(
            "no_price_rule",
            "price",
            "规则中没有价格计算方法（[price] 段）",
        ));
    };
    check_bids(req)?;
    let ceiling = ceiling(rule.ceiling, req.ceiling)?;
    let k = match &rule.method {
        PriceMethod::Deviation { k, .. } => drawn_k(k.as_ref(), req.k)?,
        _ => drawn_k(None, req.k)?,
    };

    let mut excluded = Vec::new();
    let mut valid = Vec::new();
    for bid in &req.bids {
        let status = status_of(bid.valid_after_preliminary, bid.price, ceiling);
        if status == BidStatus::Valid {
            valid.push(PricedBid {
                bidder: bid.bidder.clone(),
                price: bid.price,
            });
        } else {
            excluded.push(Exclusion {
                bidder: bid.bidder.clone(),
                price: bid.price,
                reason: status,
            });
        }
    }
    valid.sort_by(|a, b| a.price.cmp(&b.price).then_with(|| a.bidder.cmp(&b.bidder)));

    let full = rules.price_factor().map(|f| f.max);
    let dp = rules.rounding;
    let (benchmark, scores) = match (&rule.method, full) {
        (PriceMethod::LowestPrice, Some(full)) => lowest_price(&valid, full, dp.points),
        (
            PriceMethod::Deviation {
                benchmark,
                deviation,
                ..
            },
            Some(full),
        ) => {
            let b = weighted_benchmark(benchmark, &valid, ceiling, k, dp.price)?;
            let scores = match &b {
                Some(b) => deviation_scores(&valid, b.value(), deviation, full, dp)?,
                None => Vec::new(),
            };
            (b, scores)
        }
        _ => (None, Vec::new()),
    };

    let by_bidder: HashMap<&str, Decimal> =
        scores.iter().map(|s| (s.bidder(), s.score())).collect();
    let bids = req
        .bids
        .iter()
        .map(|bid| BidPrice {
            bidder: bid.bidder.clone(),
            price: bid.price,
            status: status_of(bid.valid_after_preliminary, bid.price, ceiling),
            score: by_bidder.get(bid.bidder.as_str()).copied(),
        })
        .collect();
    let mut explanation = PriceExplanation {
        method: rule.method.name().to_string(),
        full_points: full.filter(|_| !matches!(rule.method, PriceMethod::EvaluatedPrice)),
        ceiling,
        rounding: rules.rounding,
        excluded,
        valid,
        benchmark,
        scores,
        abnormally_low: Vec::new(),
        prose_zh: Vec::new(),
    };
    if let Some(section) = &rules.abnormally_low {
        explanation.abnormally_low =
            super::abnormal::abnormally_low(section, &explanation.valid, ceiling);
    }
    explanation.prose_zh = super::prose::render(&explanation);
    explanation.prose_zh.extend(super::abnormal::sentences(
        &explanation.abnormally_low,
        rules.abnormally_low.as_ref(),
    ));
    Ok(PriceOutcome { bids, explanation })
}

fn check_bids(req: &PriceRequest) -> Result<(), RulesError> {
    let mut sink = Sink::default();
    let mut seen = HashSet::new();
    for (i, bid) in req.bids.iter().enumerate() {
        if !seen.insert(bid.bidder.as_str()) {
            sink.push(
                "duplicate_bidder",
                format!("bids[{i}].bidder"),
                format!("投标人 {} 重复出现", bid.bidder),
            );
        }
        if bid.price <= Decimal::ZERO {
            sink.push(
                "non_positive_price",
                format!("bids[{i}].price"),
                format!("投标人 {} 的报价 {} 必须大于 0", bid.bidder, bid.price),
            );
        } else if bid.price >= MAX_PRICE {
            sink.push(
                "value_out_of_range",
                format!("bids[{i}].price"),
                format!(
                    "投标人 {} 的报价 {} 过大（须小于 10^15 元）",
                    bid.bidder, bid.price
                ),
            );
        }
    }
    if req
        .ceiling
        .is_some_and(|c| c <= Decimal::ZERO || c >= MAX_PRICE)
    {
        sink.push(
            "value_out_of_range",
            "ceiling",
            "最高投标限价必须大于 0 且小于 10^15 元",
        );
    }
    sink.finish()
}

/// The rules and the prices may both state the ceiling only if they agree.
fn ceiling(
    from_rules: Option<Decimal>,
    from_input: Option<Decimal>,
) -> Result<Option<Decimal>, RulesError> {
    match (from_rules, from_input) {
        (Some(a), Some(b)) if a != b => Err(RulesError::one(
            "ceiling_conflict",
            "ceiling",
            format!("报价文件中的最高投标限价 {b} 与规则中的 {a} 不一致"),
        )),
        (a, b) => Ok(a.or(b)),
    }
}

fn drawn_k(rule: Option<&KRule>, k: Option<Decimal>) -> Result<Option<KTrace>, RulesError> {
    match (rule, k) {
        (None, None) => Ok(None),
        (None, Some(k)) => Err(RulesError::one(
            "k_not_applicable",
            "k",
            format!("本规则的价格方法不使用 K，却给出了 K = {k}"),
        )),
        (Some(_), None) => Err(RulesError::one(
            "k_missing",
            "k",
            "本规则的评标基准价需要开标时抽取的 K，请给出 K 值",
        )),
        (Some(r), Some(k)) => {
            if k < r.min || k > r.max {
                return Err(RulesError::one(
                    "k_out_of_range",
                    "k",
                    format!("K = {k} 超出规则允许的范围 {}～{}", r.min, r.max),
                ));
            }
            if !((k - r.min) % r.step).is_zero() {
                return Err(RulesError::one(
                    "k_not_on_step",
                    "k",
                    format!(
                        "K = {k} 不是规则允许的取值（从 {} 起按 {} 递增）",
                        r.min, r.step
                    ),
                ));
            }
            Ok(Some(KTrace {
                k,
                apply: r.apply,
                factor: formula::k_factor(r.apply, k),
            }))
        }
    }
}

fn status_of(valid_after_preliminary: bool, price: Decimal, ceiling: Option<Decimal>) -> BidStatus {
    if !valid_after_preliminary {
        BidStatus::InvalidPreliminary
    } else if ceiling.is_some_and(|c| price > c) {
        BidStatus::AboveCeiling
    } else {
        BidStatus::Valid
    }
}

fn lowest_price(
    valid: &[PricedBid],
    full: Decimal,
    dp: u32,
) -> (Option<BenchmarkTrace>, Vec<ScoreTrace>) {
    let Some(lowest) = valid.first() else {
        return (None, Vec::new());
    };
    let b = lowest.price;
    let scores = valid
        .iter()
        .filter_map(|bid| {
            let score = formula::lowest_price_score(b, bid.price, full, dp)?;
            Some(ScoreTrace::LowestPrice {
                bidder: bid.bidder.clone(),
                price: bid.price,
                benchmark: b,
                full,
                score,
            })
        })
        .collect();
    let trace = BenchmarkTrace::Lowest {
        bidder: lowest.bidder.clone(),
        value: b,
    };
    (Some(trace), scores)
}

fn weighted_benchmark(
    bench: &Benchmark,
    valid: &[PricedBid],
    ceiling: Option<Decimal>,
    k: Option<KTrace>,
    dp: u32,
) -> Result<Option<BenchmarkTrace>, RulesError> {
    if valid.is_empty() {
        return Ok(None);
    }
    let mut components = Vec::new();
    let mut weighted_sum = Decimal::ZERO;
    for c in &bench.components {
        let (value, mean) = match c.source {
            ComponentSource::TrimmedMean => {
                let m = trimmed_mean(valid, &bench.trim, dp);
                (m.as_ref().map(|m| m.mean), m)
            }
            ComponentSource::Mean => {
                let all = TrimBand {
                    min_bids: 1,
                    max_bids: None,
                    drop_highest: 0,
                    drop_lowest: 0,
                };
                let m = trimmed_mean(valid, &[all], dp);
                (m.as_ref().map(|m| m.mean), m)
            }
            ComponentSource::Lowest => (valid.first().map(|b| b.price), None),
            ComponentSource::Ceiling => match ceiling {
                Some(c) => (Some(c), None),
                None => {
                    return Err(RulesError::one(
                        "ceiling_missing",
                        "ceiling",
                        "评标基准价需要最高投标限价，但规则和报价文件都没有给出",
                    ))
                }
            },
        };
        let Some(value) = value else {
            return Ok(None);
        };
        weighted_sum += c.weight * value;
        components.push(ComponentTrace {
            source: c.source,
            weight: c.weight,
            mean,
            value,
        });
    }
    let factor = k.map_or(Decimal::ONE, |k| k.factor);
    let value = formula::benchmark(weighted_sum, factor, dp).unwrap_or(Decimal::ZERO);
    if value <= Decimal::ZERO {
        return Err(RulesError::one(
            "benchmark_not_positive",
            "benchmark",
            format!("评标基准价计算结果为 {value}，不能据此计算偏差率"),
        ));
    }
    Ok(Some(BenchmarkTrace::Weighted {
        components,
        weighted_sum,
        k,
        value,
    }))
}

/// Mean after dropping the highest and lowest prices the band asks for.
/// `valid` is sorted lowest first.
fn trimmed_mean(valid: &[PricedBid], bands: &[TrimBand], dp: u32) -> Option<MeanTrace> {
    let count = u32::try_from(valid.len()).ok()?;
    let band = bands.iter().find(|b| b.contains(count))?;
    let low = usize::try_from(band.drop_lowest).ok()?;
    let high = usize::try_from(band.drop_highest).ok()?;
    if low + high >= valid.len() {
        return None;
    }
    let kept = &valid[low..valid.len() - high];
    let sum: Decimal = kept.iter().map(|b| b.price).sum();
    Some(MeanTrace {
        count,
        band_min_bids: band.min_bids,
        band_max_bids: band.max_bids,
        dropped_highest: valid[valid.len() - high..].iter().rev().cloned().collect(),
        dropped_lowest: valid[..low].to_vec(),
        kept: kept.to_vec(),
        sum,
        mean: formula::mean(sum, kept.len(), dp)?,
    })
}

fn deviation_scores(
    valid: &[PricedBid],
    b: Decimal,
    rule: &DeviationRule,
    full: Decimal,
    dp: crate::model::Rounding,
) -> Result<Vec<ScoreTrace>, RulesError> {
    let mut out = Vec::with_capacity(valid.len());
    for bid in valid {
        let Some(d) = formula::deviation_percent(bid.price, b, dp.percent) else {
            return Err(RulesError::one(
                "benchmark_not_positive",
                "benchmark",
                "评标基准价为 0，不能计算偏差率",
            ));
        };
        let Some(ded) = formula::deduction(rule, d) else {
            return Err(RulesError::one(
                "value_out_of_range",
                "deviation",
                format!("{} 的偏差扣分超出可计算范围", bid.bidder),
            ));
        };
        out.push(ScoreTrace::Deviation {
            bidder: bid.bidder.clone(),
            price: bid.price,
            benchmark: b,
            deviation_percent: d,
            whole_percent: rule.whole_percent,
            counted_percent: ded.counted_percent,
            per_percent: ded.per_percent,
            raw_deduction: ded.raw,
            cap: ded.cap,
            deduction: ded.applied,
            floor: rule.floor,
            full,
            score: formula::deviation_score(full, ded.applied, rule.floor, dp.points),
        });
    }
    Ok(out)
}
