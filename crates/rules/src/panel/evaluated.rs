//! 经评审的投标价: price plus the rule-stated adjustments.

use crate::dec::round_half_up;
use crate::model::AdjustmentUnit;
use rust_decimal::Decimal;

/// What `quantity` units of `per_unit` add to the evaluated price of
/// `price`, rounded to `dp` places (元).
pub(crate) fn adjustment_amount(
    unit: AdjustmentUnit,
    per_unit: Decimal,
    price: Decimal,
    quantity: Decimal,
    dp: u32,
) -> Decimal {
    let raw = match unit {
        AdjustmentUnit::Amount => per_unit * quantity,
        AdjustmentUnit::PercentOfPrice => price * per_unit * quantity / Decimal::ONE_HUNDRED,
    };
    round_half_up(raw, dp)
}
