//! Snippets with highlight ranges, computed on the stored page text so that
//! matches across line breaks are highlighted where the expert sees them.

use crate::normalize::search_form;
use std::ops::Range;

/// Characters of context before and after the first match.
const BEFORE: usize = 30;
const AFTER: usize = 70;
const ELLIPSIS: &str = "…";

/// A snippet of `text` around the first occurrence of any of `terms` (in
/// search form), and the byte ranges in the snippet to highlight.
pub fn snippet(text: &str, terms: &[Vec<char>]) -> (String, Vec<Range<usize>>) {
    let (chars, origin) = search_form(text);
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
    // Newlines become spaces: same byte length, so offsets stay valid.
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

    #[test]
    fn long_text_gets_ellipses_and_shifted_ranges() {
        let text = format!("{}废标条款{}", "甲".repeat(100), "乙".repeat(100));
        let (snip, ranges) = snippet(&text, &terms(&["废标"]));
        assert!(snip.starts_with(ELLIPSIS) && snip.ends_with(ELLIPSIS));
        assert_eq!(&snip[ranges[0].clone()], "废标");
    }
}
