//! Building the next entry of a log from its head: what the logging screen
//! calls with the store's `witness_log().head(project)`.

use crate::entry::{Attachment, WitnessEntry};
use crate::error::EntryError;
use crate::hash::GENESIS_HASH;
use crate::labels::{WitnessCategory, WitnessStage};
use time::{Duration, OffsetDateTime};

/// What the witness typed and chose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryDraft {
    pub stage: WitnessStage,
    pub category: WitnessCategory,
    pub text: String,
    pub attachments: Vec<Attachment>,
    pub corrects: Option<String>,
}

/// Who, which project, and when: the values the caller takes from the
/// session, a fresh UUIDv7 and the device clock (this crate reads no clock).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryStamp {
    pub project_id: String,
    pub witness_id: String,
    pub entry_id: String,
    /// The device clock when the witness saved the entry.
    pub local_time: OffsetDateTime,
    /// Platform clock minus device clock, milliseconds (0 when never measured).
    pub clock_offset_ms: i64,
}

/// The platform's time for a device time: `local + offset`, to the millisecond.
pub fn corrected_time(local: OffsetDateTime, clock_offset_ms: i64) -> OffsetDateTime {
    let t = local.saturating_add(Duration::milliseconds(clock_offset_ms));
    let millis = t.millisecond();
    t.replace_nanosecond(u32::from(millis) * 1_000_000)
        .unwrap_or(t)
}

/// The entry that follows `head` (`(seq, entry_hash)` of the last entry, or
/// `None` for an empty log), validated.
pub fn next_entry(
    head: Option<(u64, &str)>,
    stamp: &EntryStamp,
    draft: EntryDraft,
) -> Result<WitnessEntry, EntryError> {
    let (seq, prev_hash) = match head {
        None => (1, GENESIS_HASH.to_string()),
        Some((seq, hash)) => (seq.saturating_add(1), hash.to_string()),
    };
    let entry = WitnessEntry {
        project_id: stamp.project_id.clone(),
        witness_id: stamp.witness_id.clone(),
        seq,
        entry_id: stamp.entry_id.clone(),
        observed_at: corrected_time(stamp.local_time, stamp.clock_offset_ms),
        clock_offset_ms: stamp.clock_offset_ms,
        stage: draft.stage,
        category: draft.category,
        text: draft.text,
        attachments: draft.attachments,
        corrects: draft.corrects,
        prev_hash,
    };
    entry.validate()?;
    Ok(entry)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn stamp() -> EntryStamp {
        EntryStamp {
            project_id: "JA-2026-0117".into(),
            witness_id: "W001".into(),
            entry_id: "01936f0e-5a7b-7c3d-8e9f-0123456789ab".into(),
            local_time: datetime!(2026-11-30 09:31:05.123456 +08:00),
            clock_offset_ms: -1_500,
        }
    }

    fn draft() -> EntryDraft {
        EntryDraft {
            stage: WitnessStage::Opening,
            category: WitnessCategory::Normal,
            text: "开标准时开始".into(),
            attachments: vec![],
            corrects: None,
        }
    }

    #[test]
    fn first_entry_starts_at_genesis() {
        let e = next_entry(None, &stamp(), draft()).unwrap();
        assert_eq!((e.seq, e.prev_hash.as_str()), (1, GENESIS_HASH));
        assert_eq!(e.observed_at, datetime!(2026-11-30 09:31:03.623 +08:00));
        assert_eq!(e.clock_offset_ms, -1_500);
    }

    #[test]
    fn next_entry_follows_the_head() {
        let h = "7f".repeat(32);
        let e = next_entry(Some((4, &h)), &stamp(), draft()).unwrap();
        assert_eq!((e.seq, e.prev_hash), (5, h));
    }

    #[test]
    fn an_invalid_draft_is_refused() {
        let mut d = draft();
        d.category = WitnessCategory::PrivateConversation;
        d.text.clear();
        assert_eq!(
            next_entry(None, &stamp(), d).unwrap_err().code(),
            "text_required"
        );
    }
}
