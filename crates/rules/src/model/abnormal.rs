//! When the panel must review a price as abnormally low (异常低价审查).

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// The `[abnormally_low]` section: a valid bid priced below any configured
/// threshold is flagged, the bidder is asked to explain in writing with
/// evidence (《评标委员会和评标方法暂行规定》第二十一条, 87号令第六十条), and
/// the panel decides. Each ratio is a share in (0, 1]; a trigger that is
/// absent is not applied. The procurement template carries the 2024
/// government-procurement pilot's values (50 %, 50 %, 45 %).
///
/// The panel may also open a review for a price no trigger flags (“the
/// panel judges it too low”); that is the panel's decision, not a rule.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AbnormallyLow {
    /// Below this share of the mean of every valid bid (those that passed
    /// the preliminary / compliance review and are within the ceiling).
    #[serde(
        default,
        with = "crate::dec::opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub below_mean_ratio: Option<Decimal>,
    /// The lowest valid bid, below this share of the second-lowest (次低)
    /// valid bid.
    #[serde(
        default,
        with = "crate::dec::opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub below_second_lowest_ratio: Option<Decimal>,
    /// Below this share of the ceiling price (最高投标限价 / 最高限价).
    #[serde(
        default,
        with = "crate::dec::opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub below_ceiling_ratio: Option<Decimal>,
    /// Hours the flagged bidder is given to explain its price in writing
    /// (“合理的期限”): the platform opens the review by asking as soon as
    /// the panel has a leader. 1–168; 24 when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer_hours: Option<u32>,
}

/// The answer period when the rules do not set one.
pub const DEFAULT_ANSWER_HOURS: u32 = 24;

impl AbnormallyLow {
    /// Hours the bidder is given to explain its price.
    pub fn answer_hours(&self) -> u32 {
        self.answer_hours.unwrap_or(DEFAULT_ANSWER_HOURS)
    }

    /// Every trigger with its ratio, in a fixed order.
    pub fn triggers(&self) -> impl Iterator<Item = (AbnormalTrigger, Decimal)> {
        [
            (AbnormalTrigger::BelowMean, self.below_mean_ratio),
            (
                AbnormalTrigger::BelowSecondLowest,
                self.below_second_lowest_ratio,
            ),
            (AbnormalTrigger::BelowCeiling, self.below_ceiling_ratio),
        ]
        .into_iter()
        .filter_map(|(t, r)| r.map(|r| (t, r)))
    }
}

/// Which comparison flagged a price.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AbnormalTrigger {
    BelowMean,
    BelowSecondLowest,
    BelowCeiling,
}

impl AbnormalTrigger {
    /// The key in the `[abnormally_low]` section.
    pub fn key(self) -> &'static str {
        match self {
            AbnormalTrigger::BelowMean => "below_mean_ratio",
            AbnormalTrigger::BelowSecondLowest => "below_second_lowest_ratio",
            AbnormalTrigger::BelowCeiling => "below_ceiling_ratio",
        }
    }

    /// What the price is compared with, in Chinese.
    pub fn reference_zh(self) -> &'static str {
        match self {
            AbnormalTrigger::BelowMean => "全部有效投标报价的平均值",
            AbnormalTrigger::BelowSecondLowest => "次低有效投标报价",
            AbnormalTrigger::BelowCeiling => "最高投标限价",
        }
    }
}
