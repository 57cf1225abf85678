//! One expert's own totals and ranking, live while the sheet is filled in.

use super::model::ExpertSheet;
use super::points::factor_points;
use crate::dec::round_half_up;
use crate::model::{Method, Rules};
use crate::panel::ranking::{rank, Candidate};
use crate::panel::{adjustment_amount, GroupPoints, Ranking};
use crate::price::{BidStatus, PriceOutcome};
use crate::RulesError;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExpertView {
    pub expert: String,
    pub bidders: Vec<ExpertBidderView>,
    /// This expert's own order of the bidders they pass; ties needing lots
    /// stay unresolved.
    pub ranking: Ranking,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FactorPoints {
    pub factor: String,
    #[serde(with = "crate::dec")]
    pub points: Decimal,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExpertBidderView {
    pub bidder: String,
    pub passes_preliminary: bool,
    /// Criteria this expert failed.
    pub failed_criteria: Vec<String>,
    /// Points per factor for the entries that are complete and valid.
    pub factors: Vec<FactorPoints>,
    /// Every factor scored and every entry valid.
    pub complete: bool,
    pub groups: GroupPoints,
    #[serde(
        default,
        with = "crate::dec::opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub price_score: Option<Decimal>,
    #[serde(
        default,
        with = "crate::dec::opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub total: Option<Decimal>,
    #[serde(
        default,
        with = "crate::dec::opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub evaluated_price: Option<Decimal>,
}

/// Totals one sheet as it stands (invalid or missing entries count as not
/// yet scored, and make the bidder incomplete). `prices` supplies price
/// scores and prices when they are known.
pub fn expert_view(
    rules: &Rules,
    sheet: &ExpertSheet,
    prices: Option<&PriceOutcome>,
) -> Result<ExpertView, RulesError> {
    let mut bidders = Vec::new();
    let mut cands = Vec::new();
    for b in &sheet.bidders {
        let failed_criteria: Vec<String> = b
            .preliminary
            .iter()
            .filter(|v| !v.pass)
            .map(|v| v.criterion.clone())
            .collect();
        let passes = failed_criteria.is_empty();
        let mut groups = GroupPoints::default();
        let mut factors = Vec::new();
        let mut complete = b.preliminary.len() == rules.preliminary.len();
        for factor in rules.factors.iter().filter(|f| !f.kind.is_computed()) {
            match b.factor(&factor.id).map(|e| factor_points(factor, e, "")) {
                Some(Ok(points)) => {
                    groups.add(factor.group, points);
                    factors.push(FactorPoints {
                        factor: factor.id.clone(),
                        points,
                    });
                }
                _ => complete = false,
            }
        }
        let bid = prices.and_then(|p| p.bids.iter().find(|x| x.bidder == b.bidder));
        let price_score = bid.and_then(|x| x.score);
        if let (Some(s), Some(f)) = (price_score, rules.price_factor()) {
            groups.add(f.group, s);
        }
        let groups = groups.at_places(rules.rounding.points);
        let valid_price = bid.is_none_or(|x| x.status == BidStatus::Valid);
        let total = (rules.meta.method == Method::Comprehensive && passes && valid_price)
            .then(|| groups.total());
        let evaluated_price = match (rules.meta.method, bid) {
            (Method::LowestEvaluatedPrice, Some(x)) if passes && valid_price => {
                let mut e = x.price;
                for a in &b.adjustments {
                    if let Some(rule) = rules.adjustment(&a.adjustment) {
                        e += adjustment_amount(
                            rule.unit,
                            rule.per_unit,
                            x.price,
                            a.quantity,
                            rules.rounding.price,
                        )
                        .unwrap_or_default();
                    }
                }
                Some(round_half_up(e, rules.rounding.price))
            }
            _ => None,
        };
        let key = match rules.meta.method {
            Method::Comprehensive => total,
            Method::LowestEvaluatedPrice => evaluated_price,
            Method::Qualification => None,
        };
        if let Some(key) = key {
            cands.push(Candidate {
                bidder: b.bidder.clone(),
                key,
                price: bid.map_or(Decimal::ZERO, |x| x.price),
                technical: groups.technical,
                business: groups.business,
                price_score: groups.price,
            });
        }
        bidders.push(ExpertBidderView {
            bidder: b.bidder.clone(),
            passes_preliminary: passes,
            failed_criteria,
            factors,
            complete,
            groups,
            price_score,
            total,
            evaluated_price,
        });
    }
    let ranking = rank(
        cands,
        rules.meta.method == Method::Comprehensive,
        &rules.tie_break,
        &[],
    )?;
    Ok(ExpertView {
        expert: sheet.expert.clone(),
        bidders,
        ranking,
    })
}
