//! What a screening run returns.

use crate::flag::Flag;
use crate::price::PriceStatistics;
use crate::text::TextSummary;
use serde::{Deserialize, Serialize};

/// A screen that did not run, or ran with a caveat, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Skipped {
    /// The screen (a flag kind's code, or a family).
    pub screen: String,
    /// Stable snake_case reason.
    pub code: String,
    pub message_zh: String,
}

impl Skipped {
    pub fn new(screen: &str, code: &str, message_zh: impl Into<String>) -> Self {
        Skipped {
            screen: screen.into(),
            code: code.into(),
            message_zh: message_zh.into(),
        }
    }
}

/// Flags (strongest first) with the numbers behind the screens.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScreenReport {
    pub flags: Vec<Flag>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<TextSummary>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prices: Option<PriceStatistics>,
    pub skipped: Vec<Skipped>,
}
