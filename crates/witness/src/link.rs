//! The append rule, shared by everyone who extends a log (the platform on
//! sync, the desktop on save): an entry continues the head exactly, or it is
//! a gap or a fork.

use crate::entry::WitnessEntry;
use crate::hash::GENESIS_HASH;

/// Why an entry cannot follow the head.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LinkError {
    /// Entries before this one are missing.
    #[error("见证记录不连续：应为第 {expected} 条，收到第 {got} 条（缺少中间的记录）")]
    Gap { expected: u64, got: u64 },
    /// The seq is taken, or the entry chains to something other than the head.
    #[error("第 {seq} 条记录与已有记录分叉：{reason}")]
    Fork { seq: u64, reason: String },
}

impl LinkError {
    pub fn code(&self) -> &'static str {
        match self {
            LinkError::Gap { .. } => "gap",
            LinkError::Fork { .. } => "fork",
        }
    }
}

/// Checks that `entry` is the next one after `head` (`(seq, entry_hash)` of
/// the last entry, `None` for an empty log). An entry at a seq that is
/// already taken is a fork: callers recognise an identical retry before
/// asking (same entry id and hash).
pub fn check_next(head: Option<(u64, &str)>, entry: &WitnessEntry) -> Result<(), LinkError> {
    let (expected, prev) = match head {
        None => (1, GENESIS_HASH),
        Some((seq, hash)) => (seq.saturating_add(1), hash),
    };
    if entry.seq > expected {
        return Err(LinkError::Gap {
            expected,
            got: entry.seq,
        });
    }
    if entry.seq < expected {
        return Err(LinkError::Fork {
            seq: entry.seq,
            reason: "该序号已有另一条记录".into(),
        });
    }
    if entry.prev_hash != prev {
        return Err(LinkError::Fork {
            seq: entry.seq,
            reason: "上一条哈希与已有的上一条记录不符".into(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::entry;

    #[test]
    fn continues_the_head_or_refuses() {
        let h1 = "11".repeat(32);
        check_next(None, &entry(1, GENESIS_HASH)).unwrap();
        check_next(Some((1, &h1)), &entry(2, &h1)).unwrap();
        assert_eq!(
            check_next(None, &entry(2, &h1)).unwrap_err(),
            LinkError::Gap {
                expected: 1,
                got: 2
            }
        );
        assert_eq!(
            check_next(Some((1, &h1)), &entry(1, GENESIS_HASH))
                .unwrap_err()
                .code(),
            "fork"
        );
        assert_eq!(
            check_next(Some((1, &h1)), &entry(2, &"22".repeat(32)))
                .unwrap_err()
                .code(),
            "fork"
        );
    }
}
