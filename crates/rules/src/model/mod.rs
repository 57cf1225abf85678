//! The rules model: a parsed and validated evaluation method (评标办法).
//!
//! Build one with [`Rules::from_toml`] (or serde, which goes through the same
//! validation); every value in it has passed the checks in `validate`.

mod abnormal;
mod credit;
mod factor;
mod price;

pub use abnormal::{AbnormalTrigger, AbnormallyLow};
pub use credit::{CreditRule, GradePoints};
pub use factor::{DeductionItem, Factor, FactorKind, Group, ScoreOption};
pub use price::{
    Benchmark, Component, ComponentSource, DeviationRule, KApply, KRule, PriceMethod, PriceRule,
    TrimBand,
};

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// The file-format version this crate reads and writes.
pub const FORMAT_VERSION: u32 = 1;

/// A validated evaluation method for one project (or a template for many).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "crate::file::RulesFile", into = "crate::file::RulesFile")]
pub struct Rules {
    pub meta: Meta,
    pub rounding: Rounding,
    pub panel: Panel,
    pub preliminary: Vec<Criterion>,
    pub factors: Vec<Factor>,
    pub price: Option<PriceRule>,
    /// When a valid price must be reviewed as abnormally low.
    pub abnormally_low: Option<AbnormallyLow>,
    pub adjustments: Vec<Adjustment>,
    pub tie_break: Vec<TieBreak>,
}

/// What the method is called and how it decides.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Meta {
    /// Stable ASCII id of this rule set, e.g. `wuhan-municipal-construction`.
    pub id: String,
    /// Chinese title, e.g. 武汉市市政工程施工招标综合评估法.
    pub name: String,
    pub method: Method,
    /// Total points (综合评估法 only), e.g. `"100"`.
    #[serde(
        default,
        with = "crate::dec::opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub total: Option<Decimal>,
    /// Free text such as 房建/市政施工, 政府采购货物, 监理服务.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// 评标办法 kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// 综合评估法 / 综合评分法: weighted factors, highest total wins.
    Comprehensive,
    /// 经评审的最低投标价法: pass/fail, then lowest evaluated price wins.
    LowestEvaluatedPrice,
    /// 合格制: pass/fail only; every bidder that passes qualifies.
    Qualification,
}

impl Method {
    pub fn name_zh(self) -> &'static str {
        match self {
            Method::Comprehensive => "综合评估法",
            Method::LowestEvaluatedPrice => "经评审的最低投标价法",
            Method::Qualification => "合格制",
        }
    }
}

/// Decimal places, rounded half-up (四舍五入).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rounding {
    /// Points (得分), default 2.
    #[serde(default = "two")]
    pub points: u32,
    /// Money: means, benchmark and evaluated prices (元), default 2.
    #[serde(default = "two")]
    pub price: u32,
    /// Deviation rate written as a percentage (偏差率 %), default 2.
    #[serde(default = "two")]
    pub percent: u32,
}

fn two() -> u32 {
    2
}

impl Default for Rounding {
    fn default() -> Self {
        Rounding {
            points: 2,
            price: 2,
            percent: 2,
        }
    }
}

/// The panel (评标委员会) and how its scores combine.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Panel {
    /// Planned number of experts (odd, at least 3).
    pub size: u32,
    #[serde(default)]
    pub aggregation: Aggregation,
    /// With `drop_extremes`: the smallest panel on which the highest and
    /// the lowest expert score of each factor are dropped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub drop_extremes_min_size: Option<u32>,
    /// Share of the panel mean (e.g. `"0.30"`) beyond which an expert's
    /// subjective score needs a written reason.
    #[serde(
        default,
        with = "crate::dec::opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub deviation_threshold: Option<Decimal>,
}

/// How subjective factor scores combine across experts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Aggregation {
    /// 算术平均.
    #[default]
    Mean,
    /// 去掉一个最高分和一个最低分后算术平均.
    DropExtremes,
}

/// One preliminary criterion (初步评审标准): pass or fail.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Criterion {
    pub id: String,
    pub stage: Stage,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guidance: Option<String>,
}

/// 初步评审 stages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// 形式评审.
    Form,
    /// 资格评审.
    Qualification,
    /// 响应性评审.
    Responsiveness,
}

impl Stage {
    pub fn name_zh(self) -> &'static str {
        match self {
            Stage::Form => "形式评审",
            Stage::Qualification => "资格评审",
            Stage::Responsiveness => "响应性评审",
        }
    }
}

/// A price adjustment of the lowest-evaluated-price method (价格折算):
/// evaluated price = price + Σ quantity × per_unit (元, or % of the price).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Adjustment {
    pub id: String,
    pub name: String,
    pub unit: AdjustmentUnit,
    /// Amount per unit; negative lowers the evaluated price.
    #[serde(with = "crate::dec")]
    pub per_unit: Decimal,
    /// Largest quantity an expert may enter.
    #[serde(
        default,
        with = "crate::dec::opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub max_quantity: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guidance: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AdjustmentUnit {
    /// `per_unit` is yuan.
    Amount,
    /// `per_unit` is a percentage of the bid price.
    PercentOfPrice,
}

/// One step of the tie-break order (同分排序), applied in the stated order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TieBreak {
    /// 投标报价低者优先.
    LowerPrice,
    /// 技术得分高者优先.
    HigherTechnical,
    /// 商务得分高者优先.
    HigherBusiness,
    /// 价格得分高者优先.
    HigherPriceScore,
    /// 抽签: decided outside the engine and fed back as a lot outcome.
    Lots,
}

impl TieBreak {
    pub fn name_zh(self) -> &'static str {
        match self {
            TieBreak::LowerPrice => "投标报价低者优先",
            TieBreak::HigherTechnical => "技术得分高者优先",
            TieBreak::HigherBusiness => "商务得分高者优先",
            TieBreak::HigherPriceScore => "价格得分高者优先",
            TieBreak::Lots => "抽签决定",
        }
    }
}

impl Rules {
    /// The factor scored by the price engine, if the method has one.
    pub fn price_factor(&self) -> Option<&Factor> {
        self.factors
            .iter()
            .find(|f| matches!(f.kind, FactorKind::Price))
    }

    pub fn factor(&self, id: &str) -> Option<&Factor> {
        self.factors.iter().find(|f| f.id == id)
    }

    pub fn criterion(&self, id: &str) -> Option<&Criterion> {
        self.preliminary.iter().find(|c| c.id == id)
    }

    pub fn adjustment(&self, id: &str) -> Option<&Adjustment> {
        self.adjustments.iter().find(|a| a.id == id)
    }
}
