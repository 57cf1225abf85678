//! The form text is compared in. Choices (see docs/screens.md):
//! - NFKC per character: full-width letters and digits become ASCII,
//!   compatibility ideographs become unified ones;
//! - only letters, ideographs and digits are kept: spaces and line breaks
//!   (PDF text breaks lines inside words), punctuation and symbols are
//!   dropped, so `，` vs `,` or a re-wrapped paragraph compare equal;
//! - letters are lower-cased;
//! - digits are kept as they are: copied numbers are evidence, and
//!   folding them would make every price table look alike.
//!
//! Running headers and footers (lines repeated at the top or bottom of
//! most pages, page numbers aside) are dropped and the pages concatenated,
//! so a passage that runs over a page break is compared as one.

use crate::input::Page;
use std::collections::{BTreeMap, BTreeSet};
use unicode_normalization::char::decompose_compatible;

/// A document in compared form.
pub struct NormDoc {
    pub chars: Vec<char>,
    /// Index in `chars` where each page starts, in page order.
    pub page_starts: Vec<u32>,
    pub running: Running,
}

/// How many lines at the top and at the bottom of a page may be running.
const EDGE_LINES: usize = 2;

/// Running header and footer lines of one document, by their key (compared
/// form with every digit as `0`, so that "第 19 页" matches "第 20 页").
#[derive(Debug, Default)]
pub struct Running {
    header: BTreeSet<String>,
    footer: BTreeSet<String>,
}

/// `[start, end)` character ranges of the lines of `text`.
fn lines(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut count = 0;
    for (i, c) in text.chars().enumerate() {
        if c == '\n' {
            out.push((start, i));
            start = i + 1;
        }
        count = i + 1;
    }
    out.push((start, count));
    out
}

fn line_key(chars: &[char], (start, end): (usize, usize)) -> String {
    let mut key = String::new();
    for &ch in &chars[start..end] {
        fold(ch, &mut |c| {
            key.push(if c.is_ascii_digit() { '0' } else { c })
        });
    }
    key
}

impl Running {
    /// Lines found among the first (last) two lines of at least half the
    /// pages, and of at least three pages.
    pub fn detect(pages: &[Page]) -> Self {
        let need = pages.len().div_ceil(2).max(3);
        let mut tops: BTreeMap<String, usize> = BTreeMap::new();
        let mut bottoms: BTreeMap<String, usize> = BTreeMap::new();
        for page in pages {
            let chars: Vec<char> = page.text.chars().collect();
            let all = lines(&page.text);
            let keys = |range: &[(usize, usize)]| -> BTreeSet<String> {
                range
                    .iter()
                    .map(|&l| line_key(&chars, l))
                    .filter(|k| !k.is_empty())
                    .collect()
            };
            for k in keys(&all[..all.len().min(EDGE_LINES)]) {
                *tops.entry(k).or_default() += 1;
            }
            for k in keys(&all[all.len().saturating_sub(EDGE_LINES)..]) {
                *bottoms.entry(k).or_default() += 1;
            }
        }
        let frequent = |m: BTreeMap<String, usize>| {
            m.into_iter()
                .filter(|(_, n)| *n >= need)
                .map(|(k, _)| k)
                .collect()
        };
        Running {
            header: frequent(tops),
            footer: frequent(bottoms),
        }
    }

    /// The `[start, end)` character range of a page's text that is compared:
    /// running lines at the top and bottom are cut off.
    pub fn body(&self, text: &str) -> (usize, usize) {
        let chars: Vec<char> = text.chars().collect();
        let all = lines(text);
        let running = |set: &BTreeSet<String>, l: (usize, usize)| {
            let key = line_key(&chars, l);
            key.is_empty() || set.contains(&key)
        };
        let mut first = 0;
        while first < all.len().min(EDGE_LINES) && running(&self.header, all[first]) {
            first += 1;
        }
        let mut last = all.len();
        while last > first && all.len() - last < EDGE_LINES && running(&self.footer, all[last - 1])
        {
            last -= 1;
        }
        if first >= last {
            return (chars.len(), chars.len());
        }
        (all[first].0, all[last - 1].1)
    }
}

/// Calls `out` with the compared form of `ch` (zero, one or more characters).
fn fold(ch: char, out: &mut impl FnMut(char)) {
    if ch.is_ascii() {
        if ch.is_ascii_alphanumeric() {
            out(ch.to_ascii_lowercase());
        }
        return;
    }
    // CJK Unified Ideographs: already in NFKC, the bulk of the text.
    if ('\u{4E00}'..='\u{9FFF}').contains(&ch) {
        out(ch);
        return;
    }
    decompose_compatible(ch, |c| {
        if c.is_alphanumeric() {
            for lower in c.to_lowercase() {
                out(lower);
            }
        }
    });
}

/// Letters and ideographs count towards a passage's length; digits do not
/// (tables of numbers line up by accident).
pub fn significant(c: char) -> bool {
    c.is_alphabetic()
}

impl NormDoc {
    pub fn new(pages: &[Page]) -> Self {
        let running = Running::detect(pages);
        let total: usize = pages.iter().map(|p| p.text.len()).sum();
        let mut chars = Vec::with_capacity(total / 3);
        let mut page_starts = Vec::with_capacity(pages.len());
        for page in pages {
            page_starts.push(chars.len() as u32);
            let (from, to) = running.body(&page.text);
            for ch in page.text.chars().skip(from).take(to - from) {
                fold(ch, &mut |c| chars.push(c));
            }
        }
        NormDoc {
            chars,
            page_starts,
            running,
        }
    }

    /// Index of the page holding compared character `pos`.
    pub fn page_of(&self, pos: u32) -> usize {
        self.page_starts
            .partition_point(|&start| start <= pos)
            .saturating_sub(1)
    }
}

/// The compared form of characters `[from, to)` of `text` and, for each
/// compared character, the index of the source character it came from.
pub fn with_origin(text: &str, (from, to): (usize, usize)) -> (Vec<char>, Vec<u32>) {
    let mut chars = Vec::with_capacity(text.len() / 3);
    let mut origin = Vec::with_capacity(text.len() / 3);
    for (i, ch) in text
        .chars()
        .enumerate()
        .skip(from)
        .take(to.saturating_sub(from))
    {
        fold(ch, &mut |c| {
            chars.push(c);
            origin.push(i as u32);
        });
    }
    (chars, origin)
}

/// The compared form of a short string (lexicon entries, settings).
pub fn compared(text: &str) -> Vec<char> {
    with_origin(text, (0, usize::MAX)).0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::pages_from_texts;

    #[test]
    fn drops_spaces_and_punctuation_and_folds_width_and_case() {
        let s: String = compared("“紧跟、慢压，\n高频、低副”ＡＢc１２ m²")
            .into_iter()
            .collect();
        assert_eq!(s, "紧跟慢压高频低副abc12m2");
    }

    #[test]
    fn origin_points_at_source_characters() {
        let (chars, origin) = with_origin("  沥青，Ａ1", (0, 99));
        assert_eq!(chars, vec!['沥', '青', 'a', '1']);
        assert_eq!(origin, vec![2, 3, 5, 6]);
    }

    #[test]
    fn running_headers_and_page_numbers_are_dropped() {
        let bodies = [
            "沥青面层施工",
            "雨水管道安装",
            "交通疏导方案",
            "路灯基础施工",
        ];
        let pages: Vec<Page> = (1..=4)
            .map(|n| Page {
                number: n,
                text: format!(
                    "解放大道改造工程\n投标文件　恒达公司\n{}，\n第 {n} 页\n",
                    bodies[n as usize - 1]
                ),
            })
            .collect();
        let doc = NormDoc::new(&pages);
        let text: String = doc.chars.iter().collect();
        assert_eq!(text, bodies.concat());
        assert_eq!(doc.running.body(&pages[0].text), (19, 26));
        // Two pages are too few to call anything running.
        let short = NormDoc::new(&pages[..2]);
        assert!(short.chars.len() > 20);
    }

    #[test]
    fn pages_are_located_by_compared_offset() {
        let doc = NormDoc::new(&pages_from_texts(["第一页。", "", "第三页"]));
        assert_eq!(doc.page_starts, vec![0, 3, 3]);
        assert_eq!(doc.page_of(0), 0);
        assert_eq!(doc.page_of(2), 0);
        assert_eq!(doc.page_of(3), 2);
        assert_eq!(doc.page_of(5), 2);
    }
}
