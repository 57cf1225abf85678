//! What the price engine takes: bid prices, the ceiling and the drawn K.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// One bid's price, and whether it survived preliminary review (初步评审).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PriceInput {
    pub bidder: String,
    #[serde(with = "crate::dec")]
    pub price: Decimal,
    #[serde(default = "yes")]
    pub valid_after_preliminary: bool,
}

fn yes() -> bool {
    true
}

/// The prices of one project (`PRICES.json`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PriceRequest {
    pub bids: Vec<PriceInput>,
    /// 最高投标限价, when the rules do not state it.
    #[serde(
        default,
        with = "crate::dec::opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub ceiling: Option<Decimal>,
    /// K drawn at opening (开标抽取的 K).
    #[serde(
        default,
        with = "crate::dec::opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub k: Option<Decimal>,
}
