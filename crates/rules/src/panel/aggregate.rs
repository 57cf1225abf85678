//! rules + every expert's sheet → the panel's result.

use super::evaluated::adjustment_amount;
use super::ranking::{rank, Candidate, LotOutcome};
use super::result::{
    AdjustmentAggregate, BidderResult, CriterionOutcome, ExpertPoints, ExpertReason,
    FactorAggregate, Flag, FlagKind, GroupPoints, PanelResult, PanelStatus, PreliminaryOutcome,
};
use crate::credit::{credit_points, CreditPoints, CreditRecords};
use crate::dec::round_half_up;
use crate::diag::Sink;
use crate::model::{Aggregation, Factor, FactorKind, Method, Rules};
use crate::price::{compute_prices, BidStatus, PriceOutcome, PriceRequest};
use crate::sheet::{factor_points, validate_sheet, ExpertSheet};
use crate::RulesError;
use rust_decimal::Decimal;
use std::collections::HashSet;

/// Combines the sheets of the whole panel.
///
/// `prices` is needed by every method except 合格制; `lots` holds recorded
/// lot drawings for ties the tie-break order could not settle. Sheets that
/// fail [`validate_sheet`], sheets that cover different bidders, or prices
/// for other bidders are errors; disagreements between experts are flags.
pub fn aggregate(
    rules: &Rules,
    sheets: &[ExpertSheet],
    prices: Option<&PriceRequest>,
    lots: &[LotOutcome],
) -> Result<PanelResult, RulesError> {
    aggregate_with(rules, sheets, prices, lots, &[], None)
}

/// [`aggregate`], with bids the panel rejected by vote: each fails the
/// preliminary review with the decision cited, so prices, scores and the
/// ranking are computed without it.
pub fn aggregate_with(
    rules: &Rules,
    sheets: &[ExpertSheet],
    prices: Option<&PriceRequest>,
    lots: &[LotOutcome],
    rejections: &[super::motion::PanelRejection],
    credit: Option<&CreditRecords>,
) -> Result<PanelResult, RulesError> {
    let uses_credit = rules
        .factors
        .iter()
        .any(|f| matches!(f.kind, FactorKind::Credit(_)));
    if uses_credit && credit.is_none() && rules.meta.method == Method::Comprehensive {
        return Err(RulesError::one(
            "credit_records_missing",
            "credit",
            "本评标办法有信用分，需要平台的信用记录才能汇总",
        ));
    }
    let mut credits = Vec::new();
    let mut sheets: Vec<&ExpertSheet> = sheets.iter().collect();
    sheets.sort_by(|a, b| a.expert.cmp(&b.expert));
    let bidders = check_sheets(rules, &sheets)?;
    let n = u32::try_from(sheets.len()).unwrap_or(u32::MAX);
    let mut flags = Vec::new();
    if n != rules.panel.size {
        flags.push(Flag {
            kind: FlagKind::PanelSizeMismatch,
            blocking: false,
            bidder: None,
            factor: None,
            expert: None,
            message_zh: format!(
                "收到 {n} 份评分表，规则规定评标委员会 {} 人",
                rules.panel.size
            ),
        });
    }

    let preliminary: Vec<PreliminaryOutcome> = bidders
        .iter()
        .map(|b| {
            let mut p = preliminary_of(b, &sheets, n);
            if let Some(r) = rejections.iter().find(|r| &r.bidder == b) {
                p.passed = false;
                p.rejected = Some(r.decision_zh.clone());
            }
            p
        })
        .collect();
    let passed = |b: &str| preliminary.iter().any(|p| p.bidder == b && p.passed);

    let price = match (rules.meta.method, &rules.price) {
        (Method::Qualification, _) | (_, None) => None,
        (_, Some(_)) => {
            let Some(req) = prices else {
                return Err(RulesError::one(
                    "prices_missing",
                    "prices",
                    "本评标办法需要投标报价才能汇总",
                ));
            };
            check_price_bidders(req, &bidders)?;
            let mut req = req.clone();
            for bid in &mut req.bids {
                bid.valid_after_preliminary &= passed(&bid.bidder);
            }
            Some(compute_prices(rules, &req)?)
        }
    };

    let mut results = Vec::new();
    for b in &bidders {
        results.push(bidder_result(
            rules,
            b,
            passed(b),
            &sheets,
            price.as_ref(),
            credit.map(|c| (c, &mut credits)),
            &mut flags,
        ));
    }
    let qualified: Vec<String> = results
        .iter()
        .filter(|r| is_qualified(r, rules.meta.method, price.as_ref()))
        .map(|r| r.bidder.clone())
        .collect();

    let ranking = match rules.meta.method {
        Method::Qualification => Default::default(),
        method => {
            let cands = results
                .iter()
                .filter(|r| qualified.contains(&r.bidder))
                .map(|r| Candidate {
                    bidder: r.bidder.clone(),
                    key: match method {
                        Method::LowestEvaluatedPrice => r.evaluated_price.unwrap_or_default(),
                        _ => r.total.unwrap_or_default(),
                    },
                    price: r.price.unwrap_or_default(),
                    technical: r.groups.technical,
                    business: r.groups.business,
                    price_score: r.groups.price,
                })
                .collect();
            rank(
                cands,
                method == Method::Comprehensive,
                &rules.tie_break,
                lots,
            )?
        }
    };

    let blocked = flags.iter().any(|f| f.blocking) || !ranking.unresolved.is_empty();
    let mut result = PanelResult {
        method: rules.meta.method,
        rounding: rules.rounding,
        experts: sheets.iter().map(|s| s.expert.clone()).collect(),
        status: if blocked {
            PanelStatus::Provisional
        } else {
            PanelStatus::Final
        },
        preliminary,
        price,
        bidders: results,
        flags,
        qualified,
        ranking,
        credit: credits,
        prose_zh: Vec::new(),
    };
    result.prose_zh = super::prose::render(rules, &result);
    Ok(result)
}

fn is_qualified(r: &BidderResult, method: Method, price: Option<&PriceOutcome>) -> bool {
    if !r.passed {
        return false;
    }
    match (method, price) {
        (Method::Qualification, _) => true,
        (_, Some(p)) => p
            .bids
            .iter()
            .any(|b| b.bidder == r.bidder && b.status == BidStatus::Valid),
        (_, None) => true,
    }
}

/// Every sheet valid, experts distinct, all covering the same bidders.
/// Returns the bidder ids, sorted.
fn check_sheets(rules: &Rules, sheets: &[&ExpertSheet]) -> Result<Vec<String>, RulesError> {
    let Some(first) = sheets.first() else {
        return Err(RulesError::one("no_sheets", "sheets", "没有任何评分表"));
    };
    let mut list = Vec::new();
    let mut experts = HashSet::new();
    for s in sheets {
        if !experts.insert(s.expert.as_str()) {
            list.push(crate::Diagnostic::new(
                "duplicate_expert",
                format!("sheets[{}]", s.expert),
                format!("专家 {} 提交了多份评分表", s.expert),
            ));
        }
        if let Err(e) = validate_sheet(rules, s) {
            list.extend(e.0.into_iter().map(|mut d| {
                d.path = format!("sheets[{}].{}", s.expert, d.path);
                d
            }));
        }
    }
    let mut bidders: Vec<String> = first.bidders.iter().map(|b| b.bidder.clone()).collect();
    bidders.sort();
    for s in sheets {
        let mut ids: Vec<String> = s.bidders.iter().map(|b| b.bidder.clone()).collect();
        ids.sort();
        if ids != bidders {
            list.push(crate::Diagnostic::new(
                "bidder_set_mismatch",
                format!("sheets[{}].bidders", s.expert),
                format!(
                    "专家 {} 的评分表投标人（{}）与专家 {} 的（{}）不一致",
                    s.expert,
                    ids.join("、"),
                    first.expert,
                    bidders.join("、")
                ),
            ));
        }
    }
    if list.is_empty() {
        Ok(bidders)
    } else {
        Err(RulesError(list))
    }
}

fn check_price_bidders(req: &PriceRequest, bidders: &[String]) -> Result<(), RulesError> {
    let mut sink = Sink::default();
    for b in bidders {
        if !req.bids.iter().any(|x| &x.bidder == b) {
            sink.push(
                "price_bidders_mismatch",
                "prices.bids",
                format!("缺少投标人 {b} 的报价"),
            );
        }
    }
    for x in &req.bids {
        if !bidders.contains(&x.bidder) {
            sink.push(
                "price_bidders_mismatch",
                "prices.bids",
                format!("报价中的投标人 {} 不在评分表中", x.bidder),
            );
        }
    }
    sink.finish()
}

/// A criterion fails a bidder when more than half the experts fail it.
fn preliminary_of(bidder: &str, sheets: &[&ExpertSheet], n: u32) -> PreliminaryOutcome {
    let mut criteria: Vec<CriterionOutcome> = Vec::new();
    for s in sheets {
        let Some(b) = s.bidder(bidder) else { continue };
        for v in b.preliminary.iter().filter(|v| !v.pass) {
            let at = match criteria.iter().position(|c| c.criterion == v.criterion) {
                Some(i) => i,
                None => {
                    criteria.push(CriterionOutcome {
                        criterion: v.criterion.clone(),
                        fails: 0,
                        experts: n,
                        failed: false,
                        reasons: Vec::new(),
                    });
                    criteria.len() - 1
                }
            };
            let c = &mut criteria[at];
            c.fails += 1;
            c.failed = c.fails * 2 > n;
            c.reasons.push(ExpertReason {
                expert: s.expert.clone(),
                reason: v.reason.clone().unwrap_or_default(),
            });
        }
    }
    PreliminaryOutcome {
        bidder: bidder.to_string(),
        passed: !criteria.iter().any(|c| c.failed),
        rejected: None,
        criteria,
    }
}

fn bidder_result(
    rules: &Rules,
    bidder: &str,
    passed: bool,
    sheets: &[&ExpertSheet],
    price: Option<&PriceOutcome>,
    mut credit: Option<(&CreditRecords, &mut Vec<CreditPoints>)>,
    flags: &mut Vec<Flag>,
) -> BidderResult {
    let bid = price.and_then(|p| p.bids.iter().find(|b| b.bidder == bidder));
    let mut r = BidderResult {
        bidder: bidder.to_string(),
        passed,
        price: bid.map(|b| b.price),
        factors: Vec::new(),
        groups: GroupPoints::default(),
        price_score: bid.and_then(|b| b.score),
        total: None,
        adjustments: Vec::new(),
        evaluated_price: None,
    };
    let valid_price = bid.is_none_or(|b| b.status == BidStatus::Valid);
    if !passed || !valid_price {
        return r;
    }
    match rules.meta.method {
        Method::Comprehensive => {
            for factor in &rules.factors {
                let agg = match (&factor.kind, credit.as_mut()) {
                    (FactorKind::Price, _) => continue,
                    (FactorKind::Credit(rule), Some((records, out))) => {
                        let c = credit_points(&factor.id, factor.max, rule, bidder, records);
                        let agg = FactorAggregate {
                            factor: factor.id.clone(),
                            group: factor.group,
                            objective: true,
                            scores: Vec::new(),
                            dropped: Vec::new(),
                            points: round_half_up(c.points, rules.rounding.points),
                        };
                        out.push(c);
                        agg
                    }
                    (FactorKind::Credit(_), None) => continue,
                    _ => factor_aggregate(rules, factor, bidder, sheets, flags),
                };
                r.groups.add(factor.group, agg.points);
                r.factors.push(agg);
            }
            if let (Some(score), Some(f)) = (r.price_score, rules.price_factor()) {
                r.groups.add(f.group, score);
            }
            r.groups = r.groups.at_places(rules.rounding.points);
            r.total = Some(r.groups.total());
        }
        Method::LowestEvaluatedPrice => {
            let p = r.price.unwrap_or_default();
            let mut evaluated = p;
            for a in &rules.adjustments {
                let agg = adjustment_aggregate(rules, a, bidder, p, sheets, flags);
                evaluated += agg.amount;
                r.adjustments.push(agg);
            }
            r.evaluated_price = Some(round_half_up(evaluated, rules.rounding.price));
        }
        Method::Qualification => {}
    }
    r
}

fn factor_aggregate(
    rules: &Rules,
    factor: &Factor,
    bidder: &str,
    sheets: &[&ExpertSheet],
    flags: &mut Vec<Flag>,
) -> FactorAggregate {
    let mut scores = Vec::new();
    for s in sheets {
        let entry = s.bidder(bidder).and_then(|b| b.factor(&factor.id));
        match entry.map(|e| factor_points(factor, e, "")) {
            Some(Ok(points)) => scores.push(ExpertPoints {
                expert: s.expert.clone(),
                points,
            }),
            _ => flags.push(Flag {
                kind: FlagKind::MissingScore,
                blocking: true,
                bidder: Some(bidder.to_string()),
                factor: Some(factor.id.clone()),
                expert: Some(s.expert.clone()),
                message_zh: format!(
                    "专家 {} 未对投标人 {bidder} 的“{}”评分（该投标人已通过初步评审）",
                    s.expert, factor.name
                ),
            }),
        }
    }
    let dp = rules.rounding.points;
    let mut dropped = Vec::new();
    let points = if scores.is_empty() {
        Decimal::ZERO
    } else if factor.objective {
        let first = scores[0].points;
        if scores.iter().all(|s| s.points == first) {
            round_half_up(first, dp)
        } else {
            let list = scores
                .iter()
                .map(|s| format!("{} {}", s.expert, s.points))
                .collect::<Vec<_>>()
                .join("，");
            flags.push(Flag {
                kind: FlagKind::ObjectiveDisagreement,
                blocking: true,
                bidder: Some(bidder.to_string()),
                factor: Some(factor.id.clone()),
                expert: None,
                message_zh: format!(
                    "客观分“{}”各专家评分不一致（{list}），须核对后统一",
                    factor.name
                ),
            });
            mean(scores.iter().map(|s| s.points), dp)
        }
    } else {
        flag_deviations(rules, factor, bidder, &scores, sheets, flags);
        let drop = rules.panel.aggregation == Aggregation::DropExtremes
            && rules
                .panel
                .drop_extremes_min_size
                .is_some_and(|m| scores.len() >= m as usize);
        if drop {
            let mut sorted: Vec<&ExpertPoints> = scores.iter().collect();
            sorted.sort_by(|a, b| {
                a.points
                    .cmp(&b.points)
                    .then_with(|| a.expert.cmp(&b.expert))
            });
            let last = sorted.len() - 1;
            dropped = vec![sorted[0].expert.clone(), sorted[last].expert.clone()];
            mean(sorted[1..last].iter().map(|s| s.points), dp)
        } else {
            mean(scores.iter().map(|s| s.points), dp)
        }
    };
    FactorAggregate {
        factor: factor.id.clone(),
        group: factor.group,
        objective: factor.objective,
        scores,
        dropped,
        points,
    }
}

fn mean(values: impl Iterator<Item = Decimal>, dp: u32) -> Decimal {
    let (sum, n) = values.fold((Decimal::ZERO, 0u32), |(s, n), v| (s + v, n + 1));
    if n == 0 {
        return Decimal::ZERO;
    }
    round_half_up(sum / Decimal::from(n), dp)
}

/// |x − mean| > threshold × mean, compared without dividing:
/// |x·n − Σ| > threshold × Σ.
fn flag_deviations(
    rules: &Rules,
    factor: &Factor,
    bidder: &str,
    scores: &[ExpertPoints],
    sheets: &[&ExpertSheet],
    flags: &mut Vec<Flag>,
) {
    let Some(t) = rules.panel.deviation_threshold else {
        return;
    };
    let n = Decimal::from(scores.len());
    let sum: Decimal = scores.iter().map(|s| s.points).sum();
    if sum.is_zero() {
        return;
    }
    for s in scores {
        if (s.points * n - sum).abs() <= t * sum {
            continue;
        }
        let reason = sheets
            .iter()
            .find(|x| x.expert == s.expert)
            .and_then(|x| x.bidder(bidder))
            .and_then(|b| b.deviation_reason(&factor.id));
        let panel_mean = round_half_up(sum / n, 2);
        let share = round_half_up((s.points * n - sum).abs() * Decimal::ONE_HUNDRED / sum, 2);
        let tail = match reason {
            Some(r) => format!("，已说明理由：{r}"),
            None => "，须书面说明理由".to_string(),
        };
        flags.push(Flag {
            kind: FlagKind::DeviationOverThreshold,
            blocking: reason.is_none(),
            bidder: Some(bidder.to_string()),
            factor: Some(factor.id.clone()),
            expert: Some(s.expert.clone()),
            message_zh: format!(
                "专家 {} 对投标人 {bidder} 的“{}”评 {} 分，偏离全体平均分 {panel_mean} 达 {share}%（阈值 {}%）{tail}",
                s.expert,
                factor.name,
                s.points,
                t * Decimal::ONE_HUNDRED
            ),
        });
    }
}

fn adjustment_aggregate(
    rules: &Rules,
    rule: &crate::model::Adjustment,
    bidder: &str,
    price: Decimal,
    sheets: &[&ExpertSheet],
    flags: &mut Vec<Flag>,
) -> AdjustmentAggregate {
    let quantities: Vec<ExpertPoints> = sheets
        .iter()
        .map(|s| ExpertPoints {
            expert: s.expert.clone(),
            points: s
                .bidder(bidder)
                .and_then(|b| b.adjustments.iter().find(|a| a.adjustment == rule.id))
                .map_or(Decimal::ZERO, |a| a.quantity),
        })
        .collect();
    let first = quantities.first().map_or(Decimal::ZERO, |q| q.points);
    let quantity = if quantities.iter().all(|q| q.points == first) {
        first
    } else {
        let list = quantities
            .iter()
            .map(|q| format!("{} {}", q.expert, q.points))
            .collect::<Vec<_>>()
            .join("，");
        flags.push(Flag {
            kind: FlagKind::AdjustmentDisagreement,
            blocking: true,
            bidder: Some(bidder.to_string()),
            factor: Some(rule.id.clone()),
            expert: None,
            message_zh: format!(
                "价格折算“{}”各专家认定的数量不一致（{list}），须核对后统一",
                rule.name
            ),
        });
        mean(quantities.iter().map(|q| q.points), 2)
    };
    AdjustmentAggregate {
        adjustment: rule.id.clone(),
        unit: rule.unit,
        per_unit: rule.per_unit,
        amount: adjustment_amount(
            rule.unit,
            rule.per_unit,
            price,
            quantity,
            rules.rounding.price,
        )
        .unwrap_or_default(),
        quantities,
        quantity,
    }
}
