//! Detailed-review factors (详细评审因素).

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// One factor with its maximum, kind and guidance.
#[derive(Debug, Clone, PartialEq)]
pub struct Factor {
    /// Stable ASCII id, e.g. `tech.construction_plan`.
    pub id: String,
    pub name: String,
    pub group: Group,
    pub max: Decimal,
    /// Objective (客观分): every expert must give the same points.
    pub objective: bool,
    pub guidance: Option<String>,
    pub kind: FactorKind,
}

/// 评分因素分组.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Group {
    /// 商务.
    Business,
    /// 技术.
    Technical,
    /// 价格.
    Price,
    /// 其他.
    Other,
}

impl Group {
    pub const ALL: [Group; 4] = [
        Group::Business,
        Group::Technical,
        Group::Price,
        Group::Other,
    ];

    pub fn name_zh(self) -> &'static str {
        match self {
            Group::Business => "商务",
            Group::Technical => "技术",
            Group::Price => "价格",
            Group::Other => "其他",
        }
    }
}

/// How an expert scores the factor.
#[derive(Debug, Clone, PartialEq)]
pub enum FactorKind {
    /// Any value from `min` to `max` in multiples of `step` above `min`.
    Range { min: Decimal, step: Decimal },
    /// One of fixed options (档次).
    Options(Vec<ScoreOption>),
    /// Start from `max`, subtract each item found (扣分项), never below 0.
    Deductions(Vec<DeductionItem>),
    /// `max` when it passes, 0 when it fails.
    PassFail,
    /// Computed by the price engine from the `[price]` section.
    Price,
    /// Computed from the platform's credit records (信用).
    Credit(super::CreditRule),
}

impl FactorKind {
    pub fn name(&self) -> &'static str {
        match self {
            FactorKind::Range { .. } => "range",
            FactorKind::Options(_) => "options",
            FactorKind::Deductions(_) => "deductions",
            FactorKind::PassFail => "pass_fail",
            FactorKind::Price => "price",
            FactorKind::Credit(_) => "credit",
        }
    }

    /// Computed by the program, never scored by an expert.
    pub fn is_computed(&self) -> bool {
        matches!(self, FactorKind::Price | FactorKind::Credit(_))
    }
}

/// A fixed option (档次) with its points.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScoreOption {
    pub id: String,
    pub label: String,
    #[serde(with = "crate::dec")]
    pub points: Decimal,
}

/// An itemised deduction (扣分项): `points` off each time it is found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeductionItem {
    pub id: String,
    pub label: String,
    #[serde(with = "crate::dec")]
    pub points: Decimal,
    /// How many times it may be counted; unlimited when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_times: Option<u32>,
}
