//! Download rate and time left, from what actually arrived in the last few
//! seconds (a stall shows as a falling rate and a growing time left, never
//! as a frozen estimate).

use std::collections::VecDeque;
use std::time::{Duration, Instant};

/// Samples of bytes fetched so far, over a sliding window.
#[derive(Debug)]
pub struct RateMeter {
    window: Duration,
    samples: VecDeque<(Instant, u64)>,
}

impl RateMeter {
    /// How far back the rate looks.
    pub const WINDOW: Duration = Duration::from_secs(5);
    /// No estimate before this much time has been observed.
    pub const MIN_SPAN: Duration = Duration::from_secs(1);

    pub fn new(start: Instant) -> Self {
        let mut samples = VecDeque::new();
        samples.push_back((start, 0));
        RateMeter {
            window: Self::WINDOW,
            samples,
        }
    }

    /// `total` bytes have been fetched by `at`.
    pub fn record(&mut self, at: Instant, total: u64) {
        self.samples.push_back((at, total));
        // Keep one sample at or before the window's start as its anchor.
        while self.samples.len() > 2 && at.duration_since(self.samples[1].0) >= self.window {
            self.samples.pop_front();
        }
    }

    /// Bytes per second over the window ending `now`; `None` until
    /// [`Self::MIN_SPAN`] has been observed.
    pub fn bytes_per_sec(&self, now: Instant) -> Option<f64> {
        let (t0, b0) = *self.samples.front()?;
        let (_, b1) = *self.samples.back()?;
        let span = now.duration_since(t0);
        if span < Self::MIN_SPAN {
            return None;
        }
        Some((b1 - b0) as f64 / span.as_secs_f64())
    }

    /// Time to fetch `remaining` bytes at the current rate; `None` while
    /// the rate is unknown or nothing arrives.
    pub fn time_left(&self, now: Instant, remaining: u64) -> Option<Duration> {
        if remaining == 0 {
            return Some(Duration::ZERO);
        }
        let rate = self.bytes_per_sec(now)?;
        (rate >= 1.0).then(|| Duration::from_secs_f64(remaining as f64 / rate))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(t0: Instant, ms: u64) -> Instant {
        t0 + Duration::from_millis(ms)
    }

    #[test]
    fn worked_examples() {
        let t0 = Instant::now();
        // 500 KB/s steady (4 Mbit/s): 10 MB left is 20 s.
        let mut m = RateMeter::new(t0);
        for s in 1..=8u64 {
            m.record(at(t0, s * 1000), s * 500_000);
        }
        let now = at(t0, 8000);
        let rate = m.bytes_per_sec(now).unwrap();
        assert!((rate - 500_000.0).abs() < 1.0, "{rate}");
        assert_eq!(m.time_left(now, 10_000_000), Some(Duration::from_secs(20)));
        assert_eq!(m.time_left(now, 0), Some(Duration::ZERO));
    }

    #[test]
    fn no_estimate_before_a_second_has_passed() {
        let t0 = Instant::now();
        let mut m = RateMeter::new(t0);
        m.record(at(t0, 300), 400_000);
        assert_eq!(m.bytes_per_sec(at(t0, 300)), None);
        assert_eq!(m.time_left(at(t0, 300), 1), None);
    }

    #[test]
    fn a_stall_lowers_the_rate_and_then_gives_no_estimate() {
        let t0 = Instant::now();
        let mut m = RateMeter::new(t0);
        for s in 1..=5u64 {
            m.record(at(t0, s * 1000), s * 100_000);
        }
        let before = m.bytes_per_sec(at(t0, 5000)).unwrap();
        // Nothing arrives for 3 s: the same window shows a lower rate.
        m.record(at(t0, 8000), 500_000);
        let during = m.bytes_per_sec(at(t0, 8000)).unwrap();
        assert!(during < before, "{during} < {before}");
        // Nothing for longer than the window: no time left is claimed.
        m.record(at(t0, 14_000), 500_000);
        m.record(at(t0, 15_000), 500_000);
        assert_eq!(m.time_left(at(t0, 15_000), 1000), None);
    }

    #[test]
    fn the_rate_follows_a_change_of_speed_within_the_window() {
        let t0 = Instant::now();
        let mut m = RateMeter::new(t0);
        let mut total = 0;
        for s in 1..=10u64 {
            total += if s <= 5 { 1_000_000 } else { 100_000 };
            m.record(at(t0, s * 1000), total);
        }
        let rate = m.bytes_per_sec(at(t0, 10_000)).unwrap();
        assert!(
            rate < 200_000.0,
            "the window holds only the slow seconds: {rate}"
        );
    }
}
