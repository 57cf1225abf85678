//! The entry payload the witness signs (envelope `typ`
//! [`pingshen_api::WITNESS_ENTRY_TYP`]) and its validity rules.

use crate::error::EntryError;
use crate::hash::{is_sha256_hex, GENESIS_HASH};
use crate::labels::{WitnessCategory, WitnessStage};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// Most characters in an entry's text.
pub const MAX_TEXT_CHARS: usize = 10_000;
/// Most attachments on one entry.
pub const MAX_ATTACHMENTS: usize = 20;
/// Most characters in an attachment's file name.
pub const MAX_ATTACHMENT_NAME_CHARS: usize = 200;
/// Largest integer RFC 8785 carries exactly (the envelope refuses larger ones).
pub const MAX_JSON_INTEGER: u64 = (1 << 53) - 1;

/// One observation, as signed. Never changed once signed: a correction is a
/// new entry whose `corrects` names the entry it corrects.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WitnessEntry {
    pub project_id: String,
    /// The witness's person id (the signer).
    pub witness_id: String,
    /// 1 for the first entry of this witness on this project, then +1.
    pub seq: u64,
    /// UUIDv7, lowercase; the idempotency key of the entry.
    pub entry_id: String,
    /// When it was observed: the local clock corrected by
    /// `clock_offset_ms` (the platform's clock), RFC 3339.
    #[serde(with = "time::serde::rfc3339")]
    pub observed_at: OffsetDateTime,
    /// Platform clock minus local clock, in milliseconds, when the entry was
    /// made: shown so a reader can tell how far the device clock was off.
    pub clock_offset_ms: i64,
    pub stage: WitnessStage,
    pub category: WitnessCategory,
    pub text: String,
    pub attachments: Vec<Attachment>,
    /// The entry this one corrects (its `entry_id`), if any.
    pub corrects: Option<String>,
    /// `entry_hash` of the previous entry; [`GENESIS_HASH`] for seq 1.
    pub prev_hash: String,
}

/// A file attached to an entry. The file itself stays (encrypted) on the
/// desktop; the signed entry commits to it by size and SHA-256.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Attachment {
    pub name: String,
    /// e.g. `image/jpeg`, `application/pdf`.
    pub media_type: String,
    pub size: u64,
    /// SHA-256 of the file's bytes, lowercase hex.
    pub sha256: String,
}

impl WitnessEntry {
    /// Checks every field; an entry that passes can be signed and will be
    /// accepted by the chain rules (given the right `seq` and `prev_hash`).
    pub fn validate(&self) -> Result<(), EntryError> {
        check_id("项目编号", &self.project_id)?;
        check_id("见证人编号", &self.witness_id)?;
        if self.seq == 0 || self.seq > MAX_JSON_INTEGER {
            return Err(EntryError::BadSeq(self.seq));
        }
        if !is_uuid_v7(&self.entry_id) {
            return Err(EntryError::BadEntryId(self.entry_id.clone()));
        }
        if self.clock_offset_ms.unsigned_abs() > MAX_JSON_INTEGER {
            return Err(EntryError::BadField {
                field: "时钟偏差",
                reason: format!("{} 毫秒超出范围", self.clock_offset_ms),
            });
        }
        let len = self.text.chars().count();
        if len > MAX_TEXT_CHARS {
            return Err(EntryError::TextTooLong {
                len,
                max: MAX_TEXT_CHARS,
            });
        }
        if self.category.is_irregular() && self.text.trim().is_empty() {
            return Err(EntryError::TextRequired {
                category: self.category.label_zh(),
            });
        }
        if self.attachments.len() > MAX_ATTACHMENTS {
            return Err(EntryError::BadAttachment {
                index: MAX_ATTACHMENTS + 1,
                reason: format!("附件过多（最多 {MAX_ATTACHMENTS} 个）"),
            });
        }
        for (i, a) in self.attachments.iter().enumerate() {
            a.validate().map_err(|reason| EntryError::BadAttachment {
                index: i + 1,
                reason,
            })?;
        }
        if let Some(c) = &self.corrects {
            if !is_uuid_v7(c) {
                return Err(EntryError::BadCorrection(format!("“{c}”不是见证记录编号")));
            }
            if *c == self.entry_id {
                return Err(EntryError::BadCorrection("记录不能更正自己".into()));
            }
        }
        self.check_prev_hash()
    }

    fn check_prev_hash(&self) -> Result<(), EntryError> {
        if !is_sha256_hex(&self.prev_hash) {
            return Err(EntryError::BadPrevHash(
                "应为 64 位小写十六进制 SHA-256".into(),
            ));
        }
        match (self.seq == 1, self.prev_hash == GENESIS_HASH) {
            (true, false) => Err(EntryError::BadPrevHash(
                "第 1 条记录的上一条哈希必须是全零的起始值".into(),
            )),
            (false, true) => Err(EntryError::BadPrevHash(format!(
                "第 {} 条记录不能使用起始值作为上一条哈希",
                self.seq
            ))),
            _ => Ok(()),
        }
    }

    /// `prev_hash` as the desktop store keeps it: `None` for the first
    /// entry (the store has no genesis row), the previous hash otherwise.
    pub fn store_prev_hash(&self) -> Option<&str> {
        (self.seq > 1).then_some(self.prev_hash.as_str())
    }
}

impl Attachment {
    fn validate(&self) -> Result<(), String> {
        let n = self.name.chars().count();
        if n == 0 || n > MAX_ATTACHMENT_NAME_CHARS {
            return Err(format!(
                "文件名应为 1 到 {MAX_ATTACHMENT_NAME_CHARS} 个字符"
            ));
        }
        if self
            .name
            .chars()
            .any(|c| c.is_control() || c == '/' || c == '\\')
        {
            return Err("文件名不能含有控制字符或路径分隔符".into());
        }
        if !is_media_type(&self.media_type) {
            return Err(format!(
                "“{}”不是媒体类型（如 image/jpeg）",
                self.media_type
            ));
        }
        if self.size > MAX_JSON_INTEGER {
            return Err("文件过大".into());
        }
        if !is_sha256_hex(&self.sha256) {
            return Err("SHA-256 应为 64 位小写十六进制".into());
        }
        Ok(())
    }
}

fn check_id(field: &'static str, id: &str) -> Result<(), EntryError> {
    let ok = !id.is_empty()
        && id.chars().count() <= 64
        && !id.chars().any(|c| c.is_control() || c.is_whitespace());
    if ok {
        Ok(())
    } else {
        Err(EntryError::BadField {
            field,
            reason: format!("“{id}”应为 1 到 64 个非空白字符"),
        })
    }
}

/// A lowercase, hyphenated UUID of version 7 and the RFC 4122 variant.
pub fn is_uuid_v7(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, &c)| match i {
            8 | 13 | 18 | 23 => c == b'-',
            _ => c.is_ascii_digit() || (b'a'..=b'f').contains(&c),
        })
        && b[14] == b'7'
        && matches!(b[19], b'8' | b'9' | b'a' | b'b')
}

/// `type/subtype`, lowercase token characters (RFC 6838 §4.2, without parameters).
fn is_media_type(s: &str) -> bool {
    let token = |t: &str| {
        !t.is_empty()
            && t.len() <= 127
            && t.bytes()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || b"!#$&^_.+-".contains(&c))
    };
    matches!(s.split_once('/'), Some((a, b)) if token(a) && token(b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::entry;

    #[test]
    fn a_well_formed_entry_is_valid() {
        entry(1, GENESIS_HASH).validate().unwrap();
        entry(2, &"ab".repeat(32)).validate().unwrap();
    }

    #[test]
    fn each_rule_is_enforced_with_its_code() {
        type Spoil = Box<dyn Fn(&mut WitnessEntry)>;
        let cases: Vec<(&str, Spoil)> = vec![
            ("bad_field", Box::new(|e| e.project_id.clear())),
            ("bad_field", Box::new(|e| e.witness_id = "W 001".into())),
            ("bad_seq", Box::new(|e| e.seq = 0)),
            ("bad_seq", Box::new(|e| e.seq = 1 << 53)),
            (
                "bad_entry_id",
                // A v4 UUID is not a v7 one.
                Box::new(|e| e.entry_id = "0190a0b2-7c3e-4d5f-8a9b-0123456789ab".into()),
            ),
            (
                "bad_entry_id",
                Box::new(|e| e.entry_id = e.entry_id.to_uppercase()),
            ),
            ("text_too_long", Box::new(|e| e.text = "见".repeat(10_001))),
            (
                "text_required",
                Box::new(|e| {
                    e.category = WitnessCategory::ExpertLate;
                    e.text = "  ".into();
                }),
            ),
            (
                "bad_attachment",
                Box::new(|e| e.attachments[0].media_type = "JPEG".into()),
            ),
            (
                "bad_attachment",
                Box::new(|e| e.attachments[0].name = "../x.jpg".into()),
            ),
            (
                "bad_attachment",
                Box::new(|e| e.attachments[0].sha256 = "AB".repeat(32)),
            ),
            (
                "bad_correction",
                Box::new(|e| e.corrects = Some(e.entry_id.clone())),
            ),
            (
                "bad_correction",
                Box::new(|e| e.corrects = Some("x".into())),
            ),
            ("bad_prev_hash", Box::new(|e| e.prev_hash = "ab".repeat(32))),
            ("bad_prev_hash", Box::new(|e| e.prev_hash = "zz".into())),
        ];
        for (code, spoil) in cases {
            let mut e = entry(1, GENESIS_HASH);
            spoil(&mut e);
            assert_eq!(e.validate().unwrap_err().code(), code, "{e:?}");
        }
        let mut later = entry(3, GENESIS_HASH);
        assert_eq!(later.validate().unwrap_err().code(), "bad_prev_hash");
        later.prev_hash = "01".repeat(32);
        later.validate().unwrap();
    }

    #[test]
    fn uuid_v7_shape() {
        assert!(is_uuid_v7("01936f0e-5a7b-7c3d-8e9f-0123456789ab"));
        assert!(!is_uuid_v7("01936f0e-5a7b-7c3d-ce9f-0123456789ab"));
        assert!(!is_uuid_v7("01936f0e5a7b7c3d8e9f0123456789ab"));
        assert!(!is_uuid_v7("01936f0e-5a7b-7c3d-8e9f-0123456789a"));
    }

    #[test]
    fn the_store_has_no_genesis_row() {
        assert_eq!(entry(1, GENESIS_HASH).store_prev_hash(), None);
        let h = "cd".repeat(32);
        assert_eq!(entry(2, &h).store_prev_hash(), Some(h.as_str()));
    }
}
