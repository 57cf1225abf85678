//! From compared-character positions back to pages, offsets and printed text.

use super::normalize::{with_origin, NormDoc};
use crate::evidence::TextPos;
use crate::input::Page;

/// A located span.
pub struct Located {
    pub start: TextPos,
    pub end: TextPos,
    /// The printed text of the span, pages joined by a line break.
    pub text: String,
    /// The printed line(s) around the span.
    pub context: String,
}

/// Source-character offset of compared character `pos` within its page,
/// plus the page's characters.
fn source_offset(doc: &NormDoc, pages: &[Page], pos: u32) -> (usize, Vec<char>, u32) {
    let index = doc.page_of(pos);
    let Some(page) = pages.get(index) else {
        return (index, Vec::new(), 0);
    };
    let (_, origin) = with_origin(&page.text, doc.running.body(&page.text));
    let local = pos.saturating_sub(doc.page_starts.get(index).copied().unwrap_or(0));
    let offset = origin.get(local as usize).copied().unwrap_or(0);
    (index, page.text.chars().collect(), offset)
}

fn page_number(pages: &[Page], index: usize) -> u32 {
    pages.get(index).map(|p| p.number).unwrap_or(0)
}

/// Up to `reach` characters around `[start, end)`, cut at line breaks.
pub fn line_around(chars: &[char], start: usize, end: usize, reach: usize) -> String {
    let from = chars[..start.min(chars.len())]
        .iter()
        .rposition(|&c| c == '\n')
        .map(|i| i + 1)
        .unwrap_or(0)
        .max(start.saturating_sub(reach));
    let end = end.min(chars.len());
    let to = chars[end..]
        .iter()
        .position(|&c| c == '\n')
        .map(|i| end + i)
        .unwrap_or(chars.len())
        .min(end + reach);
    chars[from.min(to)..to].iter().collect()
}

/// Locates compared characters `[start, end)` (`end > start`) of `doc`,
/// built from `pages`.
pub fn locate(doc: &NormDoc, pages: &[Page], start: u32, end: u32) -> Located {
    let (first, first_chars, from) = source_offset(doc, pages, start);
    let (last, last_chars, to) = source_offset(doc, pages, end.saturating_sub(1).max(start));
    // On one page the end never precedes the start.
    let to = if first == last {
        (to + 1).max(from)
    } else {
        to + 1
    };
    let (from, to) = (from as usize, to as usize);
    let text = if first == last {
        first_chars[from.min(first_chars.len())..to.min(first_chars.len())]
            .iter()
            .collect()
    } else {
        let mut parts: Vec<String> =
            vec![first_chars[from.min(first_chars.len())..].iter().collect()];
        for page in pages.iter().take(last).skip(first + 1) {
            parts.push(page.text.clone());
        }
        parts.push(last_chars[..to.min(last_chars.len())].iter().collect());
        parts.join("\n")
    };
    let context = if first == last {
        line_around(&first_chars, from, to, 40)
    } else {
        text.clone()
    };
    Located {
        start: TextPos {
            page: page_number(pages, first),
            offset: from as u32,
        },
        end: TextPos {
            page: page_number(pages, last),
            offset: to as u32,
        },
        text,
        context,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::pages_from_texts;

    #[test]
    fn spans_map_back_to_page_offsets_and_printed_text() {
        let pages = pages_from_texts([
            "标题\n正文：紧跟、慢压、高频、低副的原则。",
            "第二页：续前文。",
        ]);
        let doc = NormDoc::new(&pages);
        // compared: 标题正文紧跟慢压高频低副的原则 | 第二页续前文
        let located = locate(&doc, &pages, 4, 12);
        assert_eq!(located.text, "紧跟、慢压、高频、低副");
        assert_eq!(located.start, TextPos { page: 1, offset: 6 });
        assert_eq!(
            located.end,
            TextPos {
                page: 1,
                offset: 17
            }
        );
        assert_eq!(located.context, "正文：紧跟、慢压、高频、低副的原则。");

        let across = locate(&doc, &pages, 13, 17);
        assert_eq!(
            across.start,
            TextPos {
                page: 1,
                offset: 18
            }
        );
        assert_eq!(across.end, TextPos { page: 2, offset: 2 });
        assert_eq!(across.text, "原则。\n第二");
    }
}
