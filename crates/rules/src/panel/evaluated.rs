//! 经评审的投标价: price plus the rule-stated adjustments.

use crate::dec::round_half_up;
use crate::model::{Adjustment, AdjustmentUnit};
use rust_decimal::Decimal;

/// What `quantity` units of `rule` add to the evaluated price of `price`,
/// rounded to `dp` places (元).
pub(crate) fn adjustment_amount(
    rule: &Adjustment,
    price: Decimal,
    quantity: Decimal,
    dp: u32,
) -> Decimal {
    let raw = match rule.unit {
        AdjustmentUnit::Amount => rule.per_unit * quantity,
        AdjustmentUnit::PercentOfPrice => price * rule.per_unit * quantity / Decimal::ONE_HUNDRED,
    };
    round_half_up(raw, dp)
}
