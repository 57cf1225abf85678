//! The table of price statistics the report always carries, flagged or not.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// One statistic: its value, the threshold it was held against, and
/// whether it raised a flag.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriceStat {
    /// Stable code, e.g. `coefficient_of_variation`.
    pub code: String,
    pub name_zh: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threshold: Option<Decimal>,
    pub flagged: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note_zh: Option<String>,
}

impl PriceStat {
    pub fn value(
        code: &str,
        name_zh: &str,
        value: Decimal,
        threshold: Option<Decimal>,
        flagged: bool,
    ) -> Self {
        PriceStat {
            code: code.into(),
            name_zh: name_zh.into(),
            value: Some(value),
            threshold,
            flagged,
            note_zh: None,
        }
    }

    /// A statistic that could not be computed, with the reason.
    pub fn note(code: &str, name_zh: &str, note_zh: String) -> Self {
        PriceStat {
            code: code.into(),
            name_zh: name_zh.into(),
            value: None,
            threshold: None,
            flagged: false,
            note_zh: Some(note_zh),
        }
    }

    pub fn with_note(mut self, note_zh: String) -> Self {
        self.note_zh = Some(note_zh);
        self
    }
}

/// Every price statistic computed, in a fixed order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriceStatistics {
    pub bids: usize,
    pub rows: Vec<PriceStat>,
}
