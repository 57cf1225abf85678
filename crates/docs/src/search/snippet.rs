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
pub fn snippet(text: &str, terms: &[Vec<char>]) -> (String, Vec<Range<usize>>) {
    scan(text, terms, text.len()).1
}

/// [`snippet`] of text stored as UTF-8 bytes, validating only as much of it
/// as the snippet reads (a page is a few kilobytes; its first match is
/// usually early).
pub fn snippet_of_utf8(
    bytes: &[u8],
    terms: &[Vec<char>],
) -> Result<(String, Vec<Range<usize>>), std::str::Utf8Error> {
    let mut length = 1024;
    loop {
        if length >= bytes.len() {
            return Ok(snippet(std::str::from_utf8(bytes)?, terms));
        }
        let prefix = match std::str::from_utf8(&bytes[..length]) {
            Ok(prefix) => prefix,
            // A character cut at the end: the prefix before it.
            Err(e) if e.error_len().is_none() => std::str::from_utf8(&bytes[..e.valid_up_to()])?,
            Err(e) => return Err(e),
        };
        let (stopped, result) = scan(prefix, terms, bytes.len());
        if stopped {
            return Ok(result);
        }
        length *= 4;
    }
}

/// The snippet of `text`, the start of a text of `whole` bytes, and whether
/// the scan stopped before the end of `text` (then the result is that of the
/// whole text).
fn scan(text: &str, terms: &[Vec<char>], whole: usize) -> (bool, (String, Vec<Range<usize>>)) {
    let terms: Vec<&[char]> = terms
        .iter()
        .filter(|t| !t.is_empty())
        .map(Vec::as_slice)
        .collect();
    let longest = terms.iter().map(|t| t.len()).max().unwrap_or(0);
    let mut chars: Vec<char> = Vec::with_capacity(256);
    let mut origin: Vec<usize> = Vec::with_capacity(256);
    let mut matches: Vec<Range<usize>> = Vec::new();
    // (squeezed length, byte offset) the scan must reach before it stops.
    let mut stop: Option<(usize, usize)> = None;
    let mut stopped = false;
    for (offset, ch) in text.char_indices() {
        if stop.is_some_and(|(len, byte)| chars.len() >= len && offset >= byte) {
            stopped = true;
            break;
        }
        let before = chars.len();
        push_search_form(ch, offset, &mut chars, &mut origin);
        let mut found = false;
        for n in before + 1..=chars.len() {
            for term in &terms {
                let Some(start) = n.checked_sub(term.len()) else {
                    continue;
                };
                // The last character sieves; the rest is compared rarely.
                if chars[n - 1] == term[term.len() - 1] && chars[start..n] == **term {
                    let last = origin[n - 1];
                    let end = last + text[last..].chars().next().map_or(1, char::len_utf8);
                    matches.push(origin[start]..end);
                    found = true;
                }
            }
        }
        if found {
            let first = first_merged(&matches);
            let first_len = origin.partition_point(|&o| o < first.end);
            stop = Some((first_len + longest, forward_chars(text, first.end, AFTER)));
        }
    }
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
    (stopped, (format!("{prefix}{body}{suffix}"), highlights))
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
        ];
        let term_sets: [&[&str]; 9] = [
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
