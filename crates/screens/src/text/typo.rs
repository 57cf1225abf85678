//! Shared typos: the same misspelling of a fixed expression in several bids.
//!
//! A misspelling is a window of a bid that differs from a reference
//! expression (see `lexicon`) in exactly one character, neither of the two
//! characters a digit, and is not itself a reference expression. A single
//! substitution leaves one half of the expression intact, so the bids are
//! scanned for the halves (hash lookups) and each hit is checked in full.
//! Misspellings the tender document contains, or that at least the
//! boilerplate threshold of bids share, are not flagged.

use super::lexicon::BUILTIN;
use super::locate::locate;
use super::normalize::{compared, NormDoc};
use crate::evidence::{Evidence, Occurrence, SharedString};
use crate::flag::{Flag, FlagKind, Level, Party, Strength};
use crate::hash::{self, IdMap};
use crate::input::BidDocument;
use crate::par::map_in_order;
use crate::settings::TextSettings;
use rust_decimal::Decimal;
use std::collections::{BTreeMap, BTreeSet};

/// Reference expressions and an index of their halves.
pub struct Lexicon {
    entries: Vec<Vec<char>>,
    known: BTreeSet<Vec<char>>,
    /// Half length → hash of the half → (entry, is the first half).
    halves: BTreeMap<usize, IdMap<Vec<(usize, bool)>>>,
    /// Bitmap of the characters a half starts with: most positions of a
    /// text start no half and are passed over without hashing.
    starts: Vec<u64>,
}

fn bit(map: &[u64], c: char) -> bool {
    let i = c as usize;
    map.get(i / 64).is_some_and(|w| w & (1 << (i % 64)) != 0)
}

impl Lexicon {
    pub fn new(extra: &[String], min_chars: usize) -> Self {
        let known: BTreeSet<Vec<char>> = BUILTIN
            .iter()
            .copied()
            .chain(extra.iter().map(String::as_str))
            .map(compared)
            .filter(|e| e.len() >= min_chars)
            .collect();
        let entries: Vec<Vec<char>> = known.iter().cloned().collect();
        let mut halves: BTreeMap<usize, IdMap<Vec<(usize, bool)>>> = BTreeMap::new();
        let mut starts = vec![0u64; (char::MAX as usize + 1).div_ceil(64)];
        for (i, e) in entries.iter().enumerate() {
            let p = e.len() / 2;
            for (half, first) in [(&e[..p], true), (&e[p..], false)] {
                let c = half[0] as usize;
                starts[c / 64] |= 1 << (c % 64);
                halves
                    .entry(half.len())
                    .or_default()
                    .entry(hash::of(half))
                    .or_default()
                    .push((i, first));
            }
        }
        Lexicon {
            entries,
            known,
            halves,
            starts,
        }
    }

    /// `(start, entry)` of every misspelling in `chars`, sorted.
    pub fn misspellings(&self, chars: &[char]) -> Vec<(u32, usize)> {
        let mut found = Vec::new();
        let candidates = (0..chars.len()).filter(|&pos| bit(&self.starts, chars[pos]));
        for pos in candidates {
            for (&len, index) in &self.halves {
                let Some(half) = chars.get(pos..pos + len) else {
                    continue;
                };
                let Some(list) = index.get(&hash::of(half)) else {
                    continue;
                };
                for &(i, first) in list {
                    let entry = &self.entries[i];
                    let start = if first {
                        Some(pos)
                    } else {
                        pos.checked_sub(entry.len() / 2)
                    };
                    let Some(window) = start.and_then(|s| chars.get(s..s + entry.len())) else {
                        continue;
                    };
                    if self.is_misspelling(window, entry) {
                        found.push((start.unwrap_or(0) as u32, i));
                    }
                }
            }
        }
        found.sort_unstable();
        found.dedup();
        found
    }

    fn is_misspelling(&self, window: &[char], entry: &[char]) -> bool {
        let mut diffs = window.iter().zip(entry).filter(|(x, y)| x != y);
        match (diffs.next(), diffs.next()) {
            (Some((x, y)), None) => {
                !x.is_numeric() && !y.is_numeric() && !self.known.contains(window)
            }
            _ => false,
        }
    }
}

/// One bid's misspellings: variant → (entry, starts).
type Found = BTreeMap<Vec<char>, (usize, Vec<u32>)>;

fn found_in(lexicon: &Lexicon, doc: &NormDoc) -> Found {
    let mut out = Found::new();
    for (start, entry) in lexicon.misspellings(&doc.chars) {
        let len = lexicon.entries[entry].len();
        let variant = doc.chars[start as usize..start as usize + len].to_vec();
        out.entry(variant)
            .or_insert((entry, Vec::new()))
            .1
            .push(start);
    }
    out
}

/// Flags for misspellings shared by two or more bids (fewer than
/// `boilerplate_bids`), one flag per set of bids.
pub fn shared_typos(
    tender: &NormDoc,
    bids: &[&BidDocument],
    docs: &[NormDoc],
    boilerplate_bids: usize,
    s: &TextSettings,
) -> Vec<Flag> {
    let lexicon = Lexicon::new(&s.extra_expressions, s.min_expression_chars);
    let in_tender = found_in(&lexicon, tender);
    let per_bid = map_in_order(docs, |doc| found_in(&lexicon, doc));

    // variant → (entry, bids having it)
    let mut shared: BTreeMap<&Vec<char>, (usize, Vec<usize>)> = BTreeMap::new();
    for (bid, found) in per_bid.iter().enumerate() {
        for (variant, (entry, _)) in found {
            if !in_tender.contains_key(variant) {
                shared
                    .entry(variant)
                    .or_insert((*entry, Vec::new()))
                    .1
                    .push(bid);
            }
        }
    }
    let mut by_group: BTreeMap<Vec<usize>, Vec<(&Vec<char>, usize)>> = BTreeMap::new();
    for (variant, (entry, holders)) in shared {
        if holders.len() >= 2 && holders.len() < boilerplate_bids {
            by_group.entry(holders).or_default().push((variant, entry));
        }
    }
    by_group
        .into_iter()
        .map(|(group, variants)| {
            let items: Vec<SharedString> = variants
                .iter()
                .map(|&(variant, entry)| SharedString {
                    text: variant.iter().collect(),
                    expected: Some(lexicon.entries[entry].iter().collect()),
                    occurrences: group
                        .iter()
                        .flat_map(|&bid| {
                            let starts = per_bid[bid].get(variant).map(|f| f.1.clone());
                            starts
                                .unwrap_or_default()
                                .into_iter()
                                .take(10)
                                .map(move |start| {
                                    let at = locate(
                                        &docs[bid],
                                        &bids[bid].pages,
                                        start,
                                        start + variant.len() as u32,
                                    );
                                    Occurrence {
                                        bidder: bids[bid].bidder.clone(),
                                        start: at.start,
                                        end: at.end,
                                        context: at.context,
                                    }
                                })
                        })
                        .collect(),
                })
                .collect();
            typo_flag(
                group.iter().map(|&i| bids[i].bidder.as_str()).collect(),
                items,
            )
        })
        .collect()
}

fn typo_flag(bidders: Vec<&str>, items: Vec<SharedString>) -> Flag {
    let names = bidders.join("、");
    let level = if items.len() >= 2 {
        Level::Strong
    } else {
        Level::Moderate
    };
    let score = Decimal::ONE - Decimal::ONE / Decimal::from(items.len() as u64 + 2);
    let described: Vec<String> = items
        .iter()
        .map(|i| {
            let where_: Vec<String> = i
                .occurrences
                .iter()
                .map(|o| format!("{}第{}页", o.bidder, o.start.page))
                .collect();
            format!(
                "“{}”误作“{}”（{}）",
                i.expected.as_deref().unwrap_or(""),
                i.text,
                where_.join("、")
            )
        })
        .collect();
    let key: Vec<String> = items
        .iter()
        .flat_map(|i| {
            i.occurrences.iter().map(move |o| {
                format!(
                    "{}@{}:{}:{}",
                    i.text, o.bidder, o.start.page, o.start.offset
                )
            })
        })
        .collect();
    let title = format!("{names}：相同的错别字{}处", items.len());
    let explanation = format!(
        "{names}的投标文件出现了相同的错误写法：{}。招标文件和其他投标文件中没有这种写法。\
         不同单位独立编写时很少犯同一个错误，相同的错别字通常说明文字出自同一底稿，请评标委员会对照原文判断。",
        described.join("；")
    );
    Flag::new(
        FlagKind::SharedTypo,
        bidders
            .into_iter()
            .map(|b| Party::Bidder(b.to_string()))
            .collect(),
        Strength::new(level, score),
        Evidence::SharedStrings { items },
        &key.join(";"),
        title,
        explanation,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chars(s: &str) -> Vec<char> {
        compared(s)
    }

    #[test]
    fn finds_one_substitution_anywhere_in_an_expression() {
        let lex = Lexicon::new(&[], 5);
        let text =
            chars("压路机遵循“紧跟、慢压、高频、低副”的原则，坚持安全第一、预访为主、综合治理。");
        let found = lex.misspellings(&text);
        let variants: Vec<String> = found
            .iter()
            .map(|&(s, e)| {
                text[s as usize..s as usize + lex.entries[e].len()]
                    .iter()
                    .collect()
            })
            .collect();
        assert_eq!(
            variants,
            vec!["紧跟慢压高频低副", "安全第一预访为主综合治理"]
        );
    }

    #[test]
    fn correct_forms_two_changes_and_digit_changes_are_not_typos() {
        let lex = Lexicon::new(&[], 5);
        for ok in [
            "紧跟、慢压、高频、低幅",
            "紧跟、慢压、低频、高幅",
            "物料堆放90%覆盖",
            "施工现场地面200%硬化",
        ] {
            assert!(lex.misspellings(&chars(ok)).is_empty(), "{ok}");
        }
    }

    #[test]
    fn extra_expressions_extend_the_list() {
        let text = chars("采用热拌沥青混和料");
        assert!(Lexicon::new(&[], 5).misspellings(&text).is_empty());
        let lex = Lexicon::new(&["热拌沥青混合料".to_string()], 5);
        assert_eq!(lex.misspellings(&text).len(), 1);
    }
}
