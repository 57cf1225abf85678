//! Identifiers that become path components (project ids, file ids) or keys.
//! They come from the platform, so they are checked before any use: no path
//! separators, no `.`/`..`, no control characters, bounded length.

use crate::error::{Result, StoreError};

/// Longest accepted identifier, in bytes.
pub const MAX_ID_LEN: usize = 200;

/// Checks an identifier that may be used as a file or folder name.
pub(crate) fn check_id(what: &'static str, value: &str) -> Result<()> {
    let bad = value.is_empty()
        || value.len() > MAX_ID_LEN
        || value.starts_with('.')
        || value.ends_with(' ')
        || value.chars().any(|c| {
            c.is_control() || matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|')
        });
    if bad {
        return Err(StoreError::InvalidId {
            what,
            value: value.chars().take(60).collect(),
        });
    }
    Ok(())
}

/// Checks a free-text key (sheet kind, bidder, criterion): non-empty, bounded, printable.
pub(crate) fn check_key(what: &'static str, value: &str) -> Result<()> {
    if value.is_empty() || value.len() > MAX_ID_LEN || value.chars().any(char::is_control) {
        return Err(StoreError::InvalidId {
            what,
            value: value.chars().take(60).collect(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_like_ids_are_refused() {
        for bad in [
            "", ".", "..", "../x", "a/b", "a\\b", "C:", ".hidden", "x\n", "a\0b",
        ] {
            let err = check_id("文件编号", bad).unwrap_err();
            assert_eq!(err.code(), "invalid_id", "{bad:?}");
        }
        assert!(check_id("文件编号", &"x".repeat(MAX_ID_LEN + 1)).is_err());
    }

    #[test]
    fn ordinary_ids_pass() {
        for good in [
            "JA-2026-0117",
            "bid-B01.pdf",
            "招标文件.pdf",
            "B01",
            "x".repeat(MAX_ID_LEN).as_str(),
        ] {
            check_id("文件编号", good).unwrap();
        }
        check_key("评审项", "详细评审/施工组织设计").unwrap();
        assert!(check_key("评审项", "a\tb").is_err());
    }
}
