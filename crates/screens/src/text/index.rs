//! Which shingles two bids share once the tender's text and the bids'
//! common text are taken out.
//!
//! Every shingle (window of `k` compared characters) of every bid is hashed.
//! A shingle is *excluded* when it occurs in the tender document, or in at
//! least the boilerplate threshold of bids; it is a *candidate* when at
//! least two bids have it and it is not excluded. The positions of the
//! candidates in each bid give, for every pair of bids, the list of shared
//! shingles, which `align` turns into passages.
//!
//! This is an exact index, not a MinHash estimate: every shared shingle is
//! found. Cost is dominated by sorting each bid's shingle hashes:
//! O(N log N) in the total number of characters N.

use super::normalize::NormDoc;
use crate::hash::{self, IdSet};
use crate::par::map_in_order;
use crate::settings::TextSettings;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

/// The shingles one pair of bids shares: `(position in a, position in b)`.
pub struct PairMatches {
    pub a: usize,
    pub b: usize,
    pub hits: Vec<(u32, u32)>,
}

/// Per bid, per compared character: whether it lies inside an excluded
/// shingle (tender text or boilerplate). Passages are trimmed of such
/// characters at their ends, so that they stop where the copied text meets
/// the tender's.
pub type Masks = Vec<Vec<bool>>;

/// Counts shown in the report's text summary.
#[derive(Debug, Clone, Copy, Default)]
pub struct IndexStats {
    /// A shingle found in this many bids or more is boilerplate.
    pub boilerplate_bids: usize,
    pub tender_shingles: usize,
    pub boilerplate_shingles: usize,
    pub candidate_shingles: usize,
}

/// How many bids make text boilerplate: `max(min_bids, ⌈share × n⌉)`.
pub fn boilerplate_threshold(bids: usize, s: &TextSettings) -> usize {
    let share = (s.boilerplate_share * Decimal::from(bids as u64)).ceil();
    let share = share.to_usize().unwrap_or(usize::MAX);
    share.max(s.boilerplate_min_bids)
}

fn unique_sorted(doc: &NormDoc, k: usize) -> Vec<u64> {
    let mut v: Vec<u64> = hash::windows(&doc.chars, k).collect();
    v.sort_unstable();
    v.dedup();
    v
}

/// `v` without the members of `remove` (both sorted).
fn minus(v: Vec<u64>, remove: &[u64]) -> Vec<u64> {
    let mut j = 0;
    v.into_iter()
        .filter(|h| {
            while j < remove.len() && remove[j] < *h {
                j += 1;
            }
            !(j < remove.len() && remove[j] == *h)
        })
        .collect()
}

/// The hash space is cut into this many slices by the top bits, so that
/// counting can proceed slice by slice (and in parallel) with little memory.
const SLICE_BITS: u32 = 4;

/// Candidates and boilerplate shingles (each sorted).
fn count_bids(per_bid: &[Vec<u64>], threshold: usize) -> (Vec<u64>, Vec<u64>) {
    let slices: Vec<u64> = (0..1u64 << SLICE_BITS).collect();
    let counted = map_in_order(&slices, |&slice| {
        let mut all: Vec<u64> = Vec::new();
        for v in per_bid {
            let lo = v.partition_point(|h| h >> (64 - SLICE_BITS) < slice);
            let hi = v.partition_point(|h| h >> (64 - SLICE_BITS) <= slice);
            all.extend_from_slice(&v[lo..hi]);
        }
        all.sort_unstable();
        let mut candidates = Vec::new();
        let mut boilerplate = Vec::new();
        for run in all.chunk_by(|x, y| x == y) {
            if run.len() >= threshold {
                boilerplate.push(run[0]);
            } else if run.len() >= 2 {
                candidates.push(run[0]);
            }
        }
        (candidates, boilerplate)
    });
    let mut candidates = Vec::new();
    let mut boilerplate = Vec::new();
    for (c, b) in counted {
        candidates.extend(c);
        boilerplate.extend(b);
    }
    (candidates, boilerplate)
}

/// Candidate positions in one bid, `(hash, position)` sorted, and its
/// mask; shingles repeated more than `max_repeats` times in the bid are
/// left out.
fn positions(
    doc: &NormDoc,
    k: usize,
    candidates: &IdSet,
    excluded: &IdSet,
    max_repeats: usize,
) -> (Vec<(u64, u32)>, Vec<bool>) {
    let mut mask = vec![false; doc.chars.len()];
    let mut hits = Vec::new();
    for (i, h) in hash::windows(&doc.chars, k).enumerate() {
        if candidates.contains(&h) {
            hits.push((h, i as u32));
        } else if excluded.contains(&h) {
            mask[i..i + k].fill(true);
        }
    }
    hits.sort_unstable();
    let hits = hits
        .chunk_by(|x, y| x.0 == y.0)
        .filter(|run| run.len() <= max_repeats)
        .flatten()
        .copied()
        .collect();
    (hits, mask)
}

/// Shared shingles of every pair of bids that has any (pairs in order),
/// the bids' masks, and counts.
pub fn shared_shingles(
    tender: &NormDoc,
    bids: &[NormDoc],
    s: &TextSettings,
) -> (Vec<PairMatches>, Masks, IndexStats) {
    let k = s.shingle_chars;
    let tender_set = unique_sorted(tender, k);
    let per_bid = map_in_order(bids, |doc| minus(unique_sorted(doc, k), &tender_set));
    let threshold = boilerplate_threshold(bids.len(), s);
    let (candidates, boilerplate) = count_bids(&per_bid, threshold);
    drop(per_bid);
    let stats = IndexStats {
        boilerplate_bids: threshold,
        tender_shingles: tender_set.len(),
        boilerplate_shingles: boilerplate.len(),
        candidate_shingles: candidates.len(),
    };
    let candidate_set: IdSet = candidates.into_iter().collect();
    let excluded: IdSet = tender_set.into_iter().chain(boilerplate).collect();
    let (per_bid, masks): (Vec<_>, Vec<_>) = map_in_order(bids, |doc| {
        positions(doc, k, &candidate_set, &excluded, s.max_repeats_per_bid)
    })
    .into_iter()
    .unzip();

    let mut postings: Vec<(u64, u32, u32)> = per_bid
        .iter()
        .enumerate()
        .flat_map(|(bid, hits)| hits.iter().map(move |&(h, pos)| (h, bid as u32, pos)))
        .collect();
    postings.sort_unstable();
    let n = bids.len();
    let mut matches: Vec<(usize, u32, u32)> = Vec::new();
    for group in postings.chunk_by(|x, y| x.0 == y.0) {
        for (i, &(_, bid_a, pos_a)) in group.iter().enumerate() {
            for &(_, bid_b, pos_b) in &group[i + 1..] {
                if bid_b != bid_a {
                    matches.push((bid_a as usize * n + bid_b as usize, pos_a, pos_b));
                }
            }
        }
    }
    matches.sort_unstable();
    let pairs = matches
        .chunk_by(|x, y| x.0 == y.0)
        .map(|run| PairMatches {
            a: run[0].0 / n,
            b: run[0].0 % n,
            hits: run.iter().map(|&(_, pa, pb)| (pa, pb)).collect(),
        })
        .collect();
    (pairs, masks, stats)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::pages_from_texts;

    fn doc(text: &str) -> NormDoc {
        NormDoc::new(&pages_from_texts([text]))
    }

    fn settings(k: usize) -> TextSettings {
        TextSettings {
            shingle_chars: k,
            ..TextSettings::default()
        }
    }

    #[test]
    fn threshold_is_half_the_bids_but_at_least_three() {
        let s = TextSettings::default();
        assert_eq!(boilerplate_threshold(2, &s), 3);
        assert_eq!(boilerplate_threshold(6, &s), 3);
        assert_eq!(boilerplate_threshold(7, &s), 4);
        assert_eq!(boilerplate_threshold(30, &s), 15);
    }

    #[test]
    fn shared_text_is_found_unless_the_tender_has_it() {
        let tender = doc("招标文件规定的施工工期为三百六十日历天");
        let bids = [
            doc("甲公司：沥青面层施工前对下承层进行全面检查。招标文件规定的施工工期为三百六十日历天"),
            doc("乙公司：沥青面层施工前对下承层进行全面检查。招标文件规定的施工工期为三百六十日历天"),
            doc("丙公司的文字完全不同，没有任何相同之处可言"),
        ];
        let (pairs, masks, stats) = shared_shingles(&tender, &bids, &settings(5));
        assert_eq!(pairs.len(), 1);
        // The tender's sentence is masked in both bids, the rest is not.
        let masked: Vec<usize> = (0..masks[0].len()).filter(|&i| masks[0][i]).collect();
        assert_eq!(masked, (20..masks[0].len()).collect::<Vec<_>>());
        assert_eq!((pairs[0].a, pairs[0].b), (0, 1));
        // Shared: "公司" + 17 characters + the tender's sentence. The
        // shingles starting at "公" … "查" (19 of them) are not the tender's;
        // every later one lies wholly inside the tender's sentence.
        let hits = &pairs[0].hits;
        assert!(hits.iter().all(|&(pa, pb)| pa == pb));
        assert_eq!(
            hits.iter().map(|h| h.0).collect::<Vec<_>>(),
            (1..=19).collect::<Vec<_>>()
        );
        assert!(stats.tender_shingles > 0);
    }

    #[test]
    fn text_in_most_bids_is_boilerplate() {
        let tender = doc("");
        let common = "本投标人承诺遵守廉洁自律的各项规定不参与围标串标";
        let bids: Vec<NormDoc> = ["甲", "乙", "丙", "丁"]
            .iter()
            .map(|name| doc(&format!("{name}{common}")))
            .collect();
        let (pairs, _, stats) = shared_shingles(&tender, &bids, &settings(5));
        assert!(pairs.is_empty());
        assert!(stats.boilerplate_shingles > 0);
    }

    #[test]
    fn shingles_repeated_within_a_bid_are_not_compared() {
        let header = "解放大道市政道路改造工程施工投标文件";
        let a = doc(&header.repeat(10));
        let b = doc(header);
        let s = TextSettings {
            shingle_chars: 5,
            max_repeats_per_bid: 3,
            ..TextSettings::default()
        };
        let (pairs, _, _) = shared_shingles(&doc(""), &[a, b], &s);
        assert!(pairs.is_empty());
    }
}
