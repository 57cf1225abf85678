//! What the panel aggregation returns.

use super::ranking::Ranking;
use crate::model::{AdjustmentUnit, Group, Method, Rounding};
use crate::price::PriceOutcome;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PanelResult {
    pub method: Method,
    /// The rules' rounding, so that the numbers can be re-checked alone.
    pub rounding: Rounding,
    pub experts: Vec<String>,
    /// `final` when no flag blocks and the ranking has no open tie.
    pub status: PanelStatus,
    /// Per bidder: the criteria that any expert failed, and the verdict.
    pub preliminary: Vec<PreliminaryOutcome>,
    /// The price computation, for methods that use prices.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price: Option<PriceOutcome>,
    /// Per bidder, sorted by bidder id.
    pub bidders: Vec<BidderResult>,
    pub flags: Vec<Flag>,
    /// Bidders that passed preliminary review with a valid price.
    pub qualified: Vec<String>,
    pub ranking: Ranking,
    /// Each bidder's credit points and how they were reached (rules with a
    /// `credit` factor), by bidder.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub credit: Vec<crate::credit::CreditPoints>,
    pub prose_zh: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PanelStatus {
    Final,
    Provisional,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreliminaryOutcome {
    pub bidder: String,
    pub passed: bool,
    /// The panel rejected the bid by vote (e.g. an abnormally low price
    /// not explained): the decision cited. The bid then fails here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rejected: Option<String>,
    /// Only criteria that at least one expert failed.
    pub criteria: Vec<CriterionOutcome>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CriterionOutcome {
    pub criterion: String,
    pub fails: u32,
    pub experts: u32,
    /// Failed by a majority (more than half) of the experts.
    pub failed: bool,
    pub reasons: Vec<ExpertReason>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExpertReason {
    pub expert: String,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BidderResult {
    pub bidder: String,
    /// Passed preliminary review by the panel majority.
    pub passed: bool,
    #[serde(
        default,
        with = "crate::dec::opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub price: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub factors: Vec<FactorAggregate>,
    pub groups: GroupPoints,
    #[serde(
        default,
        with = "crate::dec::opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub price_score: Option<Decimal>,
    /// Σ of the group points (综合评估法, qualified bidders).
    #[serde(
        default,
        with = "crate::dec::opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub total: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub adjustments: Vec<AdjustmentAggregate>,
    /// 经评审的投标价 (lowest-evaluated-price method, qualified bidders).
    #[serde(
        default,
        with = "crate::dec::opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub evaluated_price: Option<Decimal>,
}

/// Points per group (分组得分).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct GroupPoints {
    #[serde(with = "crate::dec")]
    pub business: Decimal,
    #[serde(with = "crate::dec")]
    pub technical: Decimal,
    #[serde(with = "crate::dec")]
    pub price: Decimal,
    #[serde(with = "crate::dec")]
    pub other: Decimal,
}

impl GroupPoints {
    pub fn add(&mut self, group: Group, points: Decimal) {
        match group {
            Group::Business => self.business += points,
            Group::Technical => self.technical += points,
            Group::Price => self.price += points,
            Group::Other => self.other += points,
        }
    }

    /// The same points shown with `dp` places (0 → "0.00").
    pub fn at_places(self, dp: u32) -> Self {
        let r = |d: Decimal| crate::dec::round_half_up(d, dp);
        GroupPoints {
            business: r(self.business),
            technical: r(self.technical),
            price: r(self.price),
            other: r(self.other),
        }
    }

    pub fn total(&self) -> Decimal {
        self.business + self.technical + self.price + self.other
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FactorAggregate {
    pub factor: String,
    pub group: Group,
    pub objective: bool,
    /// Every expert's points, by expert id.
    pub scores: Vec<ExpertPoints>,
    /// Experts whose score was dropped as the highest or the lowest.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dropped: Vec<String>,
    /// The panel's points: the agreed value, or the (trimmed) mean rounded.
    #[serde(with = "crate::dec")]
    pub points: Decimal,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExpertPoints {
    pub expert: String,
    #[serde(with = "crate::dec")]
    pub points: Decimal,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AdjustmentAggregate {
    pub adjustment: String,
    pub unit: AdjustmentUnit,
    #[serde(with = "crate::dec")]
    pub per_unit: Decimal,
    pub quantities: Vec<ExpertPoints>,
    /// The agreed quantity (the mean, flagged, when experts disagree).
    #[serde(with = "crate::dec")]
    pub quantity: Decimal,
    /// What it adds to the evaluated price (元).
    #[serde(with = "crate::dec")]
    pub amount: Decimal,
}

/// Something the panel (leader) must look at. `blocking` flags keep the
/// result provisional until the sheets are corrected or explained.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Flag {
    pub kind: FlagKind,
    pub blocking: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bidder: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub factor: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expert: Option<String>,
    pub message_zh: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FlagKind {
    /// Experts gave different points for an objective factor.
    ObjectiveDisagreement,
    /// An expert's points are further from the panel mean than the
    /// threshold; blocking until the expert writes a reason.
    DeviationOverThreshold,
    /// A bidder the panel passed was not scored by some expert.
    MissingScore,
    /// Experts entered different quantities for a price adjustment.
    AdjustmentDisagreement,
    /// The number of sheets differs from the planned panel size.
    PanelSizeMismatch,
}
