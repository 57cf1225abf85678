//! Price scoring rules (价格分计算方法).

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// The `[price]` section.
#[derive(Debug, Clone, PartialEq)]
pub struct PriceRule {
    /// 最高投标限价; may instead come with the prices of a project.
    pub ceiling: Option<Decimal>,
    pub method: PriceMethod,
}

#[derive(Debug, Clone, PartialEq)]
pub enum PriceMethod {
    /// 低价优先 (财政部87号令 §55): B = lowest valid price, score = B / P × max.
    LowestPrice,
    /// 基准价偏差扣分: a benchmark B, optionally with K, then deductions by
    /// the deviation of each price from B.
    Deviation {
        benchmark: Benchmark,
        k: Option<KRule>,
        deviation: DeviationRule,
    },
    /// 经评审的最低投标价法: no points; rank by evaluated price.
    EvaluatedPrice,
}

impl PriceMethod {
    pub fn name(&self) -> &'static str {
        match self {
            PriceMethod::LowestPrice => "lowest_price",
            PriceMethod::Deviation { .. } => "deviation",
            PriceMethod::EvaluatedPrice => "evaluated_price",
        }
    }
}

/// B before K: Σ weightᵢ × componentᵢ; a plain trimmed mean is one
/// component of weight 1.
#[derive(Debug, Clone, PartialEq)]
pub struct Benchmark {
    /// Count-dependent trimming, used by `trimmed_mean` components.
    pub trim: Vec<TrimBand>,
    pub components: Vec<Component>,
}

/// How many of the highest and lowest valid prices are dropped when the
/// number of valid bids lies in `min_bids..=max_bids` (open-ended when
/// `max_bids` is absent).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrimBand {
    pub min_bids: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_bids: Option<u32>,
    #[serde(default)]
    pub drop_highest: u32,
    #[serde(default)]
    pub drop_lowest: u32,
}

impl TrimBand {
    pub fn contains(&self, count: u32) -> bool {
        count >= self.min_bids && self.max_bids.is_none_or(|m| count <= m)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Component {
    pub source: ComponentSource,
    #[serde(with = "crate::dec")]
    pub weight: Decimal,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ComponentSource {
    /// Mean of valid prices after count-dependent trimming.
    TrimmedMean,
    /// Mean of all valid prices.
    Mean,
    /// Lowest valid price.
    Lowest,
    /// The ceiling price (最高投标限价).
    Ceiling,
}

impl ComponentSource {
    pub fn name_zh(self) -> &'static str {
        match self {
            ComponentSource::TrimmedMean => "去高去低后的有效报价平均值",
            ComponentSource::Mean => "有效报价算术平均值",
            ComponentSource::Lowest => "最低有效报价",
            ComponentSource::Ceiling => "最高投标限价",
        }
    }
}

/// The K drawn at opening (开标时抽取): allowed values min, min+step, … max.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KRule {
    pub apply: KApply,
    #[serde(with = "crate::dec")]
    pub min: Decimal,
    #[serde(with = "crate::dec")]
    pub max: Decimal,
    #[serde(with = "crate::dec")]
    pub step: Decimal,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KApply {
    /// B = value × (1 − K) (下浮系数).
    Discount,
    /// B = value × K.
    Multiply,
}

/// Deductions by deviation d = (P − B) / B, in percentage points.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeviationRule {
    /// Points off per 1% above B.
    #[serde(with = "crate::dec")]
    pub above_per_percent: Decimal,
    /// Points off per 1% below B.
    #[serde(with = "crate::dec")]
    pub below_per_percent: Decimal,
    /// Largest deduction above B.
    #[serde(
        default,
        with = "crate::dec::opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub above_cap: Option<Decimal>,
    /// Largest deduction below B.
    #[serde(
        default,
        with = "crate::dec::opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub below_cap: Option<Decimal>,
    /// Lowest score a valid bid can get, default 0.
    #[serde(default, with = "crate::dec")]
    pub floor: Decimal,
    /// Count only whole percents (每满1%扣分, 不足1%不扣).
    #[serde(default)]
    pub whole_percent: bool,
}
