//! Re-computes the panel's numbers from the result alone: each factor's
//! points from the experts' points, group sums, totals, evaluated prices,
//! the price explanation, and that the ranking follows its keys.

use super::evaluated::adjustment_amount;
use super::result::{BidderResult, GroupPoints, PanelResult};
use crate::dec::round_half_up;
use crate::model::Method;
use crate::{Diagnostic, RulesError};
use rust_decimal::Decimal;

impl PanelResult {
    /// `Ok` when every number follows from the data beside it; otherwise
    /// one `explanation_mismatch` diagnostic per broken number.
    pub fn recheck(&self) -> Result<(), RulesError> {
        let mut bad = Vec::new();
        if let Some(p) = &self.price {
            if let Err(e) = p.recheck() {
                bad.extend(e.0);
            }
        }
        for b in &self.bidders {
            self.check_bidder(b, &mut bad);
        }
        self.check_ranking(&mut bad);
        if bad.is_empty() {
            Ok(())
        } else {
            Err(RulesError(bad))
        }
    }

    fn check_bidder(&self, b: &BidderResult, bad: &mut Vec<Diagnostic>) {
        let path = format!("bidders[{}]", b.bidder);
        let dp = self.rounding.points;
        let mut groups = GroupPoints::default();
        for f in &b.factors {
            let kept: Vec<Decimal> = f
                .scores
                .iter()
                .filter(|s| !f.dropped.contains(&s.expert))
                .map(|s| s.points)
                .collect();
            // A credit factor's points are the computed credit points.
            let credit = self
                .credit
                .iter()
                .find(|c| c.bidder == b.bidder && c.factor == f.factor);
            let expected = match (credit, kept.len()) {
                (Some(c), _) => round_half_up(c.points, dp),
                (None, 0) => Decimal::ZERO,
                (None, n) => round_half_up(kept.iter().sum::<Decimal>() / Decimal::from(n), dp),
            };
            if expected != f.points {
                bad.push(mismatch(
                    format!("{path}.factors[{}]", f.factor),
                    format!("“{}”应为 {expected}，结果为 {}", f.factor, f.points),
                ));
            }
            groups.add(f.group, f.points);
        }
        if self.method == Method::Comprehensive && b.total.is_some() {
            if let Some(s) = b.price_score {
                groups.add(crate::model::Group::Price, s);
            }
            if groups.at_places(dp) != b.groups || b.total != Some(b.groups.total()) {
                bad.push(mismatch(
                    format!("{path}.total"),
                    "分组得分或总分与各因素得分之和不符",
                ));
            }
        }
        if let (Some(ev), Some(price)) = (b.evaluated_price, b.price) {
            let mut sum = price;
            for a in &b.adjustments {
                let amount =
                    adjustment_amount(a.unit, a.per_unit, price, a.quantity, self.rounding.price);
                if amount != Some(a.amount) {
                    bad.push(mismatch(
                        format!("{path}.adjustments[{}]", a.adjustment),
                        "折算金额不符",
                    ));
                }
                sum = sum.checked_add(a.amount).unwrap_or(Decimal::MAX);
            }
            if round_half_up(sum, self.rounding.price) != ev {
                bad.push(mismatch(
                    format!("{path}.evaluated_price"),
                    "经评审的投标价不符",
                ));
            }
        }
    }

    fn check_ranking(&self, bad: &mut Vec<Diagnostic>) {
        let key_of = |bidder: &str| {
            let b = self.bidders.iter().find(|b| b.bidder == bidder)?;
            match self.method {
                Method::Comprehensive => b.total,
                Method::LowestEvaluatedPrice => b.evaluated_price,
                Method::Qualification => None,
            }
        };
        for e in &self.ranking.entries {
            if key_of(&e.bidder) != Some(e.key) || !self.qualified.contains(&e.bidder) {
                bad.push(mismatch(
                    "ranking",
                    format!("{} 的排名依据与汇总结果不符", e.bidder),
                ));
            }
        }
        for w in self.ranking.entries.windows(2) {
            let ordered = match self.method {
                Method::LowestEvaluatedPrice => w[0].key <= w[1].key,
                _ => w[0].key >= w[1].key,
            };
            if !ordered || w[0].rank > w[1].rank {
                bad.push(mismatch(
                    "ranking",
                    format!("{} 与 {} 的先后次序不符", w[0].bidder, w[1].bidder),
                ));
            }
        }
    }
}

fn mismatch(path: impl Into<String>, message: impl Into<String>) -> Diagnostic {
    Diagnostic::new("explanation_mismatch", path, message)
}
