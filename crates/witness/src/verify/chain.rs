//! Verifying a bare list of entries by their own chain (seq and
//! `prev_hash`), e.g. the desktop's local log. Without the platform's
//! attestation two things cannot be known: whether entries were cut off the
//! end, and — when the witness's own key forged an extra entry that chains
//! correctly and nothing follows it — which of two entries with one seq is
//! the original. [`super::verify_export`] settles both.

use super::inspect::Inspected;
use super::{EntryRef, EnvelopeVerifier, Fault, FaultKind, IntactLog};
use crate::hash::GENESIS_HASH;
use pingshen_api::SignedEnvelope;
use std::collections::HashSet;

/// Whose log a list is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LogContext<'a> {
    pub project_id: &'a str,
    pub witness_id: &'a str,
}

/// Verifies `envelopes` (in list order) as the log of `ctx`: every
/// signature, the signer, seq 1, 2, 3… and each `prev_hash`. Reports the
/// first problem.
pub fn verify_chain(
    envelopes: &[SignedEnvelope],
    ctx: &LogContext<'_>,
    verifier: &dyn EnvelopeVerifier,
) -> Result<IntactLog, Fault> {
    let items = Inspected::all(envelopes, verifier);
    let mut expected = 1u64;
    let mut prev = GENESIS_HASH.to_string();
    let mut ids: HashSet<&str> = HashSet::new();
    for (i, it) in items.iter().enumerate() {
        let later = &items[i + 1..];
        let entry = match it.owned_entry(ctx.project_id, ctx.witness_id) {
            Ok(e) => e,
            Err(f) if f.kind == FaultKind::Altered => {
                // A bogus copy of an entry that is present intact further
                // on was inserted, not altered.
                let seq = it.claimed_seq();
                if seq.is_some() && later.iter().any(|o| o.verified().map(|e| e.seq) == seq) {
                    return Err(Fault::about(
                        FaultKind::Inserted,
                        it.entry_ref(),
                        "签名不成立，且后面另有一条该序号的有效记录：这是插入的记录",
                    ));
                }
                return Err(f);
            }
            Err(f) => return Err(f),
        };
        let hash = it.hash.as_deref().unwrap_or_default();
        if entry.seq > expected {
            return Err(if later.iter().any(|o| o.claimed_seq() == Some(expected)) {
                Fault::about(
                    FaultKind::Reordered,
                    it.entry_ref(),
                    format!("此处应为序号 {expected} 的记录，该记录排在后面"),
                )
            } else {
                Fault::about(
                    FaultKind::Removed,
                    EntryRef {
                        seq: Some(expected),
                        ..EntryRef::default()
                    },
                    format!("记录缺失（列表第 {} 条之前）", it.position),
                )
            });
        }
        if entry.seq < expected {
            return Err(duplicate_seq(&items, i));
        }
        if entry.prev_hash != prev {
            // Entry i commits to a predecessor other than the one listed:
            // the listed predecessor is not the entry that was signed then.
            let Some(before) = i.checked_sub(1).map(|b| &items[b]) else {
                return Err(Fault::about(
                    FaultKind::BrokenChain,
                    it.entry_ref(),
                    "第一条记录没有链接到起始值",
                ));
            };
            return Err(Fault::about(
                FaultKind::Altered,
                before.entry_ref(),
                format!(
                    "其哈希与后一条记录（序号 {}）所链接的上一条哈希不符：该记录在后一条记录写入后被改动或替换",
                    entry.seq
                ),
            ));
        }
        if let Some(c) = &entry.corrects {
            if !ids.contains(c.as_str()) {
                return Err(Fault::about(
                    FaultKind::BadCorrection,
                    it.entry_ref(),
                    format!("所更正的记录 {c} 不在本日志此前的记录中"),
                ));
            }
        }
        ids.insert(&entry.entry_id);
        prev = hash.to_string();
        expected += 1;
    }
    Ok(IntactLog {
        project_id: ctx.project_id.to_string(),
        witness_id: ctx.witness_id.to_string(),
        entries: expected - 1,
        head_hash: prev,
    })
}

/// Item `i` repeats the seq of an earlier, accepted entry. The original is
/// the one the next entry chains to; with no next entry, the later copy is
/// presumed inserted.
fn duplicate_seq(items: &[Inspected], i: usize) -> Fault {
    let it = &items[i];
    let seq = it.claimed_seq();
    let chains_to = |target: &Inspected| {
        items.iter().any(|o| {
            o.verified().is_some_and(|e| {
                Some(e.seq) == seq.map(|s| s + 1) && Some(&e.prev_hash) == target.hash.as_ref()
            })
        })
    };
    let earlier = items[..i]
        .iter()
        .find(|o| o.verified().map(|e| e.seq) == seq);
    match earlier {
        Some(first) if chains_to(it) && !chains_to(first) => Fault::about(
            FaultKind::Inserted,
            first.entry_ref(),
            "与后面一条同序号的记录重复，而后续记录链接的是那一条：这是插入的记录",
        ),
        _ => Fault::about(
            FaultKind::Inserted,
            it.entry_ref(),
            "与前面一条同序号的记录重复：这是插入的记录",
        ),
    }
}
