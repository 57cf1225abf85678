//! Expert screens on the score sheets and the desktop's document-open log:
//! a subjective total far from the rest of the panel, the same scores for
//! every bidder, and scores for a bidder whose documents were never opened.
//!
//! Subjective factors are the non-objective, non-price factors of the rules;
//! points come from the rules engine (`factor_points`), so options and
//! deductions count exactly as they do in the panel result.

use crate::evidence::{Evidence, ExpertScoreRow};
use crate::flag::{Flag, FlagKind, Level, Party, Strength};
use crate::input::DocOpenEvent;
use crate::report::Skipped;
use crate::settings::ExpertSettings;
use pingshen_rules::{factor_points, ExpertSheet, Factor, FactorKind, FactorScore, Rules};
use rust_decimal::{Decimal, RoundingStrategy};
use std::collections::BTreeMap;

fn subjective(rules: &Rules) -> Vec<&Factor> {
    rules
        .factors
        .iter()
        .filter(|f| !f.objective && !matches!(f.kind, FactorKind::Price))
        .collect()
}

/// The points an entry gives, as the rules compute them. A missing written
/// reason (required below the maximum) makes the sheet incomplete for the
/// panel result, but the points stand: the screens look at them all the same.
fn points_of(factor: &Factor, entry: &FactorScore) -> Option<Decimal> {
    let mut entry = entry.clone();
    if entry.reason.as_deref().is_none_or(|r| r.trim().is_empty()) {
        entry.reason = Some("-".into());
    }
    factor_points(factor, &entry, &factor.id).ok()
}

fn round4(v: Decimal) -> Decimal {
    let mut r = v.round_dp_with_strategy(4, RoundingStrategy::MidpointAwayFromZero);
    r.rescale(4);
    r
}

/// Per expert, per bidder: the points of every subjective factor, when all
/// are present and valid.
type Scores = BTreeMap<String, BTreeMap<String, Vec<Decimal>>>;

fn scores(rules: &Rules, sheets: &[ExpertSheet]) -> Scores {
    let factors = subjective(rules);
    let mut out = Scores::new();
    for sheet in sheets {
        for b in &sheet.bidders {
            let points: Option<Vec<Decimal>> = factors
                .iter()
                .map(|f| points_of(f, b.factor(&f.id)?))
                .collect();
            if let Some(points) = points.filter(|p| !p.is_empty()) {
                out.entry(sheet.expert.clone())
                    .or_default()
                    .insert(b.bidder.clone(), points);
            }
        }
    }
    out
}

fn total(points: &[Decimal]) -> Decimal {
    points.iter().sum()
}

fn row(expert: &str, bidder: &str, points: Decimal) -> ExpertScoreRow {
    ExpertScoreRow {
        expert: expert.into(),
        bidder: bidder.into(),
        factor: None,
        points: Some(points),
        others_mean: None,
        deviation: None,
        files_opened: None,
    }
}

fn outliers(scores: &Scores, threshold: Decimal) -> Vec<Flag> {
    let mut by_bidder: BTreeMap<&str, Vec<(&str, Decimal)>> = BTreeMap::new();
    for (expert, bidders) in scores {
        for (bidder, points) in bidders {
            by_bidder
                .entry(bidder)
                .or_default()
                .push((expert, total(points)));
        }
    }
    let mut flags = Vec::new();
    for (bidder, totals) in &by_bidder {
        if totals.len() < 3 {
            continue;
        }
        for &(expert, x) in totals {
            let others: Vec<Decimal> = totals
                .iter()
                .filter(|(e, _)| *e != expert)
                .map(|(_, t)| *t)
                .collect();
            let mean = others.iter().sum::<Decimal>() / Decimal::from(others.len() as u64);
            if mean <= Decimal::ZERO {
                continue;
            }
            let d = (x - mean) / mean;
            if d.abs() < threshold {
                continue;
            }
            let level = if d.abs() >= threshold * Decimal::TWO {
                Level::Strong
            } else if d.abs() >= threshold * Decimal::new(15, 1) {
                Level::Moderate
            } else {
                Level::Weak
            };
            let mut rows = vec![ExpertScoreRow {
                others_mean: Some(round4(mean)),
                deviation: Some(round4(d)),
                ..row(expert, bidder, x)
            }];
            rows.extend(
                totals
                    .iter()
                    .filter(|(e, _)| *e != expert)
                    .map(|&(e, t)| row(e, bidder, t)),
            );
            let percent = round4(d * Decimal::ONE_HUNDRED).round_dp(1);
            let direction = if d > Decimal::ZERO { "高" } else { "低" };
            flags.push(Flag::new(
                FlagKind::ExpertOutlier,
                vec![Party::Expert(expert.into()), Party::Bidder(bidder.to_string())],
                Strength::new(level, d.abs() / (threshold * Decimal::TWO)),
                Evidence::ExpertScores { rows },
                &format!("{x}/{}", round4(mean)),
                format!("{expert}对{bidder}的主观分比其他专家平均{direction}{}%", percent.abs()),
                format!(
                    "专家{expert}给{bidder}的主观分合计{x}分，其他{}位专家的平均为{}分，偏离{}%，超过阈值{}%。\
                     个别专家明显偏高或偏低地评价某一投标人，可能是专业判断不同，也可能是倾向性评分，请评标委员会核实其书面理由。",
                    others.len(),
                    round4(mean).round_dp(2),
                    percent,
                    round4(threshold * Decimal::ONE_HUNDRED).round_dp(1),
                ),
            ));
        }
    }
    flags
}

fn uniform(scores: &Scores, min_bidders: usize) -> Vec<Flag> {
    let mut flags = Vec::new();
    for (expert, bidders) in scores {
        if bidders.len() < min_bidders {
            continue;
        }
        let mut vectors = bidders.values();
        let first = vectors.next().cloned().unwrap_or_default();
        let same_factors = bidders.values().all(|v| *v == first);
        let same_total = bidders.values().all(|v| total(v) == total(&first));
        if !same_total {
            continue;
        }
        let level = if same_factors {
            Level::Moderate
        } else {
            Level::Weak
        };
        let rows: Vec<ExpertScoreRow> = bidders
            .iter()
            .map(|(b, v)| row(expert, b, total(v)))
            .collect();
        let what = if same_factors {
            "每一项主观评分"
        } else {
            "主观分合计"
        };
        flags.push(Flag::new(
            FlagKind::ExpertUniformScores,
            vec![Party::Expert(expert.clone())],
            Strength::new(level, if same_factors { Decimal::ONE } else { Decimal::new(5, 1) }),
            Evidence::ExpertScores { rows },
            &format!("{}:{}", bidders.len(), total(&first)),
            format!("{expert}对{}家投标人的{what}完全相同", bidders.len()),
            format!(
                "专家{expert}给{}家投标人的{what}完全相同（合计均为{}分）。各投标文件的技术方案不会完全一样好，\
                 评分毫无区分可能说明未认真评审，请评标委员会核实。",
                bidders.len(),
                total(&first)
            ),
        ));
    }
    flags
}

fn unopened(rules: &Rules, sheets: &[ExpertSheet], opens: &[DocOpenEvent]) -> Vec<Flag> {
    let mut opened: BTreeMap<(&str, &str), u32> = BTreeMap::new();
    for e in opens {
        *opened.entry((&e.expert, &e.bidder)).or_default() += 1;
    }
    let factors = subjective(rules);
    let mut flags = Vec::new();
    for sheet in sheets {
        for b in &sheet.bidders {
            let scored = !b.factors.is_empty() || !b.preliminary.is_empty();
            if !scored || opened.contains_key(&(sheet.expert.as_str(), b.bidder.as_str())) {
                continue;
            }
            let points: Option<Decimal> = factors
                .iter()
                .map(|f| {
                    b.factor(&f.id)
                        .and_then(|e| factor_points(f, e, &f.id).ok())
                })
                .sum();
            let rows = vec![ExpertScoreRow {
                points,
                files_opened: Some(0),
                ..row(&sheet.expert, &b.bidder, Decimal::ZERO)
            }];
            flags.push(Flag::new(
                FlagKind::ExpertUnopenedScoring,
                vec![
                    Party::Expert(sheet.expert.clone()),
                    Party::Bidder(b.bidder.clone()),
                ],
                Strength::new(Level::Moderate, Decimal::new(75, 2)),
                Evidence::ExpertScores { rows },
                "",
                format!("{}未打开{}的投标文件即评分", sheet.expert, b.bidder),
                format!(
                    "专家{}对{}作出了评审结论，但文件打开记录中没有该专家打开{}任何投标文件的记录。\
                     若专家在其他设备上阅读了纸质或电子文件，请在评标报告中说明。",
                    sheet.expert, b.bidder, b.bidder
                ),
            ));
        }
    }
    flags
}

/// Runs the expert screens. Without any open event the unopened-scoring
/// screen is skipped (every expert would be flagged).
pub fn screen_experts(
    rules: &Rules,
    sheets: &[ExpertSheet],
    opens: &[DocOpenEvent],
    s: &ExpertSettings,
) -> (Vec<Flag>, Vec<Skipped>) {
    let threshold = s
        .deviation_threshold
        .or(rules.panel.deviation_threshold)
        .unwrap_or(Decimal::new(30, 2));
    let table = scores(rules, sheets);
    let mut flags = outliers(&table, threshold);
    flags.extend(uniform(&table, s.uniform_min_bidders));
    let mut skipped = Vec::new();
    if opens.is_empty() {
        skipped.push(Skipped::new(
            "expert_unopened_scoring",
            "no_activity_log",
            "未提供文件打开记录，未检查专家是否打开文件后评分",
        ));
    } else {
        flags.extend(unopened(rules, sheets, opens));
    }
    (flags, skipped)
}
