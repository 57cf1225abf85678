//! The witness's log: signed entries, numbered from 1 and hash-chained
//! (each names the hash of the one before). Appending checks both in one
//! transaction, so the local log never has a gap or a fork.

use super::write_tx;
use crate::clock::{from_millis, to_millis};
use crate::error::{Result, StoreError};
use crate::ids::{check_id, check_key};
use rusqlite::{params, Connection, OptionalExtension, Row};
use time::OffsetDateTime;

/// An entry to append.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NewWitnessEntry<'a> {
    /// 1 for the first entry of the project, then +1.
    pub seq: u64,
    pub entry_id: &'a str,
    /// The signed envelope JSON.
    pub envelope: &'a [u8],
    pub entry_hash: &'a str,
    /// `None` for the first entry; the previous entry's `entry_hash` otherwise.
    pub prev_hash: Option<&'a str>,
}

/// A stored entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WitnessEntry {
    pub project: String,
    pub seq: u64,
    pub entry_id: String,
    pub envelope: Vec<u8>,
    pub entry_hash: String,
    pub prev_hash: Option<String>,
    pub synced_at: Option<OffsetDateTime>,
}

const COLUMNS: &str = "project, seq, entry_id, envelope, entry_hash, prev_hash, synced_at";

fn from_row(r: &Row<'_>) -> rusqlite::Result<WitnessEntry> {
    Ok(WitnessEntry {
        project: r.get(0)?,
        seq: r.get::<_, i64>(1)? as u64,
        entry_id: r.get(2)?,
        envelope: r.get(3)?,
        entry_hash: r.get(4)?,
        prev_hash: r.get(5)?,
        synced_at: r.get::<_, Option<i64>>(6)?.map(from_millis),
    })
}

/// The witness log table.
pub struct WitnessLog<'a> {
    conn: &'a Connection,
}

impl<'a> WitnessLog<'a> {
    pub(crate) fn new(conn: &'a Connection) -> Self {
        WitnessLog { conn }
    }

    /// Appends the next entry. `witness_seq_gap` unless `seq` is the last
    /// seq + 1; `witness_prev_mismatch` unless `prev_hash` is the last
    /// entry's hash. Appending the identical entry again is accepted (a
    /// retry after a crash); a different one at an existing seq is
    /// `witness_conflict`.
    pub fn append(&self, project: &str, e: &NewWitnessEntry<'_>) -> Result<()> {
        check_id("项目编号", project)?;
        check_key("见证记录编号", e.entry_id)?;
        check_key("见证记录哈希", e.entry_hash)?;
        let seq = i64::try_from(e.seq).unwrap_or(i64::MAX);
        let tx = write_tx(self.conn)?;
        if let Some(existing) = entry(&tx, project, e.seq)? {
            let same = existing.entry_id == e.entry_id
                && existing.envelope == e.envelope
                && existing.entry_hash == e.entry_hash
                && existing.prev_hash.as_deref() == e.prev_hash;
            return if same {
                Ok(())
            } else {
                Err(StoreError::WitnessConflict {
                    project: project.to_string(),
                    seq,
                })
            };
        }
        let head = head(&tx, project)?;
        let expected = head.as_ref().map_or(1, |(s, _)| s + 1);
        if seq != expected {
            return Err(StoreError::WitnessSeqGap {
                project: project.to_string(),
                expected,
                got: seq,
            });
        }
        if head.as_ref().map(|(_, h)| h.as_str()) != e.prev_hash {
            return Err(StoreError::WitnessPrevMismatch {
                project: project.to_string(),
                seq,
            });
        }
        tx.execute(
            "INSERT INTO witness_log (project, seq, entry_id, envelope, entry_hash, prev_hash)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                project,
                seq,
                e.entry_id,
                e.envelope,
                e.entry_hash,
                e.prev_hash
            ],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Records that the platform has the entry.
    pub fn mark_synced(&self, project: &str, seq: u64, at: OffsetDateTime) -> Result<()> {
        let n = self.conn.execute(
            "UPDATE witness_log SET synced_at = COALESCE(synced_at, ?3)
             WHERE project = ?1 AND seq = ?2",
            params![project, seq as i64, to_millis(at)],
        )?;
        if n == 0 {
            return Err(StoreError::not_found(
                "见证记录",
                format!("{project}#{seq}"),
            ));
        }
        Ok(())
    }

    /// The last seq and hash of the project's log.
    pub fn head(&self, project: &str) -> Result<Option<(u64, String)>> {
        Ok(head(self.conn, project)?.map(|(s, h)| (s as u64, h)))
    }

    /// The whole log of a project, in order.
    pub fn list(&self, project: &str) -> Result<Vec<WitnessEntry>> {
        self.query(project, false)
    }

    /// Entries the platform does not have yet, in order.
    pub fn unsynced(&self, project: &str) -> Result<Vec<WitnessEntry>> {
        self.query(project, true)
    }

    fn query(&self, project: &str, unsynced_only: bool) -> Result<Vec<WitnessEntry>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {COLUMNS} FROM witness_log
             WHERE project = ?1 AND (?2 = 0 OR synced_at IS NULL) ORDER BY seq"
        ))?;
        let rows = stmt.query_map(params![project, unsynced_only], from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

fn entry(conn: &Connection, project: &str, seq: u64) -> Result<Option<WitnessEntry>> {
    Ok(conn
        .query_row(
            &format!("SELECT {COLUMNS} FROM witness_log WHERE project = ?1 AND seq = ?2"),
            params![project, seq as i64],
            from_row,
        )
        .optional()?)
}

fn head(conn: &Connection, project: &str) -> Result<Option<(i64, String)>> {
    Ok(conn
        .query_row(
            "SELECT seq, entry_hash FROM witness_log WHERE project = ?1 ORDER BY seq DESC LIMIT 1",
            [project],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?)
}
