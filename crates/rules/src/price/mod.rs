//! Price scoring (价格分): valid prices → benchmark → scores, explained.

mod abnormal;
mod compute;
mod formula;
mod input;
mod outcome;
mod prose;
mod recheck;

pub use abnormal::{
    abnormally_low, at_opening as abnormal_at_opening, explanation_request, why as abnormal_why,
    AbnormalReview, TriggerTrace,
};
pub use compute::compute_prices;
pub use input::{PriceInput, PriceRequest};
pub use outcome::{
    BenchmarkTrace, BidPrice, BidStatus, ComponentTrace, Exclusion, KTrace, MeanTrace,
    PriceExplanation, PriceOutcome, PricedBid, ScoreTrace,
};
