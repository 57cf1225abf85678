//! The bid prices in ascending order, and the exact decimal arithmetic the
//! price screens share. Statistics are computed on prices divided by the
//! highest price (values in (0, 1]), so that squares never overflow
//! `Decimal`; every statistic used is scale-free, so nothing changes.

use crate::evidence::PricePoint;
use rust_decimal::{Decimal, MathematicalOps, RoundingStrategy};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bid {
    pub bidder: String,
    pub price: Decimal,
}

/// Bids sorted by price, then bidder.
pub struct Series {
    pub bids: Vec<Bid>,
}

impl Series {
    pub fn new(mut bids: Vec<Bid>) -> Self {
        bids.sort_by(|a, b| a.price.cmp(&b.price).then_with(|| a.bidder.cmp(&b.bidder)));
        Series { bids }
    }

    pub fn len(&self) -> usize {
        self.bids.len()
    }

    pub fn prices(&self) -> Vec<Decimal> {
        self.bids.iter().map(|b| b.price).collect()
    }

    /// Prices divided by the highest one.
    pub fn scaled(&self) -> Vec<Decimal> {
        let top = self.bids.last().map(|b| b.price).unwrap_or(Decimal::ONE);
        self.bids.iter().map(|b| b.price / top).collect()
    }

    /// Highest minus lowest price.
    pub fn range(&self) -> Decimal {
        match (self.bids.first(), self.bids.last()) {
            (Some(a), Some(b)) => b.price - a.price,
            _ => Decimal::ZERO,
        }
    }

    pub fn mean(&self) -> Decimal {
        let n = Decimal::from(self.len().max(1) as u64);
        self.bids.iter().map(|b| b.price).sum::<Decimal>() / n
    }

    /// The largest power of ten (10⁸ … 10⁻¹⁰) dividing every price: the
    /// rounding unit the bidders priced in.
    pub fn grain(&self) -> Decimal {
        (-10i32..=8)
            .rev()
            .map(|e| {
                if e >= 0 {
                    Decimal::from(10u64.pow(e as u32))
                } else {
                    Decimal::new(1, (-e) as u32)
                }
            })
            .find(|g| self.bids.iter().all(|b| (b.price % g).is_zero()))
            .unwrap_or(Decimal::new(1, 10))
    }

    /// Every bid as evidence, `marked` where the pattern holds.
    pub fn points(&self, marked: impl Fn(usize, &Bid) -> bool) -> Vec<PricePoint> {
        self.bids
            .iter()
            .enumerate()
            .map(|(i, b)| PricePoint {
                bidder: b.bidder.clone(),
                price: b.price,
                marked: marked(i, b),
            })
            .collect()
    }
}

/// Mean and sample variance (n − 1 divisor); `None` below two values.
pub fn mean_var(xs: &[Decimal]) -> Option<(Decimal, Decimal)> {
    if xs.len() < 2 {
        return None;
    }
    let n = Decimal::from(xs.len() as u64);
    let mean = xs.iter().sum::<Decimal>() / n;
    let ss: Decimal = xs.iter().map(|x| (x - mean) * (x - mean)).sum();
    Some((mean, ss / (n - Decimal::ONE)))
}

/// Half-up to `dp` places, always showing `dp` places.
pub fn round(v: Decimal, dp: u32) -> Decimal {
    let mut r = v.round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero);
    r.rescale(dp);
    r
}

/// √v for display, half-up to `dp` places (comparisons use squares).
pub fn root(v: Decimal, dp: u32) -> Decimal {
    round(v.sqrt().unwrap_or(Decimal::ZERO), dp)
}

/// A probability or expected count for display: six places, at least one
/// significant digit kept by switching to 10 places for tiny values.
pub fn chance(v: Decimal) -> Decimal {
    if v.is_zero() || v >= Decimal::new(1, 6) {
        round(v, 6)
    } else {
        round(v, 10)
    }
}

/// Thousands separators for prices in Chinese text: 27365000.00 → 27,365,000.00.
pub use pingshen_rules::display::money;

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn series(prices: &[Decimal]) -> Series {
        Series::new(
            prices
                .iter()
                .enumerate()
                .map(|(i, p)| Bid {
                    bidder: format!("B{i}"),
                    price: *p,
                })
                .collect(),
        )
    }

    #[test]
    fn grain_is_the_pricing_unit() {
        assert_eq!(
            series(&[dec!(27365000.00), dec!(26980500.00)]).grain(),
            dec!(100)
        );
        assert_eq!(
            series(&[dec!(27365000.17), dec!(26980500)]).grain(),
            dec!(0.01)
        );
        assert_eq!(
            series(&[dec!(1200000), dec!(1300000)]).grain(),
            dec!(100000)
        );
    }

    #[test]
    fn sample_variance_and_display_helpers() {
        let (m, v) = mean_var(&[
            dec!(2),
            dec!(4),
            dec!(4),
            dec!(4),
            dec!(5),
            dec!(5),
            dec!(7),
            dec!(9),
        ])
        .unwrap();
        assert_eq!(m, dec!(5));
        assert_eq!(round(v, 4), dec!(4.5714));
        assert_eq!(root(dec!(2), 4), dec!(1.4142));
        assert_eq!(chance(dec!(0.00000001234)), dec!(0.0000000123));
    }
}
