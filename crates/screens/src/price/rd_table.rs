//! Thresholds of Imhof's relative distance RD = (b₂ − b₁) / σ_losing by the
//! number of bids, such that independent bids drawn from one normal
//! distribution exceed them with probability 5 %, 1 % and 0.1 %.
//!
//! RD is location- and scale-free, so under that model its distribution
//! depends on the number of bids only. The table was computed by Monte Carlo
//! (2 000 000 tenders per row, σ_losing with the n − 2 divisor); the test
//! below re-simulates some rows. Beyond 30 bids the row for 30 is used,
//! which errs on the side of fewer flags.

use rust_decimal::Decimal;

/// Rows for n = 4 … 30: thousandths at 95 %, 99 %, 99.9 %.
const TABLE: [[i64; 3]; 27] = [
    [6206, 15264, 51104],
    [3991, 7887, 18416],
    [3132, 5629, 11366],
    [2688, 4569, 8369],
    [2410, 3959, 6877],
    [2217, 3562, 5956],
    [2083, 3282, 5330],
    [1969, 3074, 4896],
    [1882, 2907, 4548],
    [1814, 2779, 4261],
    [1752, 2664, 4060],
    [1701, 2574, 3896],
    [1659, 2498, 3742],
    [1620, 2431, 3628],
    [1588, 2374, 3511],
    [1556, 2320, 3428],
    [1529, 2276, 3350],
    [1504, 2234, 3269],
    [1483, 2202, 3226],
    [1463, 2169, 3145],
    [1441, 2133, 3110],
    [1428, 2106, 3048],
    [1411, 2081, 3021],
    [1394, 2053, 2963],
    [1382, 2036, 2924],
    [1367, 2014, 2901],
    [1357, 1996, 2879],
];

/// Column of the table for a false-alarm rate of 0.05, 0.01 or 0.001.
pub fn level_index(rate: Decimal) -> Option<usize> {
    [Decimal::new(5, 2), Decimal::new(1, 2), Decimal::new(1, 3)]
        .iter()
        .position(|&r| r == rate)
}

/// The threshold for `bids` bids (at least 4) at column `level`.
pub fn threshold(bids: usize, level: usize) -> Option<Decimal> {
    let row = TABLE.get(bids.checked_sub(4)?.min(TABLE.len() - 1))?;
    Some(Decimal::new(*row.get(level)?, 3))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// splitmix64 and Box–Muller: floats are fine here, nothing is money.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        }
        fn unit(&mut self) -> f64 {
            ((self.next() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
        }
        fn normal(&mut self) -> f64 {
            let (u, v) = (self.unit(), self.unit());
            (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
        }
    }

    fn rd(b: &mut [f64]) -> f64 {
        b.sort_by(f64::total_cmp);
        let losing = &b[1..];
        let m = losing.iter().sum::<f64>() / losing.len() as f64;
        let v = losing.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (losing.len() - 1) as f64;
        (b[1] - b[0]) / v.sqrt()
    }

    #[test]
    fn table_matches_a_fresh_simulation() {
        let sims = 60_000;
        for n in [5usize, 8, 15, 30] {
            let mut rng = Rng(0xC0FFEE + n as u64);
            let mut values: Vec<f64> = (0..sims)
                .map(|_| {
                    let mut bids: Vec<f64> = (0..n).map(|_| rng.normal()).collect();
                    rd(&mut bids)
                })
                .collect();
            values.sort_by(f64::total_cmp);
            for (level, p) in [(0, 0.95), (1, 0.99)] {
                let simulated = values[(sims as f64 * p) as usize];
                let table: f64 = threshold(n, level).unwrap().try_into().unwrap();
                let err = (simulated - table).abs() / table;
                assert!(
                    err < 0.06,
                    "n={n} p={p}: simulated {simulated:.3}, table {table:.3}"
                );
            }
        }
    }

    #[test]
    fn rows_fall_with_more_bids_and_rise_with_stricter_rates() {
        for level in 0..3 {
            for n in 4..30 {
                assert!(threshold(n, level) > threshold(n + 1, level));
            }
        }
        assert_eq!(threshold(31, 1), threshold(30, 1));
        assert_eq!(threshold(3, 1), None);
        assert_eq!(level_index(Decimal::new(1, 2)), Some(1));
        assert_eq!(level_index(Decimal::new(2, 2)), None);
    }
}
