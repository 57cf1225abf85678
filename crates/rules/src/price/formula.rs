//! The arithmetic of price scoring, one function per formula, shared by
//! the engine and by the re-check of an explanation.

use crate::dec::round_half_up;
use crate::model::{DeviationRule, KApply};
use rust_decimal::Decimal;

const HUNDRED: Decimal = Decimal::ONE_HUNDRED;

/// round(sum / count) to `dp` places; `None` for no prices.
pub(crate) fn mean(sum: Decimal, count: usize, dp: u32) -> Option<Decimal> {
    let n = Decimal::from(u64::try_from(count).ok()?);
    sum.checked_div(n).map(|m| round_half_up(m, dp))
}

/// What B is multiplied by for the drawn K.
pub(crate) fn k_factor(apply: KApply, k: Decimal) -> Decimal {
    match apply {
        KApply::Discount => Decimal::ONE - k,
        KApply::Multiply => k,
    }
}

/// B = round(Σ weightᵢ × valueᵢ × factor).
pub(crate) fn benchmark(weighted_sum: Decimal, factor: Decimal, dp: u32) -> Option<Decimal> {
    weighted_sum
        .checked_mul(factor)
        .map(|b| round_half_up(b, dp))
}

/// 低价优先: round(B / P × full). Multiplying first keeps the one division
/// last, so only one rounding happens.
pub(crate) fn lowest_price_score(
    b: Decimal,
    p: Decimal,
    full: Decimal,
    dp: u32,
) -> Option<Decimal> {
    b.checked_mul(full)?
        .checked_div(p)
        .map(|s| round_half_up(s, dp))
}

/// Signed deviation in percent: round((P − B) × 100 / B).
pub(crate) fn deviation_percent(p: Decimal, b: Decimal, dp: u32) -> Option<Decimal> {
    (p - b)
        .checked_mul(HUNDRED)?
        .checked_div(b)
        .map(|d| round_half_up(d, dp))
}

/// The deduction parts for a deviation, in the order a person applies them.
pub(crate) struct Deduction {
    pub counted_percent: Decimal,
    pub per_percent: Decimal,
    pub raw: Decimal,
    pub cap: Option<Decimal>,
    pub applied: Decimal,
}

/// `None` only when the product overflows, which validated rules and
/// bounded prices cannot reach; a hand-made explanation might.
pub(crate) fn deduction(rule: &DeviationRule, deviation_percent: Decimal) -> Option<Deduction> {
    let mut counted = deviation_percent.abs();
    if rule.whole_percent {
        counted = counted.trunc();
    }
    let (per, cap) = if deviation_percent > Decimal::ZERO {
        (rule.above_per_percent, rule.above_cap)
    } else if deviation_percent < Decimal::ZERO {
        (rule.below_per_percent, rule.below_cap)
    } else {
        (Decimal::ZERO, None)
    };
    let raw = per.checked_mul(counted)?;
    let applied = cap.map_or(raw, |c| raw.min(c));
    Some(Deduction {
        counted_percent: counted,
        per_percent: per,
        raw,
        cap,
        applied,
    })
}

/// clamp(round(full − deduction), floor, full).
pub(crate) fn deviation_score(
    full: Decimal,
    deduction: Decimal,
    floor: Decimal,
    dp: u32,
) -> Decimal {
    round_half_up(full - deduction, dp).max(floor).min(full)
}
