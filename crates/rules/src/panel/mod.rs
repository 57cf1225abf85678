//! Panel aggregation (汇总): preliminary majority, factor aggregates, flags,
//! evaluated prices and the ranking with its tie-break trace.

mod aggregate;
mod evaluated;
pub mod motion;
mod prose;
pub(crate) mod ranking;
mod recheck;
mod result;

pub use aggregate::{aggregate, aggregate_with};
pub(crate) use evaluated::adjustment_amount;
pub use ranking::{LotOutcome, RankEntry, Ranking, TieBreakStep, TieValue};
pub use result::{
    AdjustmentAggregate, BidderResult, CriterionOutcome, ExpertPoints, ExpertReason,
    FactorAggregate, Flag, FlagKind, GroupPoints, PanelResult, PanelStatus, PreliminaryOutcome,
};
