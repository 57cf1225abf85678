//! Shingle hashing: a polynomial rolling hash over characters, finished with
//! a 64-bit mixer. Deterministic on every platform (no random seed), so
//! results never depend on the run. Equal shingles always hash equal;
//! the rare unequal shingles that collide are weeded out by comparing the
//! characters before anything is reported.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

const BASE: u64 = 0x9E37_79B9_7F4A_7C15;

/// The splitmix64 finaliser: spreads the rolling value over all 64 bits.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn code(c: char) -> u64 {
    u64::from(c) + 1
}

/// Hashes of every window of `k` characters, in order: item `i` is the
/// hash of `chars[i..i + k]`. Empty when `chars` is shorter than `k` or `k` is 0.
pub fn windows(chars: &[char], k: usize) -> impl Iterator<Item = u64> + '_ {
    let pow = (1..k).fold(1u64, |p, _| p.wrapping_mul(BASE));
    let mut h = 0u64;
    let ready = k > 0 && chars.len() >= k;
    if ready {
        for &c in &chars[..k - 1] {
            h = h.wrapping_mul(BASE).wrapping_add(code(c));
        }
    }
    let count = if ready { chars.len() - k + 1 } else { 0 };
    (0..count).map(move |i| {
        if i > 0 {
            h = h.wrapping_sub(code(chars[i - 1]).wrapping_mul(pow));
        }
        h = h.wrapping_mul(BASE).wrapping_add(code(chars[i + k - 1]));
        mix(h)
    })
}

/// Hash of one slice, equal to what [`windows`] yields for it.
pub fn of(chars: &[char]) -> u64 {
    mix(chars
        .iter()
        .fold(0u64, |h, &c| h.wrapping_mul(BASE).wrapping_add(code(c))))
}

/// A `Hasher` for keys that are already well-mixed 64-bit hashes.
#[derive(Default)]
pub struct Identity(u64);

impl Hasher for Identity {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

pub type IdMap<V> = HashMap<u64, V, BuildHasherDefault<Identity>>;
pub type IdSet = HashSet<u64, BuildHasherDefault<Identity>>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rolling_windows_equal_direct_hashes() {
        let text: Vec<char> = "沥青面层施工前对下承层进行全面检查".chars().collect();
        for k in [1, 5, 13] {
            let rolled: Vec<u64> = windows(&text, k).collect();
            assert_eq!(rolled.len(), text.len() - k + 1);
            for (i, h) in rolled.iter().enumerate() {
                assert_eq!(*h, of(&text[i..i + k]), "k={k} i={i}");
            }
        }
        assert_eq!(windows(&text[..3], 5).count(), 0);
        assert_eq!(windows(&text, 0).count(), 0);
    }

    #[test]
    fn different_windows_hash_differently() {
        let a: Vec<char> = "紧跟慢压高频低幅".chars().collect();
        let b: Vec<char> = "紧跟慢压高频低副".chars().collect();
        assert_ne!(of(&a), of(&b));
    }
}
