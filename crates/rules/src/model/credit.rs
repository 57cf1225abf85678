//! The `credit` factor kind (信用): points from a bidder's credit records,
//! computed, never typed by an expert.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// How credit records become points: the grade's points (or
/// `ungraded_points` without a grade), less `per_record` for each adverse
/// record (不良行为记录) dated within the last `lookback_days` before the
/// evaluation and still in force then, the deduction capped at `cap`; the
/// result is kept within 0 and the factor's maximum.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreditRule {
    pub grades: Vec<GradePoints>,
    #[serde(with = "crate::dec")]
    pub ungraded_points: Decimal,
    #[serde(with = "crate::dec")]
    pub per_record: Decimal,
    pub lookback_days: u32,
    #[serde(with = "crate::dec")]
    pub cap: Decimal,
}

/// A credit grade (信用评价等级, e.g. `AAA`) and its points.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GradePoints {
    pub grade: String,
    #[serde(with = "crate::dec")]
    pub points: Decimal,
}
