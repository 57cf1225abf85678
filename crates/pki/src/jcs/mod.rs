//! JSON Canonicalization Scheme (RFC 8785).
//!
//! Input is parsed strictly as I-JSON (RFC 7493): no duplicate member names,
//! no lone surrogates, numbers within IEEE 754 double range. Output sorts
//! members by UTF-16 code units, writes numbers as ECMAScript does and
//! escapes strings minimally.

mod number;
mod parse;

pub use number::format_number;

use crate::error::{PkiError, Result};
use parse::Json;

/// Canonicalises JSON text.
pub fn canonicalize(json: &[u8]) -> Result<Vec<u8>> {
    let value = parse::parse(json)?;
    let mut out = Vec::with_capacity(json.len());
    write(&value, &mut out)?;
    Ok(out)
}

/// Canonicalises any serialisable value (via its JSON form).
pub fn to_canonical<T: serde::Serialize + ?Sized>(value: &T) -> Result<Vec<u8>> {
    let text = serde_json::to_vec(value).map_err(|e| PkiError::InvalidJson {
        detail: e.to_string(),
    })?;
    canonicalize(&text)
}

/// True when `json` is already in canonical form.
pub fn is_canonical(json: &[u8]) -> bool {
    canonicalize(json).map(|c| c == json).unwrap_or(false)
}

fn write(value: &Json, out: &mut Vec<u8>) -> Result<()> {
    match value {
        Json::Null => out.extend_from_slice(b"null"),
        Json::Bool(true) => out.extend_from_slice(b"true"),
        Json::Bool(false) => out.extend_from_slice(b"false"),
        Json::Number(n) => out.extend_from_slice(format_number(*n)?.as_bytes()),
        Json::String(s) => write_string(s, out),
        Json::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write(item, out)?;
            }
            out.push(b']');
        }
        Json::Object(members) => {
            let mut sorted: Vec<(Vec<u16>, &String, &Json)> = members
                .iter()
                .map(|(k, v)| (k.encode_utf16().collect(), k, v))
                .collect();
            sorted.sort_by(|a, b| a.0.cmp(&b.0));
            out.push(b'{');
            for (i, (_, k, v)) in sorted.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_string(k, out);
                out.push(b':');
                write(v, out)?;
            }
            out.push(b'}');
        }
    }
    Ok(())
}

fn write_string(s: &str, out: &mut Vec<u8>) {
    out.push(b'"');
    for ch in s.chars() {
        match ch {
            '"' => out.extend_from_slice(b"\\\""),
            '\\' => out.extend_from_slice(b"\\\\"),
            '\u{8}' => out.extend_from_slice(b"\\b"),
            '\u{c}' => out.extend_from_slice(b"\\f"),
            '\n' => out.extend_from_slice(b"\\n"),
            '\r' => out.extend_from_slice(b"\\r"),
            '\t' => out.extend_from_slice(b"\\t"),
            c if (c as u32) < 0x20 => {
                out.extend_from_slice(format!("\\u{:04x}", c as u32).as_bytes());
            }
            c => {
                let mut buf = [0u8; 4];
                out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            }
        }
    }
    out.push(b'"');
}
