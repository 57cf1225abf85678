//! Expert score sheets: the shape, the checks, and one expert's totals.

pub mod cells;
mod model;
mod points;
mod validate;
mod view;

pub use model::{
    AdjustmentEntry, BidderSheet, CriterionVerdict, DeductionHit, DeviationReason, ExpertSheet,
    FactorScore,
};
pub use points::factor_points;
pub use validate::{validate_sheet, validate_sheet_for};
pub use view::{expert_view, ExpertBidderView, ExpertView, FactorPoints};
