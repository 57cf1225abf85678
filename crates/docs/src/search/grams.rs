//! Grams and the keys of the postings table.
//!
//! Every character and every pair of adjacent characters of a page (in
//! search form) is a gram, coded as an integer: a character `c` as `c + 1`
//! (1 ..= 0x11_0000, below 2^21), a pair `a b` as `(a + 1) << 21 | (b + 1)`
//! (2^21 and above). Code 0 is no gram: the row of a segment's page lengths.
//!
//! A row of `search_postings` is keyed `segment << 43 | kind << 42 | gram`:
//! kind 0 for a block of page lists starting at that gram, 1 for a large
//! pair's positions (see blocks.rs). A segment's rows are one key range.

/// Bits of a character code in a pair.
const CHAR_BITS: u32 = 21;
/// Bits of a gram code.
const GRAM_BITS: u32 = 42;
/// The positions flag, above the gram.
const POSITIONS: u64 = 1 << GRAM_BITS;
/// Segment numbers are below this (keys stay positive i64s).
pub(crate) const SEGMENT_LIMIT: u32 = 1 << (63 - GRAM_BITS - 1);
/// The gram code of a segment's page lengths row.
pub(crate) const LENGTHS: u64 = 0;

pub(crate) fn unigram(c: char) -> u64 {
    c as u64 + 1
}

pub(crate) fn bigram(a: char, b: char) -> u64 {
    (a as u64 + 1) << CHAR_BITS | (b as u64 + 1)
}

pub(crate) fn is_bigram(gram: u64) -> bool {
    gram >= 1 << CHAR_BITS
}

/// The key of a block whose first gram is `gram`.
pub(crate) fn list_key(segment: u32, gram: u64) -> i64 {
    ((segment as u64) << (GRAM_BITS + 1) | gram) as i64
}

/// The key of a large pair's positions in a segment.
pub(crate) fn positions_key(segment: u32, gram: u64) -> i64 {
    ((segment as u64) << (GRAM_BITS + 1) | POSITIONS | gram) as i64
}

/// The first and last key of a segment's rows.
pub(crate) fn segment_keys(segment: u32) -> (i64, i64) {
    let first = (segment as u64) << (GRAM_BITS + 1);
    (first as i64, (first | ((POSITIONS << 1) - 1)) as i64)
}

/// A key's parts: (gram, is a positions row).
pub(crate) fn split_key(key: i64) -> (u64, bool) {
    let key = key as u64;
    (key & (POSITIONS - 1), key & POSITIONS != 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_distinct_and_keys_stay_in_their_segment() {
        let max = char::MAX;
        assert!(unigram(max) < 1 << CHAR_BITS);
        assert!(is_bigram(bigram('\0', '\0')));
        assert!(!is_bigram(unigram(max)));
        assert_ne!(bigram('工', '期'), bigram('期', '工'));
        assert!(bigram(max, max) < POSITIONS);
        let last = SEGMENT_LIMIT - 1;
        let (first, end) = segment_keys(last);
        for key in [
            list_key(last, LENGTHS),
            list_key(last, bigram(max, max)),
            positions_key(last, bigram(max, max)),
        ] {
            assert!(key > 0 && first <= key && key <= end);
        }
        assert_eq!(
            split_key(positions_key(7, bigram('工', '期'))),
            (bigram('工', '期'), true)
        );
        assert_eq!(
            split_key(list_key(7, unigram('井'))),
            (unigram('井'), false)
        );
        assert!(segment_keys(3).1 < segment_keys(4).0);
    }
}
