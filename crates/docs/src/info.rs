//! Document information (metadata) and outline (书签), read with lopdf 0.47.

use crate::model::{Metadata, OutlineEntry};
use crate::normalize::nfkc;
use crate::pdf_date;
use lopdf::{Dictionary, Document, Object};

/// Reads the Info dictionary. Missing or malformed entries are `None`.
pub fn metadata(doc: &Document, page_count: u32) -> Metadata {
    let info = info_dictionary(doc);
    let text = |key: &[u8]| -> Option<String> {
        let info = info?;
        let object = info.get(key).ok()?;
        let (_, object) = doc.dereference(object).ok()?;
        match object {
            Object::String(bytes, _) => {
                let value = decode_text_string(bytes);
                let value = value.trim_matches(char::from(0)).trim();
                (!value.is_empty()).then(|| value.to_string())
            }
            Object::Name(bytes) => Some(String::from_utf8_lossy(bytes).into_owned()),
            _ => None,
        }
    };
    Metadata {
        title: text(b"Title"),
        author: text(b"Author"),
        subject: text(b"Subject"),
        keywords: text(b"Keywords"),
        creator: text(b"Creator"),
        producer: text(b"Producer"),
        creation_date: text(b"CreationDate").map(|raw| pdf_date::parse(&raw)),
        modification_date: text(b"ModDate").map(|raw| pdf_date::parse(&raw)),
        page_count,
        pdf_version: doc.version.clone(),
    }
}

fn info_dictionary(doc: &Document) -> Option<&Dictionary> {
    let object = doc.trailer.get(b"Info").ok()?;
    let (_, object) = doc.dereference(object).ok()?;
    object.as_dict().ok()
}

/// Decodes a PDF text string. The standard says UTF-16BE with a byte order
/// mark or PDFDocEncoding; in practice Chinese producers also write UTF-8 and
/// GBK without any marker, so those are tried before falling back.
pub fn decode_text_string(bytes: &[u8]) -> String {
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        return utf16(rest, u16::from_be_bytes);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        return utf16(rest, u16::from_le_bytes);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return String::from_utf8_lossy(rest).into_owned();
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return text.to_string();
    }
    let (text, _, had_errors) = encoding_rs::GBK.decode(bytes);
    if !had_errors {
        return text.into_owned();
    }
    // PDFDocEncoding agrees with Latin-1 on printable characters.
    bytes.iter().map(|&b| char::from(b)).collect()
}

fn utf16(bytes: &[u8], decode: fn([u8; 2]) -> u16) -> String {
    let units: Vec<u16> = bytes
        .chunks_exact(2)
        .map(|c| decode([c[0], c[1]]))
        .collect();
    String::from_utf16_lossy(&units)
}

/// The outline as a flat list in document order. Entries whose destination
/// does not resolve to a page are dropped by lopdf; a broken outline yields
/// an empty list and a warning.
pub fn outline(doc: &Document) -> Result<Vec<OutlineEntry>, String> {
    let has_outline = doc.catalog().map(|c| c.has(b"Outlines")).unwrap_or(false);
    if !has_outline {
        return Ok(Vec::new());
    }
    match doc.get_toc() {
        Ok(toc) => Ok(toc
            .toc
            .into_iter()
            .map(|entry| OutlineEntry {
                title: nfkc(entry.title.trim_matches(char::from(0)).trim()),
                level: entry.level as u32,
                page: u32::try_from(entry.page).ok(),
            })
            .collect()),
        Err(lopdf::Error::NoOutline) => Ok(Vec::new()),
        Err(e) => Err(format!("outline unreadable: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::decode_text_string;

    #[test]
    fn decodes_the_encodings_producers_use() {
        assert_eq!(decode_text_string(b"\xFE\xFF\x5F\x20\x4E\x09"), "张三");
        assert_eq!(decode_text_string("张三".as_bytes()), "张三");
        // GBK for 张三
        assert_eq!(decode_text_string(b"\xD5\xC5\xC8\xFD"), "张三");
        assert_eq!(decode_text_string(b"Word"), "Word");
    }
}
