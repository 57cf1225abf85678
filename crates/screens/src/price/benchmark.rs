//! Coordination around an average-based benchmark (after Conley & Decarolis
//! 2016, "Detecting Bidders Groups in Collusive Auctions", AEJ: Micro 8(2)).
//!
//! Where the benchmark is a (trimmed) mean of the bids, a group of bidders
//! can place its members' bids to pull the benchmark towards the one it
//! wants to win. For each group found by the other screens (shared text,
//! metadata, identifiers…), the benchmark is recomputed by the rules engine
//! without the other members' bids, and the points each member's price
//! score gains from their presence is measured. A gain of at least
//! `benchmark_min_gain_points` is flagged. Only groups are tested: testing
//! every subset of bidders would find some subset that "helps" by chance.

use super::series::{money, round};
use super::stats::PriceStat;
use crate::evidence::{Comparison, Evidence, PriceEvidence, PricePoint};
use crate::flag::{Flag, FlagKind, Level, Party, Strength};
use crate::settings::PriceSettings;
use pingshen_rules::{
    compute_prices, BidStatus, ComponentSource, PriceMethod, PriceOutcome, PriceRequest, Rules,
};
use rust_decimal::Decimal;
use std::collections::BTreeSet;

const SOURCE: &str =
    "Conley与Decarolis（2016）：以平均价为基准的评标办法下，串通投标人会协调报价以左右基准价；\
增益阈值为本系统默认值（见 docs/screens.md）";

/// K to use: the drawn one, or the allowed value nearest the middle of the
/// range (bidders price before K is drawn, so they aim at its middle).
fn k_value(rules: &Rules, req: &PriceRequest) -> (Option<Decimal>, Option<String>) {
    if req.k.is_some() {
        return (req.k, None);
    }
    let Some(PriceMethod::Deviation { k: Some(k), .. }) = rules.price.as_ref().map(|p| &p.method)
    else {
        return (None, None);
    };
    let steps = if k.step.is_zero() {
        Decimal::ZERO
    } else {
        ((k.max - k.min) / k.step / Decimal::TWO).round()
    };
    let mid = k.min + steps * k.step;
    (
        Some(mid),
        Some(format!(
            "未给出抽取的K值，按其取值范围的中间值K = {mid}计算"
        )),
    )
}

fn averaged(rules: &Rules) -> bool {
    matches!(
        rules.price.as_ref().map(|p| &p.method),
        Some(PriceMethod::Deviation { benchmark, .. })
            if benchmark.components.iter().any(|c| matches!(c.source, ComponentSource::TrimmedMean | ComponentSource::Mean))
    )
}

fn score_of(outcome: &PriceOutcome, bidder: &str) -> Option<Decimal> {
    outcome
        .bids
        .iter()
        .find(|b| b.bidder == bidder && b.status == BidStatus::Valid)
        .and_then(|b| b.score)
}

fn benchmark_of(outcome: &PriceOutcome) -> Option<Decimal> {
    outcome.explanation.benchmark.as_ref().map(|b| b.value())
}

/// What one member gains from the rest of its group's bids.
struct Gain {
    member: String,
    with: Decimal,
    without: Decimal,
    benchmark_without: Decimal,
}

impl Gain {
    fn points(&self) -> Decimal {
        self.with - self.without
    }
}

/// Runs the screen, or says why it cannot (`Err`: a Chinese reason).
pub fn benchmark_screen(
    req: &PriceRequest,
    rules: &Rules,
    groups: &[Vec<String>],
    s: &PriceSettings,
) -> Result<(Vec<PriceStat>, Vec<Flag>), String> {
    if !averaged(rules) {
        return Err("评标办法的基准价不以报价平均值为基础，不适用".into());
    }
    let (k, k_note) = k_value(rules, req);
    let full = PriceRequest { k, ..req.clone() };
    let base = compute_prices(rules, &full).map_err(|e| format!("无法计算评标基准价：{e}"))?;
    let benchmark = benchmark_of(&base).ok_or("无法计算评标基准价")?;
    let mut stat = PriceStat::value("benchmark", "评标基准价", benchmark, None, false);
    if let Some(note) = k_note.clone() {
        stat = stat.with_note(note);
    }
    let unique: BTreeSet<Vec<String>> = groups
        .iter()
        .map(|g| {
            g.iter()
                .cloned()
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect::<Vec<_>>()
        })
        .filter(|g: &Vec<String>| g.len() >= 2)
        .collect();
    let mut flags = Vec::new();
    let mut rows = vec![stat];
    for group in unique {
        let valid: Vec<&String> = group
            .iter()
            .filter(|m| score_of(&base, m).is_some())
            .collect();
        if valid.len() < 2 {
            continue;
        }
        let mut best: Option<Gain> = None;
        for member in &valid {
            let without = PriceRequest {
                bids: full
                    .bids
                    .iter()
                    .filter(|b| b.bidder == **member || !group.contains(&b.bidder))
                    .cloned()
                    .collect(),
                ..full.clone()
            };
            let Ok(outcome) = compute_prices(rules, &without) else {
                continue;
            };
            let (Some(with), Some(alone), Some(b)) = (
                score_of(&base, member),
                score_of(&outcome, member),
                benchmark_of(&outcome),
            ) else {
                continue;
            };
            let gain = Gain {
                member: member.to_string(),
                with,
                without: alone,
                benchmark_without: b,
            };
            if best.as_ref().is_none_or(|g| gain.points() > g.points()) {
                best = Some(gain);
            }
        }
        let Some(gain) = best else { continue };
        let flagged = gain.points() >= s.benchmark_min_gain_points;
        rows.push(
            PriceStat::value(
                "benchmark_gain_points",
                &format!(
                    "{}的其他报价使{}多得的价格分",
                    group.join("、"),
                    gain.member
                ),
                round(gain.points(), 2),
                Some(s.benchmark_min_gain_points),
                flagged,
            )
            .with_note(format!(
                "不计其他成员报价时基准价{}元",
                money(gain.benchmark_without)
            )),
        );
        if flagged {
            flags.push(pull_flag(
                &full,
                &group,
                &gain,
                benchmark,
                k_note.as_deref(),
                s,
            ));
        }
    }
    Ok((rows, flags))
}

fn pull_flag(
    req: &PriceRequest,
    group: &[String],
    gain: &Gain,
    benchmark: Decimal,
    k_note: Option<&str>,
    s: &PriceSettings,
) -> Flag {
    let points = gain.points();
    let level = if points >= s.benchmark_min_gain_points * Decimal::from(4) {
        Level::Strong
    } else if points >= s.benchmark_min_gain_points * Decimal::TWO {
        Level::Moderate
    } else {
        Level::Weak
    };
    let mut series: Vec<PricePoint> = req
        .bids
        .iter()
        .map(|b| PricePoint {
            bidder: b.bidder.clone(),
            price: b.price,
            marked: group.contains(&b.bidder),
        })
        .collect();
    series.sort_by(|a, b| a.price.cmp(&b.price).then_with(|| a.bidder.cmp(&b.bidder)));
    let others: Vec<&str> = group
        .iter()
        .filter(|m| **m != gain.member)
        .map(String::as_str)
        .collect();
    let mut details = vec![
        format!("计入全部报价的评标基准价 {}元", money(benchmark)),
        format!(
            "不计{}报价的评标基准价 {}元",
            others.join("、"),
            money(gain.benchmark_without)
        ),
        format!("{}的价格分 {} → {}", gain.member, gain.without, gain.with),
    ];
    details.extend(k_note.map(str::to_string));
    let evidence = PriceEvidence {
        statistic: "benchmark_gain_points".into(),
        value: round(points, 2),
        threshold: s.benchmark_min_gain_points,
        comparison: Comparison::AtLeast,
        source: SOURCE.into(),
        series,
        details_zh: details,
    };
    Flag::new(
        FlagKind::BenchmarkPull,
        group.iter().map(|m| Party::Bidder(m.clone())).collect(),
        Strength::new(level, Decimal::ONE - s.benchmark_min_gain_points / points),
        Evidence::Prices(evidence),
        &format!("{}:{}", gain.member, round(points, 2)),
        format!("{}的报价使{}的价格分多得{}分", others.join("、"), gain.member, round(points, 2)),
        format!(
            "{}已被其他筛查发现存在关联。若不计{}的报价，评标基准价为{}元，{}的价格分为{}；计入后基准价为{}元，{}的价格分为{}，多得{}分。\
             以平均价为基准的评标办法下，关联投标人可以用多份报价把基准价推向其中一家（Conley与Decarolis，2016），请评标委员会结合其他证据判断。",
            group.join("、"),
            others.join("、"),
            money(gain.benchmark_without),
            gain.member,
            gain.without,
            money(benchmark),
            gain.member,
            gain.with,
            round(points, 2),
        ),
    )
}
