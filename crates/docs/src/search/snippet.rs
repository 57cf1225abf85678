//! Snippets with highlight ranges, computed on the stored page text so that
//! matches across line breaks are highlighted where the expert sees them.

use crate::normalize::push_search_form;
use std::ops::Range;

/// Characters of context before and after the first match.
const BEFORE: usize = 30;
const AFTER: usize = 70;
const ELLIPSIS: &str = "…";

/// A snippet of `text` around the first occurrence of any of `terms` (in
/// search form), and the byte ranges in the snippet to highlight.
///
/// The text is read only as far as the snippet needs: once the first match
/// can no longer grow or be preceded (`longest` characters past it) and the
/// scan has passed the snippet's end, no later match can change the result.
#[cfg(test)]
pub fn snippet(text: &str, terms: &[Vec<char>]) -> (String, Vec<Range<usize>>) {
    let mut scanner = Scanner::new(terms);
    scanner.run(text);
    scanner.result(text, text.len())
}

/// [`snippet`] of text stored as UTF-8 bytes, checking (as UTF-8) and
/// reading only as much of it as the snippet needs (a page is a few
/// kilobytes; its first match is usually early).
pub fn snippet_of_utf8(
    bytes: &[u8],
    terms: &[Vec<char>],
) -> Result<(String, Vec<Range<usize>>), std::str::Utf8Error> {
    let mut scanner = Scanner::new(terms);
    // 512 bytes, then 4 times more; the scan goes on where it stopped. Each
    // longer prefix is checked again from the start, which costs at most a
    // third more than checking the last one once.
    let mut length = 512;
    loop {
        let end = length.min(bytes.len());
        let text = match std::str::from_utf8(&bytes[..end]) {
            Ok(text) => text,
            // A character cut at the end: the text before it.
            Err(e) if e.error_len().is_none() && end < bytes.len() => {
                std::str::from_utf8(&bytes[..e.valid_up_to()])?
            }
            Err(e) => return Err(e),
        };
        if scanner.run(text) || end == bytes.len() {
            return Ok(scanner.result(text, bytes.len()));
        }
        length *= 4;
    }
}

/// Finds matches in a text read from its start, stopping once the snippet
/// is settled: the first match can no longer grow or be preceded (`longest`
/// characters past it) and the scan has passed the snippet's end.
struct Scanner<'t> {
    terms: Vec<&'t [char]>,
    longest: usize,
    /// The text read so far in search form, and each character's offset.
    chars: Vec<char>,
    origin: Vec<usize>,
    matches: Vec<Range<usize>>,
    /// The first merged match.
    first: Option<Range<usize>>,
    /// Bytes of the text read so far.
    read: usize,
}

impl<'t> Scanner<'t> {
    fn new(terms: &'t [Vec<char>]) -> Self {
        let terms: Vec<&[char]> = terms
            .iter()
            .filter(|t| !t.is_empty())
            .map(Vec::as_slice)
            .collect();
        Scanner {
            longest: terms.iter().map(|t| t.len()).max().unwrap_or(0),
            terms,
            chars: Vec::with_capacity(256),
            origin: Vec::with_capacity(256),
            matches: Vec::new(),
            first: None,
            read: 0,
        }
    }

    /// Where the scan may stop, for `text` (the text so far): (characters in
    /// search form, byte offset).
    fn stop(&self, text: &str) -> Option<(usize, usize)> {
        let first = self.first.as_ref()?;
        let first_len = self.origin.partition_point(|&o| o < first.end);
        Some((
            first_len + self.longest,
            forward_chars(text, first.end, AFTER),
        ))
    }

    /// Reads `text` (the text so far, longer than at the last call) on from
    /// where the last call stopped; true once the snippet is settled.
    fn run(&mut self, text: &str) -> bool {
        let mut stop = self.stop(text);
        for (offset, ch) in text[self.read..].char_indices() {
            let offset = offset + self.read;
            if stop.is_some_and(|(len, byte)| self.chars.len() >= len && offset >= byte) {
                return true;
            }
            let before = self.chars.len();
            push_search_form(ch, offset, &mut self.chars, &mut self.origin);
            let mut first_changed = false;
            for n in before + 1..=self.chars.len() {
                for term in &self.terms {
                    let Some(start) = n.checked_sub(term.len()) else {
                        continue;
                    };
                    // The last character sieves; the rest is compared rarely.
                    if self.chars[n - 1] == term[term.len() - 1] && self.chars[start..n] == **term {
                        let last = self.origin[n - 1];
                        let end = last + text[last..].chars().next().map_or(1, char::len_utf8);
                        let found = self.origin[start]..end;
                        // Matches come in the order they end: one that starts
                        // after the first merged range ends cannot change it.
                        first_changed |= self.first.as_ref().is_none_or(|f| found.start <= f.end);
                        self.matches.push(found);
                    }
                }
            }
            if first_changed {
                self.first = Some(first_merged(&self.matches));
                stop = self.stop(text);
            }
        }
        self.read = text.len();
        false
    }

    /// The snippet of `text` (the text read), the start of a text of `whole`
    /// bytes: that of the whole text once settled or read to its end.
    fn result(self, text: &str, whole: usize) -> (String, Vec<Range<usize>>) {
        let mut matches = self.matches;
        matches.sort_by_key(|r| (r.start, r.end));
        let merged = merge(matches);
        let anchor = merged.first().map_or(0..0, Clone::clone);
        let start = back_chars(text, anchor.start, BEFORE);
        let end = forward_chars(text, anchor.end, AFTER);
        let prefix = if start > 0 { ELLIPSIS } else { "" };
        let suffix = if end < whole { ELLIPSIS } else { "" };
        // Newlines become spaces: same byte length, so offsets stay valid.
        let body = text[start..end].replace(['\n', '\r'], " ");
        let highlights = merged
            .into_iter()
            .filter(|r| r.start >= start && r.end <= end)
            .map(|r| r.start - start + prefix.len()..r.end - start + prefix.len())
            .collect();
        (format!("{prefix}{body}{suffix}"), highlights)
    }
}

/// The first range once `matches` are sorted and merged.
fn first_merged(matches: &[Range<usize>]) -> Range<usize> {
    let mut sorted: Vec<Range<usize>> = matches.to_vec();
    sorted.sort_by_key(|r| (r.start, r.end));
    merge(sorted).swap_remove(0)
}

fn merge(sorted: Vec<Range<usize>>) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = Vec::new();
    for r in sorted {
        match out.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => out.push(r),
        }
    }
    out
}

fn back_chars(text: &str, from: usize, count: usize) -> usize {
    text[..from]
        .char_indices()
        .rev()
        .nth(count.saturating_sub(1))
        .map_or(0, |(i, _)| i)
}

fn forward_chars(text: &str, from: usize, count: usize) -> usize {
    text[from..]
        .char_indices()
        .nth(count)
        .map_or(text.len(), |(i, _)| from + i)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(list: &[&str]) -> Vec<Vec<char>> {
        list.iter().map(|t| t.chars().collect()).collect()
    }

    #[test]
    fn highlights_across_a_line_break() {
        let text = "计划工\n期为360日历天，工期不得延长。";
        let (snip, ranges) = snippet(text, &terms(&["工期"]));
        assert_eq!(ranges.len(), 2);
        assert_eq!(&snip[ranges[0].clone()], "工 期");
        assert_eq!(&snip[ranges[1].clone()], "工期");
    }

    /// The snippet as first written: the whole page in search form, every
    /// match. The lazy scan must give the same result.
    fn whole_page(text: &str, terms: &[Vec<char>]) -> (String, Vec<Range<usize>>) {
        let (chars, origin) = crate::normalize::search_form(text);
        let mut matches: Vec<Range<usize>> = Vec::new();
        for term in terms.iter().filter(|t| !t.is_empty()) {
            let mut i = 0;
            while i + term.len() <= chars.len() {
                if chars[i..i + term.len()] == term[..] {
                    let last = origin[i + term.len() - 1];
                    let end = last + text[last..].chars().next().map_or(1, char::len_utf8);
                    matches.push(origin[i]..end);
                }
                i += 1;
            }
        }
        matches.sort_by_key(|r| (r.start, r.end));
        let merged = merge(matches);
        let anchor = merged.first().map_or(0..0, Clone::clone);
        let start = back_chars(text, anchor.start, BEFORE);
        let end = forward_chars(text, anchor.end, AFTER);
        let prefix = if start > 0 { ELLIPSIS } else { "" };
        let suffix = if end < text.len() { ELLIPSIS } else { "" };
        let body: String = text[start..end]
            .chars()
            .map(|c| if c == '\n' || c == '\r' { ' ' } else { c })
            .collect();
        let highlights = merged
            .into_iter()
            .filter(|r| r.start >= start && r.end <= end)
            .map(|r| r.start - start + prefix.len()..r.end - start + prefix.len())
            .collect();
        (format!("{prefix}{body}{suffix}"), highlights)
    }

    #[test]
    fn the_lazy_scan_equals_the_whole_page() {
        let pad = |n: usize| "甲乙 丙\n".repeat(n);
        let texts = [
            String::new(),
            "工期".to_string(),
            format!("{}工\n期{}工期{}", pad(3), pad(10), pad(40)),
            format!("{}abcd{}bc{}", pad(20), pad(2), pad(30)),
            // A match merging with the next, chains of overlaps, a late one.
            format!("{}工期工期期工期工{}工期", pad(30), pad(5)),
            format!("{}{}", "井".repeat(200), pad(3)),
            format!("{}ＳＭＡ－１３ sma-13{}", pad(15), pad(15)),
            format!("{}投标人须知前附表{}投标人{}", pad(1), pad(25), pad(1)),
            format!("{}{}x", pad(60), "长".repeat(90)),
            format!("{}abc\ndefghij{}ab", pad(20), pad(20)),
            // A match across the first 512 bytes' end, and one near the end
            // of a long page (read in several runs).
            format!("{}工期{}", "a".repeat(510), pad(50)),
            format!("{}工\n期{}", "乙".repeat(1000), pad(2)),
        ];
        let term_sets: [&[&str]; 10] = [
            // ef is found between ab and bcdefgh, which then joins all three.
            &["ab", "ef", "bcdefgh"],
            &["工期"],
            &["期工", "工期"],
            &["bc", "abcd"],
            &["井"],
            &["井井井"],
            &["sma-13", "13"],
            &["投标人", "须知", "前附表投"],
            &["长".repeat(80).leak(), "x"],
            &["无此词"],
        ];
        for text in &texts {
            for set in term_sets {
                let terms: Vec<Vec<char>> = set
                    .iter()
                    .map(|t| crate::normalize::search_form(&crate::normalize::nfkc(t)).0)
                    .collect();
                let text = crate::normalize::nfkc(text);
                assert_eq!(
                    snippet(&text, &terms),
                    whole_page(&text, &terms),
                    "{set:?} in {text:?}"
                );
            }
        }
    }

    #[test]
    fn invalid_utf8_is_an_error_where_it_is_read() {
        let terms = vec!["工期".chars().collect::<Vec<char>>()];
        let mut bytes = "工期".repeat(10).into_bytes();
        bytes.push(0xff);
        assert!(snippet_of_utf8(&bytes, &terms).is_err());
        let mut late = "工期".repeat(10).into_bytes();
        late.extend("甲".repeat(2000).into_bytes());
        late.push(0xff);
        // Read no further than the snippet needs: the damage is not seen.
        let (snip, _) = snippet_of_utf8(&late, &terms).unwrap();
        assert!(snip.starts_with("工期") && snip.ends_with(ELLIPSIS));
    }

    #[test]
    fn long_text_gets_ellipses_and_shifted_ranges() {
        let text = format!("{}废标条款{}", "甲".repeat(100), "乙".repeat(100));
        let (snip, ranges) = snippet(&text, &terms(&["废标"]));
        assert!(snip.starts_with(ELLIPSIS) && snip.ends_with(ELLIPSIS));
        assert_eq!(&snip[ranges[0].clone()], "废标");
    }
}
