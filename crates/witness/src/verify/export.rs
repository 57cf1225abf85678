//! Verifying an exported log against the platform's attestation.
//!
//! The attestation lists, in order, the (seq, entry id, entry hash) of every
//! entry the platform holds. Each listed envelope is first matched to a line
//! of it: by hash (an original), else by the entry id or seq it claims (a
//! changed original), else not at all (foreign). Walking the list in order
//! against the attestation then names the first problem exactly:
//!
//! - an original out of turn whose expected predecessor-in-turn is listed
//!   later → `reordered`; not listed at all → `removed`;
//! - a changed original in its turn → `altered`;
//! - a foreign envelope, or a second copy of an original → `inserted`;
//! - attested lines left over at the end, or a receipt for an entry the
//!   attestation lacks → `removed`.
//!
//! Originals are then held to the witness's own chain and to their receipts.

use super::inspect::Inspected;
use super::platform_docs::{self, ReceiptOf};
use super::{EntryRef, EnvelopeVerifier, Fault, FaultKind, IntactLog};
use crate::hash::GENESIS_HASH;
use pingshen_api::{AttestedEntry, WitnessExport, WITNESS_EXPORT_FORMAT};
use std::collections::HashMap;

/// Verifies an exported log: the attestation, every receipt, every entry's
/// signature and signer, the chain, and that the list is exactly the
/// attested log. Reports the first problem.
pub fn verify_export(
    export: &WitnessExport,
    verifier: &dyn EnvelopeVerifier,
) -> Result<IntactLog, Fault> {
    if export.format != WITNESS_EXPORT_FORMAT {
        return Err(Fault::general(
            FaultKind::BadExport,
            format!(
                "不是见证记录导出文件（格式为“{}”，应为“{WITNESS_EXPORT_FORMAT}”）",
                export.format
            ),
        ));
    }
    let att = platform_docs::attestation(export, verifier)?;
    let receipts = platform_docs::receipts(export, &att, verifier)?;
    let items = Inspected::all(&export.entries, verifier);
    let lines = &att.entries;
    let slots = Slots::assign(&items, lines);

    let mut next = 0usize;
    for (i, it) in items.iter().enumerate() {
        match slots.of_item[i] {
            Some(Slot { line, original }) if line == next => {
                if !original {
                    return Err(Fault::about(
                        FaultKind::Altered,
                        attested_ref(&lines[line], Some(it.position)),
                        "内容与平台收到并登记的记录不同",
                    ));
                }
                check_original(export, it, lines, line, &receipts)?;
                next += 1;
            }
            Some(Slot { line, .. }) if line > next => {
                return Err(out_of_turn(&slots, lines, next, it));
            }
            // A line already passed, or no line: not part of the log here.
            _ => {
                if next < lines.len() && slots.of_line[next].is_none() {
                    // Nothing else stands for the expected entry: this one
                    // took its place.
                    return Err(Fault::about(
                        FaultKind::Altered,
                        attested_ref(&lines[next], Some(it.position)),
                        "此位置上的内容无法识别，与平台登记的记录不同",
                    ));
                }
                return Err(Fault::about(
                    FaultKind::Inserted,
                    it.entry_ref(),
                    "平台从未收到这条记录（不在平台的见证日志证明中）",
                ));
            }
        }
    }
    if let Some(line) = lines.get(next) {
        return Err(Fault::about(
            FaultKind::Removed,
            attested_ref(line, None),
            "平台登记了这条记录，导出文件中却没有",
        ));
    }
    if let Some(id) = receipts
        .keys()
        .filter(|id| !lines.iter().any(|l| &l.entry_id == *id))
        .min()
    {
        return Err(Fault::about(
            FaultKind::Removed,
            EntryRef {
                entry_id: Some(id.clone()),
                ..EntryRef::default()
            },
            "平台出具过这条记录的回执，日志证明与导出文件中却都没有（证明早于该记录，记录被删去）",
        ));
    }
    // Every entry verified and has its receipt: what may remain is a receipt
    // listed twice or out of place, which the format does not allow (one
    // receipt per entry, in the entries' order).
    if export.receipts.len() != lines.len() {
        return Err(Fault::general(
            FaultKind::BadReceipt,
            format!(
                "平台回执共 {} 张，而记录共 {} 条：回执重复列出",
                export.receipts.len(),
                lines.len()
            ),
        ));
    }
    for (n, (env, line)) in export.receipts.iter().zip(lines).enumerate() {
        if platform_docs::receipt_entry_id(env).as_deref() != Some(line.entry_id.as_str()) {
            return Err(Fault::about(
                FaultKind::BadReceipt,
                attested_ref(line, Some(n + 1)),
                format!(
                    "第 {} 张平台回执不是这条记录的回执：回执的顺序被改动",
                    n + 1
                ),
            ));
        }
    }
    Ok(IntactLog {
        project_id: att.project_id,
        witness_id: att.witness_id,
        entries: lines.len() as u64,
        head_hash: lines
            .last()
            .map_or_else(|| GENESIS_HASH.to_string(), |l| l.entry_hash.clone()),
    })
}

#[derive(Debug, Clone, Copy)]
struct Slot {
    /// Index into the attestation's lines.
    line: usize,
    /// The listed envelope is byte-for-byte the attested one.
    original: bool,
}

/// Which attested line each listed envelope stands for, one envelope per line.
struct Slots {
    of_item: Vec<Option<Slot>>,
    of_line: Vec<Option<usize>>,
}

impl Slots {
    fn assign(items: &[Inspected], lines: &[AttestedEntry]) -> Self {
        let by_hash: HashMap<&str, usize> = lines
            .iter()
            .enumerate()
            .map(|(k, l)| (l.entry_hash.as_str(), k))
            .collect();
        let by_id: HashMap<&str, usize> = lines
            .iter()
            .enumerate()
            .map(|(k, l)| (l.entry_id.as_str(), k))
            .collect();
        let mut s = Slots {
            of_item: vec![None; items.len()],
            of_line: vec![None; lines.len()],
        };
        // A second exact copy of an original is an extra, never a stand-in.
        let mut copies = vec![false; items.len()];
        for (i, it) in items.iter().enumerate() {
            if let Some(&k) = it.hash.as_deref().and_then(|h| by_hash.get(h)) {
                if !s.take(i, k, true) {
                    copies[i] = true;
                }
            }
        }
        // Then changed originals: by the entry id they claim, else by the seq.
        let by_claimed_id = |it: &Inspected| it.claimed_id().and_then(|id| by_id.get(id).copied());
        let by_claimed_seq = |it: &Inspected| {
            it.claimed_seq()
                .and_then(|seq| usize::try_from(seq).ok())
                .filter(|&seq| (1..=lines.len()).contains(&seq))
                .map(|seq| seq - 1)
        };
        s.take_claimed(items, &copies, by_claimed_id);
        s.take_claimed(items, &copies, by_claimed_seq);
        s
    }

    fn take_claimed(
        &mut self,
        items: &[Inspected],
        copies: &[bool],
        claim: impl Fn(&Inspected) -> Option<usize>,
    ) {
        for (i, it) in items.iter().enumerate() {
            if self.of_item[i].is_none() && !copies[i] {
                if let Some(k) = claim(it) {
                    self.take(i, k, false);
                }
            }
        }
    }

    fn take(&mut self, item: usize, line: usize, original: bool) -> bool {
        if self.of_line[line].is_some() {
            return false;
        }
        self.of_line[line] = Some(item);
        self.of_item[item] = Some(Slot { line, original });
        true
    }
}

/// `it` belongs further down the log than line `next`.
fn out_of_turn(slots: &Slots, lines: &[AttestedEntry], next: usize, it: &Inspected) -> Fault {
    match slots.of_line[next] {
        Some(_) => Fault::about(
            FaultKind::Reordered,
            it.entry_ref(),
            format!(
                "位置不对：此处应为序号 {} 的记录，该记录排在后面",
                lines[next].seq
            ),
        ),
        None => Fault::about(
            FaultKind::Removed,
            attested_ref(&lines[next], None),
            format!(
                "平台登记了这条记录，导出文件中却没有（应在列表第 {} 条）",
                it.position
            ),
        ),
    }
}

/// An original in its turn: it must also be a valid entry of this
/// witness's chain and carry its receipt.
fn check_original(
    export: &WitnessExport,
    it: &Inspected,
    lines: &[AttestedEntry],
    line: usize,
    receipts: &HashMap<String, ReceiptOf>,
) -> Result<(), Fault> {
    let entry = it.owned_entry(&export.project_id, &export.witness_id)?;
    let attested = &lines[line];
    let broken = |what: String| Fault::about(FaultKind::BrokenChain, it.entry_ref(), what);
    if entry.seq > attested.seq {
        // The witness numbered it later: the platform's list lacks entries.
        return Err(Fault::about(
            FaultKind::Removed,
            EntryRef {
                seq: Some(attested.seq),
                ..EntryRef::default()
            },
            format!(
                "记录缺失（序号 {} 的记录直接接在序号 {} 之后）",
                entry.seq,
                attested.seq.saturating_sub(1)
            ),
        ));
    }
    if entry.seq != attested.seq || entry.entry_id != attested.entry_id {
        return Err(broken(format!(
            "见证人签名的序号与编号（{}，{}）与平台登记的（{}，{}）不一致",
            entry.seq, entry.entry_id, attested.seq, attested.entry_id
        )));
    }
    let prev = line
        .checked_sub(1)
        .map_or(GENESIS_HASH, |p| lines[p].entry_hash.as_str());
    if entry.prev_hash != prev {
        return Err(broken("上一条哈希与前一条记录不符".into()));
    }
    if let Some(c) = &entry.corrects {
        if !lines[..line].iter().any(|l| &l.entry_id == c) {
            return Err(Fault::about(
                FaultKind::BadCorrection,
                it.entry_ref(),
                format!("所更正的记录 {c} 不在本日志此前的记录中"),
            ));
        }
    }
    match receipts.get(&entry.entry_id) {
        None => Err(Fault::about(
            FaultKind::MissingReceipt,
            it.entry_ref(),
            "导出文件中没有平台对这条记录的回执",
        )),
        Some(r) if Some(&r.body_sha256) != it.hash.as_ref() => Err(Fault::about(
            FaultKind::BadReceipt,
            it.entry_ref(),
            "平台回执所确认的内容哈希与这条记录不符",
        )),
        Some(_) => Ok(()),
    }
}

fn attested_ref(line: &AttestedEntry, position: Option<usize>) -> EntryRef {
    EntryRef {
        seq: Some(line.seq),
        entry_id: Some(line.entry_id.clone()),
        position,
    }
}
