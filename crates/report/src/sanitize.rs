//! Input text clean-up before layout. Text comes from experts' free-form
//! reasons and from bid documents, so it may hold control and invisible
//! format characters that have no glyph and no visible meaning.

/// Normalises line ends to `\n` (kept only when `keep_newlines`, otherwise
/// turned into a space), tabs to a space, and drops other control characters
/// and invisible format characters (zero-width spaces and joiners, BOM,
/// bidi controls, variation selectors, soft hyphens).
pub fn clean_text(input: &str, keep_newlines: bool) -> String {
    let mut out = String::with_capacity(input.len());
    let mut chars = input.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push(if keep_newlines { '\n' } else { ' ' });
            }
            '\n' | '\u{2028}' | '\u{2029}' | '\u{85}' => {
                out.push(if keep_newlines { '\n' } else { ' ' })
            }
            '\t' => out.push(' '),
            c if is_dropped(c) => {}
            c => out.push(c),
        }
    }
    out
}

fn is_dropped(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{AD}'
                | '\u{200B}'..='\u{200F}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2060}'..='\u{2064}'
                | '\u{2066}'..='\u{2069}'
                | '\u{FEFF}'
                | '\u{FE00}'..='\u{FE0F}'
                | '\u{E0100}'..='\u{E01EF}'
                | '\u{FFF9}'..='\u{FFFB}'
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_ends_tabs_and_controls() {
        assert_eq!(clean_text("a\r\nb\rc\nd", true), "a\nb\nc\nd");
        assert_eq!(clean_text("a\r\nb\rc\nd", false), "a b c d");
        assert_eq!(clean_text("价\t格", true), "价 格");
        assert_eq!(
            clean_text("\u{0}投\u{7}标\u{1b}[0m人\u{7f}", true),
            "投标[0m人"
        );
        assert_eq!(
            clean_text("评\u{200B}标\u{FEFF}报\u{202E}告", true),
            "评标报告"
        );
    }

    #[test]
    fn ordinary_text_is_untouched() {
        let s = "报价：27,365,000.00 元（B01）；K=0.5%";
        assert_eq!(clean_text(s, true), s);
    }
}
