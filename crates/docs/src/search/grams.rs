//! Tokens for the 1- and 2-character index. Each character is written as its
//! code point in hex behind an `x` ("工期" -> `x5de5x671f`), so the `ascii`
//! tokenizer keeps every gram whole whatever the characters are (CJK,
//! punctuation, symbols), and the encoding is unambiguous.

use std::fmt::Write;

pub fn gram(chars: &[char]) -> String {
    let mut token = String::with_capacity(chars.len() * 6);
    for ch in chars {
        let _ = write!(token, "x{:x}", *ch as u32);
    }
    token
}

/// Every unigram and every bigram of `chars`, space separated.
pub fn gram_body(chars: &[char]) -> String {
    let mut body = String::with_capacity(chars.len() * 16);
    for (i, ch) in chars.iter().enumerate() {
        let _ = write!(body, "x{:x} ", *ch as u32);
        if let Some(next) = chars.get(i + 1) {
            let _ = write!(body, "x{:x}x{:x} ", *ch as u32, *next as u32);
        }
    }
    body
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grams_encode_code_points() {
        assert_eq!(gram(&['工', '期']), "x5de5x671f");
        assert_eq!(gram_body(&['a', '%']), "x61 x61x25 x25 ");
    }
}
