//! Single-byte encodings of simple fonts and glyph names. The tables and the
//! Adobe Glyph List come from lopdf 0.47 (through its public font-encoding
//! API, read once); `uniXXXX`, `uXXXX`, suffixed (`a.sc`) and ligature
//! (`f_i`) names are resolved here.

use lopdf::{Dictionary, Document, Object};
use std::collections::HashMap;
use std::sync::OnceLock;

/// The base encodings a font dictionary may name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Base {
    Standard,
    WinAnsi,
    MacRoman,
    MacExpert,
    PdfDoc,
}

impl Base {
    pub fn from_name(name: &[u8]) -> Option<Base> {
        Some(match name {
            b"StandardEncoding" => Base::Standard,
            b"WinAnsiEncoding" => Base::WinAnsi,
            b"MacRomanEncoding" => Base::MacRoman,
            b"MacExpertEncoding" => Base::MacExpert,
            b"PDFDocEncoding" => Base::PdfDoc,
            _ => return None,
        })
    }

    fn name(self) -> &'static [u8] {
        match self {
            Base::Standard => b"StandardEncoding",
            Base::WinAnsi => b"WinAnsiEncoding",
            Base::MacRoman => b"MacRomanEncoding",
            Base::MacExpert => b"MacExpertEncoding",
            Base::PdfDoc => b"PDFDocEncoding",
        }
    }
}

pub type Table = [Option<char>; 256];

/// The 256 characters of a base encoding (`None` where it has no glyph).
pub fn table(base: Base) -> &'static Table {
    static TABLES: OnceLock<HashMap<Base, Table>> = OnceLock::new();
    let tables = TABLES.get_or_init(|| {
        let doc = Document::new();
        [
            Base::Standard,
            Base::WinAnsi,
            Base::MacRoman,
            Base::MacExpert,
            Base::PdfDoc,
        ]
        .into_iter()
        .map(|base| {
            let mut font = Dictionary::new();
            font.set("Type", Object::Name(b"Font".to_vec()));
            font.set("Encoding", Object::Name(base.name().to_vec()));
            let mut table = [None; 256];
            if let Ok(encoding) = font.get_font_encoding(&doc) {
                for (code, slot) in table.iter_mut().enumerate() {
                    *slot = encoding
                        .bytes_to_string(&[code as u8])
                        .ok()
                        .and_then(|s| single_char(&s));
                }
            }
            (base, table)
        })
        .collect()
    });
    &tables[&base]
}

fn single_char(s: &str) -> Option<char> {
    let mut chars = s.chars();
    let c = chars.next()?;
    chars.next().is_none().then_some(c)
}

/// The text of a glyph name, e.g. `/Aacute` → "Á", `/uni4E2D` → "中",
/// `/f_i` → "fi", `/one.oldstyle` → "1". `None` for names that say nothing
/// (`/g123`, `/cid456`).
pub fn glyph_text(name: &[u8]) -> Option<String> {
    // A suffix after the first period is a variant: drop it.
    let name = name.split(|&b| b == b'.').next().unwrap_or(name);
    if name.is_empty() {
        return None;
    }
    if name.contains(&b'_') {
        let parts: Option<Vec<String>> = name.split(|&b| b == b'_').map(glyph_text).collect();
        return parts.map(|p| p.concat());
    }
    if let Some(hex) = name.strip_prefix(b"uni") {
        if !hex.is_empty() && hex.len() % 4 == 0 {
            let units: Option<Vec<u16>> = hex
                .chunks(4)
                .map(|c| u16::from_str_radix(std::str::from_utf8(c).ok()?, 16).ok())
                .collect();
            if let Some(units) = units {
                let text: String = char::decode_utf16(units).filter_map(Result::ok).collect();
                if !text.is_empty() {
                    return Some(text);
                }
            }
        }
    }
    if let Some(hex) = name.strip_prefix(b"u") {
        if (4..=6).contains(&hex.len()) {
            if let Some(c) = std::str::from_utf8(hex)
                .ok()
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .and_then(char::from_u32)
            {
                return Some(c.to_string());
            }
        }
    }
    agl(name).map(String::from)
}

/// A name of the Adobe Glyph List, through lopdf (a `Differences` entry at
/// code 0, which no base encoding maps, so an unknown name reads as nothing).
fn agl(name: &[u8]) -> Option<char> {
    static DOC: OnceLock<Document> = OnceLock::new();
    let doc = DOC.get_or_init(Document::new);
    let mut encoding = Dictionary::new();
    encoding.set("Type", Object::Name(b"Encoding".to_vec()));
    encoding.set(
        "Differences",
        Object::Array(vec![Object::Integer(0), Object::Name(name.to_vec())]),
    );
    let mut font = Dictionary::new();
    font.set("Type", Object::Name(b"Font".to_vec()));
    font.set("Encoding", Object::Dictionary(encoding));
    let text = font
        .get_font_encoding(doc)
        .ok()?
        .bytes_to_string(&[0])
        .ok()?;
    single_char(&text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_tables() {
        let cases: &[(Base, u8, Option<char>)] = &[
            (Base::WinAnsi, b'A', Some('A')),
            (Base::WinAnsi, 0x80, Some('€')),
            (Base::WinAnsi, 0xE9, Some('é')),
            (Base::Standard, 0x27, Some('’')),
            (Base::Standard, 0xE9, Some('Ø')),
            (Base::MacRoman, 0x8E, Some('é')),
            (Base::Standard, 0, None),
        ];
        for &(base, code, want) in cases {
            assert_eq!(table(base)[code as usize], want, "{base:?} {code:#x}");
        }
    }

    #[test]
    fn glyph_names() {
        let cases: &[(&str, Option<&str>)] = &[
            ("Aacute", Some("Á")),
            ("space", Some(" ")),
            ("uni4E2D", Some("中")),
            ("uni00660069", Some("fi")),
            ("u1F600", Some("😀")),
            ("f_i", Some("fi")),
            ("one.oldstyle", Some("1")),
            ("g123", None),
            ("cid456", None),
            ("", None),
        ];
        for &(name, want) in cases {
            assert_eq!(glyph_text(name.as_bytes()).as_deref(), want, "{name}");
        }
    }
}
