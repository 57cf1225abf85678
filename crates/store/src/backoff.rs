//! When to retry an undelivered submission: exponential backoff with a cap
//! and "equal jitter" (half fixed, half random), so many clients coming back
//! online together do not hit the platform in lock-step. Pure: the caller
//! draws the random number.

use std::time::Duration;

/// Retry timing of the outbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BackoffPolicy {
    /// Delay after the first failure (before jitter).
    pub base: Duration,
    /// Longest delay (before jitter).
    pub cap: Duration,
}

impl Default for BackoffPolicy {
    /// 5 s, 10 s, 20 s, … up to 15 minutes.
    fn default() -> Self {
        BackoffPolicy {
            base: Duration::from_secs(5),
            cap: Duration::from_secs(15 * 60),
        }
    }
}

impl BackoffPolicy {
    /// The delay after `failures` failed attempts (1 for the first failure).
    /// `jitter_permille` is a uniform random draw in `0..=1000` (larger values
    /// count as 1000): the delay is `d/2 + d/2 × jitter/1000` where
    /// `d = min(cap, base × 2^(failures−1))`.
    pub fn delay(&self, failures: u32, jitter_permille: u16) -> Duration {
        let doublings = failures.saturating_sub(1);
        let full = if doublings >= 32 {
            self.cap
        } else {
            self.base
                .checked_mul(1u32 << doublings)
                .map_or(self.cap, |d| d.min(self.cap))
        };
        let half = full / 2;
        let jitter = u32::from(jitter_permille.min(1000));
        half + (full - half) * jitter / 1000
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secs(s: f64) -> Duration {
        Duration::from_secs_f64(s)
    }

    #[test]
    fn delays_table() {
        let p = BackoffPolicy::default();
        // (failures, jitter ‰, expected delay)
        let table: &[(u32, u16, Duration)] = &[
            (1, 1000, secs(5.0)),
            (1, 0, secs(2.5)),
            (1, 500, secs(3.75)),
            (2, 1000, secs(10.0)),
            (3, 1000, secs(20.0)),
            (4, 0, secs(20.0)),
            (8, 1000, secs(640.0)),
            (9, 1000, secs(900.0)), // 1280 s capped at 15 min
            (9, 0, secs(450.0)),
            (40, 1000, secs(900.0)), // past 2^31: still the cap, no overflow
            (u32::MAX, 1000, secs(900.0)),
            (0, 1000, secs(5.0)), // "no failure yet" is treated as the first
            (1, 5000, secs(5.0)), // jitter above 1000 ‰ is clamped
        ];
        for &(failures, jitter, expected) in table {
            assert_eq!(
                p.delay(failures, jitter),
                expected,
                "failures={failures} jitter={jitter}"
            );
        }
    }

    #[test]
    fn delay_never_decreases_with_failures_and_stays_within_cap() {
        let p = BackoffPolicy {
            base: Duration::from_millis(300),
            cap: Duration::from_secs(60),
        };
        let mut previous = Duration::ZERO;
        for failures in 1..100 {
            let d = p.delay(failures, 1000);
            assert!(d >= previous && d <= p.cap, "failures={failures}: {d:?}");
            assert!(p.delay(failures, 0) >= d / 2);
            previous = d;
        }
    }
}
