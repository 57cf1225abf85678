//! Text normalisation shared by extraction and search.

use unicode_normalization::UnicodeNormalization;

/// NFKC: full-width letters, digits and punctuation become their ASCII forms,
/// compatibility ideographs become unified ones, so that what is indexed and
/// what is typed compare equal.
pub fn nfkc(text: &str) -> String {
    text.nfkc().collect()
}

/// The form search works on: NFKC, lower case, and no whitespace at all.
///
/// PDF text breaks lines in the middle of Chinese words (工 / 期), so a term
/// must match across line breaks; removing all whitespace does that. Returns
/// the squeezed characters and, for each, the byte offset of the character
/// in `text` it came from (used to map matches back for snippets).
pub fn search_form(text: &str) -> (Vec<char>, Vec<usize>) {
    let mut chars = Vec::with_capacity(text.len() / 2);
    let mut origin = Vec::with_capacity(text.len() / 2);
    for (offset, ch) in text.char_indices() {
        push_search_form(ch, offset, &mut chars, &mut origin);
    }
    (chars, origin)
}

/// One character of [`search_form`]: none for whitespace, else its lower
/// case (usually one character), each with `offset` as its origin.
#[inline]
pub fn push_search_form(ch: char, offset: usize, chars: &mut Vec<char>, origin: &mut Vec<usize>) {
    if ch.is_whitespace() {
        return;
    }
    if ch.is_ascii() {
        chars.push(ch.to_ascii_lowercase());
        origin.push(offset);
    } else if uncased(ch) {
        chars.push(ch);
        origin.push(offset);
    } else {
        for lower in ch.to_lowercase() {
            chars.push(lower);
            origin.push(offset);
        }
    }
}

/// Blocks with no case (CJK radicals and punctuation, kana, ideographs,
/// Hangul syllables, compatibility ideographs): the common case, without
/// the case-mapping table lookup.
fn uncased(ch: char) -> bool {
    matches!(ch, '\u{2E80}'..='\u{9FFF}' | '\u{AC00}'..='\u{D7A3}' | '\u{F900}'..='\u{FAFF}')
}

/// `search_form` of already-normalised text, as a string.
pub fn squeeze(text: &str) -> String {
    search_form(text).0.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nfkc_maps_fullwidth_forms() {
        assert_eq!(nfkc("（１２３）ＡＢ，。"), "(123)AB,。");
    }

    #[test]
    fn uncased_blocks_have_no_lower_case() {
        for ch in ('\u{2E80}'..='\u{FAFF}').filter(|&c| uncased(c)) {
            assert_eq!(
                ch.to_lowercase().collect::<String>(),
                ch.to_string(),
                "{ch:?}"
            );
        }
        let text = "ＡÉΣİ工\u{3000}期 SMA-13 한글 Ⅻ";
        let slow: String = text
            .chars()
            .filter(|c| !c.is_whitespace())
            .flat_map(char::to_lowercase)
            .collect();
        assert_eq!(search_form(text).0.into_iter().collect::<String>(), slow);
    }

    #[test]
    fn search_form_drops_whitespace_and_lowercases() {
        let (chars, origin) = search_form("工\n期 SMA");
        assert_eq!(chars.iter().collect::<String>(), "工期sma");
        assert_eq!(origin, vec![0, 4, 8, 9, 10]);
    }
}
