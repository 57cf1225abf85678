//! What the price engine returns: a score per bid and every step taken,
//! as data that [`PriceOutcome::recheck`] can re-compute.

use crate::model::{ComponentSource, KApply, Rounding};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PriceOutcome {
    /// One entry per input bid, in input order.
    pub bids: Vec<BidPrice>,
    pub explanation: PriceExplanation,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BidPrice {
    pub bidder: String,
    #[serde(with = "crate::dec")]
    pub price: Decimal,
    pub status: BidStatus,
    /// Price score; absent for invalid bids and for methods without points.
    #[serde(
        default,
        with = "crate::dec::opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub score: Option<Decimal>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BidStatus {
    Valid,
    /// Ruled out in preliminary review (初步评审未通过).
    InvalidPreliminary,
    /// Above the ceiling price (超过最高投标限价).
    AboveCeiling,
}

impl BidStatus {
    pub fn name_zh(self) -> &'static str {
        match self {
            BidStatus::Valid => "有效",
            BidStatus::InvalidPreliminary => "初步评审未通过",
            BidStatus::AboveCeiling => "超过最高投标限价",
        }
    }
}

/// Every step of a price computation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PriceExplanation {
    /// `lowest_price`, `deviation` or `evaluated_price`.
    pub method: String,
    /// The price factor's maximum (满分), for methods with points.
    #[serde(
        default,
        with = "crate::dec::opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub full_points: Option<Decimal>,
    #[serde(
        default,
        with = "crate::dec::opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub ceiling: Option<Decimal>,
    pub rounding: Rounding,
    /// Bids that are not valid prices, and why.
    pub excluded: Vec<Exclusion>,
    /// Valid prices, lowest first (ties by bidder id).
    pub valid: Vec<PricedBid>,
    /// B; absent when no bid is valid or the method has none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub benchmark: Option<BenchmarkTrace>,
    /// One per valid bid, in the order of `valid`.
    pub scores: Vec<ScoreTrace>,
    /// Valid bids the `[abnormally_low]` triggers flag, lowest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub abnormally_low: Vec<super::abnormal::AbnormalReview>,
    /// The same steps in Chinese, one sentence per line.
    pub prose_zh: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PricedBid {
    pub bidder: String,
    #[serde(with = "crate::dec")]
    pub price: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exclusion {
    pub bidder: String,
    #[serde(with = "crate::dec")]
    pub price: Decimal,
    pub reason: BidStatus,
}

/// How B was found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum BenchmarkTrace {
    /// 低价优先: B is the lowest valid price.
    Lowest {
        bidder: String,
        #[serde(with = "crate::dec")]
        value: Decimal,
    },
    /// B = round(Σ weightᵢ × componentᵢ × factor), factor = 1 − K, K or 1.
    Weighted {
        components: Vec<ComponentTrace>,
        #[serde(with = "crate::dec")]
        weighted_sum: Decimal,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        k: Option<KTrace>,
        #[serde(with = "crate::dec")]
        value: Decimal,
    },
}

impl BenchmarkTrace {
    pub fn value(&self) -> Decimal {
        match self {
            BenchmarkTrace::Lowest { value, .. } | BenchmarkTrace::Weighted { value, .. } => *value,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ComponentTrace {
    pub source: ComponentSource,
    #[serde(with = "crate::dec")]
    pub weight: Decimal,
    /// For means: which prices were averaged and which were dropped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mean: Option<MeanTrace>,
    #[serde(with = "crate::dec")]
    pub value: Decimal,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MeanTrace {
    /// Valid bids counted, and the trim band that count falls in.
    pub count: u32,
    pub band_min_bids: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub band_max_bids: Option<u32>,
    pub dropped_highest: Vec<PricedBid>,
    pub dropped_lowest: Vec<PricedBid>,
    pub kept: Vec<PricedBid>,
    #[serde(with = "crate::dec")]
    pub sum: Decimal,
    /// round(sum / kept, rounding.price).
    #[serde(with = "crate::dec")]
    pub mean: Decimal,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct KTrace {
    #[serde(with = "crate::dec")]
    pub k: Decimal,
    pub apply: KApply,
    /// 1 − K for a discount, K for a multiplier.
    #[serde(with = "crate::dec")]
    pub factor: Decimal,
}

/// How one valid bid's price score was found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ScoreTrace {
    /// score = round(B / P × full).
    LowestPrice {
        bidder: String,
        #[serde(with = "crate::dec")]
        price: Decimal,
        #[serde(with = "crate::dec")]
        benchmark: Decimal,
        #[serde(with = "crate::dec")]
        full: Decimal,
        #[serde(with = "crate::dec")]
        score: Decimal,
    },
    /// d% = round((P − B) / B × 100, rounding.percent); counted = |d%|
    /// (whole percents only when the rule says so); deduction =
    /// min(per_percent × counted, cap); score = clamp(round(full −
    /// deduction), floor, full).
    Deviation {
        bidder: String,
        #[serde(with = "crate::dec")]
        price: Decimal,
        #[serde(with = "crate::dec")]
        benchmark: Decimal,
        #[serde(with = "crate::dec")]
        deviation_percent: Decimal,
        /// Only whole percents count (每满1%).
        #[serde(default)]
        whole_percent: bool,
        #[serde(with = "crate::dec")]
        counted_percent: Decimal,
        #[serde(with = "crate::dec")]
        per_percent: Decimal,
        #[serde(with = "crate::dec")]
        raw_deduction: Decimal,
        #[serde(
            default,
            with = "crate::dec::opt",
            skip_serializing_if = "Option::is_none"
        )]
        cap: Option<Decimal>,
        #[serde(with = "crate::dec")]
        deduction: Decimal,
        #[serde(with = "crate::dec")]
        floor: Decimal,
        #[serde(with = "crate::dec")]
        full: Decimal,
        #[serde(with = "crate::dec")]
        score: Decimal,
    },
}

impl ScoreTrace {
    pub fn bidder(&self) -> &str {
        match self {
            ScoreTrace::LowestPrice { bidder, .. } | ScoreTrace::Deviation { bidder, .. } => bidder,
        }
    }

    pub fn score(&self) -> Decimal {
        match self {
            ScoreTrace::LowestPrice { score, .. } | ScoreTrace::Deviation { score, .. } => *score,
        }
    }
}
