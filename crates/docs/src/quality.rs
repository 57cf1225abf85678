//! Is a page's text usable, or does the page need OCR?
//!
//! Scanned pages have no text; fonts without a ToUnicode map yield private-use
//! or control characters, or mostly punctuation. Such pages are kept but
//! marked `needs_ocr`, so the expert knows search cannot see them.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quality {
    Usable,
    /// Nothing, or too little to be a real text layer.
    NoText,
    /// Characters that are not text (encoding garbage).
    Garbage,
}

/// Fewer meaningful characters than this is treated as no text layer: a page
/// with only a page number or a header is a scan in practice.
const MIN_MEANINGFUL: usize = 12;

pub fn assess(text: &str) -> Quality {
    let mut meaningful = 0usize;
    let mut suspicious = 0usize;
    let mut total = 0usize;
    for ch in text.chars().filter(|c| !c.is_whitespace()) {
        total += 1;
        if is_suspicious(ch) {
            suspicious += 1;
        } else if ch.is_alphanumeric() {
            meaningful += 1;
        }
    }
    if total == 0 {
        return Quality::NoText;
    }
    if suspicious * 10 > total * 3 {
        return Quality::Garbage;
    }
    if meaningful < MIN_MEANINGFUL {
        return Quality::NoText;
    }
    Quality::Usable
}

/// Letters and digits that are not encoding garbage: how much a reading says.
pub fn meaningful(text: &str) -> usize {
    text.chars()
        .filter(|&c| c.is_alphanumeric() && !is_suspicious(c))
        .count()
}

fn is_suspicious(ch: char) -> bool {
    let cp = ch as u32;
    ch == '\u{FFFD}'
        || (ch.is_control())
        || (0xE000..=0xF8FF).contains(&cp)
        || (0xF0000..=0x10FFFF).contains(&cp)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_pages() {
        assert_eq!(
            assess("第一章 投标函 致：武汉市江岸区城市建设投资有限公司"),
            Quality::Usable
        );
        assert_eq!(assess("  \n "), Quality::NoText);
        assert_eq!(assess("第 3 页"), Quality::NoText);
        assert_eq!(
            assess("\u{E001}\u{E002}\u{E003}\u{E004}abc"),
            Quality::Garbage
        );
        assert_eq!(
            assess("\u{1}\u{2}\u{3}\u{FFFD}\u{FFFD}一二三四五六七八九十"),
            Quality::Garbage
        );
    }
}
