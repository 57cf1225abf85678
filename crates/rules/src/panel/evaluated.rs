//! 经评审的投标价: price plus the rule-stated adjustments.

use crate::dec::round_half_up;
use crate::model::AdjustmentUnit;
use rust_decimal::Decimal;

/// What `quantity` units of `per_unit` add to the evaluated price of
/// `price`, rounded to `dp` places (元). `None` on overflow, which the
/// validated bounds (price < 10^15, |percent| ≤ 100, quantity ≤ 10^6)
/// cannot reach; a hand-made result might.
pub(crate) fn adjustment_amount(
    unit: AdjustmentUnit,
    per_unit: Decimal,
    price: Decimal,
    quantity: Decimal,
    dp: u32,
) -> Option<Decimal> {
    let raw = match unit {
        AdjustmentUnit::Amount => per_unit.checked_mul(quantity)?,
        AdjustmentUnit::PercentOfPrice => price
            .checked_mul(per_unit)?
            .checked_mul(quantity)?
            .checked_div(Decimal::ONE_HUNDRED)?,
    };
    Some(round_half_up(raw, dp))
}
