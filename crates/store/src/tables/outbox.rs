//! The outbox: signed submissions waiting to be sent, exactly once, to the
//! platform. The submission id (a UUIDv7 chosen by the caller) is the
//! platform's idempotency key, so resending after a crash is harmless.

use super::receipts::put_receipt;
use super::write_tx;
use crate::clock::{from_millis, to_millis};
use crate::error::{Result, StoreError};
use crate::ids::{check_id, check_key};
use rusqlite::{params, Connection, OptionalExtension, Row};
use time::OffsetDateTime;

/// A submission to queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NewSubmission<'a> {
    pub submission_id: &'a str,
    /// e.g. `declaration`, `score_sheet`, `witness_entry`.
    pub kind: &'a str,
    pub project: &'a str,
    /// The API path to POST to.
    pub endpoint: &'a str,
    /// The signed envelope JSON.
    pub body: &'a [u8],
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OutboxState {
    Pending,
    Delivered,
    /// The platform refused it for good: kept, signed, with its reason.
    Refused,
}

/// What `enqueue` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Enqueued {
    /// A new entry.
    Queued,
    /// The same submission was already queued (or delivered): nothing changed.
    AlreadyQueued,
}

/// A queued or delivered submission.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxEntry {
    pub submission_id: String,
    pub kind: String,
    pub project: String,
    pub endpoint: String,
    pub body: Vec<u8>,
    pub created_at: OffsetDateTime,
    /// Failed attempts so far.
    pub attempts: u32,
    pub next_attempt_at: OffsetDateTime,
    /// Stable code of the last failure.
    pub last_error: Option<String>,
    pub state: OutboxState,
    pub receipt: Option<Vec<u8>>,
    pub delivered_at: Option<OffsetDateTime>,
    /// The platform's message, when it refused the submission for good
    /// (`last_error` holds its code).
    pub refusal: Option<String>,
}

const COLUMNS: &str = "submission_id, kind, project, endpoint, body, created_at, attempts,
     next_attempt_at, last_error, state, receipt, delivered_at, refusal";

fn from_row(r: &Row<'_>) -> rusqlite::Result<OutboxEntry> {
    Ok(OutboxEntry {
        submission_id: r.get(0)?,
        kind: r.get(1)?,
        project: r.get(2)?,
        endpoint: r.get(3)?,
        body: r.get(4)?,
        created_at: from_millis(r.get(5)?),
        attempts: r.get(6)?,
        next_attempt_at: from_millis(r.get(7)?),
        last_error: r.get(8)?,
        state: match r.get::<_, String>(9)?.as_str() {
            "delivered" => OutboxState::Delivered,
            "refused" => OutboxState::Refused,
            _ => OutboxState::Pending,
        },
        receipt: r.get(10)?,
        delivered_at: r.get::<_, Option<i64>>(11)?.map(from_millis),
        refusal: r.get(12)?,
    })
}

/// The outbox table.
pub struct Outbox<'a> {
    conn: &'a Connection,
}

impl<'a> Outbox<'a> {
    pub(crate) fn new(conn: &'a Connection) -> Self {
        Outbox { conn }
    }

    /// Queues a submission, due at once. Idempotent: the same id with the
    /// same kind, project, endpoint and body is `AlreadyQueued`; the same id
    /// with anything different is `outbox_conflict`.
    pub fn enqueue(&self, s: &NewSubmission<'_>, now: OffsetDateTime) -> Result<Enqueued> {
        check_key("提交编号", s.submission_id)?;
        check_key("提交类型", s.kind)?;
        check_id("项目编号", s.project)?;
        check_key("接口地址", s.endpoint)?;
        let tx = write_tx(self.conn)?;
        if let Some(existing) = get(&tx, s.submission_id)? {
            let same = existing.kind == s.kind
                && existing.project == s.project
                && existing.endpoint == s.endpoint
                && existing.body == s.body;
            return if same {
                Ok(Enqueued::AlreadyQueued)
            } else {
                Err(StoreError::OutboxConflict {
                    id: s.submission_id.to_string(),
                })
            };
        }
        let at = to_millis(now);
        tx.execute(
            "INSERT INTO outbox (submission_id, kind, project, endpoint, body, created_at,
                                 attempts, next_attempt_at, state)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0, ?6, 'pending')",
            params![s.submission_id, s.kind, s.project, s.endpoint, s.body, at],
        )?;
        tx.commit()?;
        Ok(Enqueued::Queued)
    }

    pub fn get(&self, submission_id: &str) -> Result<Option<OutboxEntry>> {
        get(self.conn, submission_id)
    }

    /// Pending entries whose next attempt is due at `now`, oldest first.
    pub fn due(&self, now: OffsetDateTime) -> Result<Vec<OutboxEntry>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {COLUMNS} FROM outbox
             WHERE state = 'pending' AND next_attempt_at <= ?1
             ORDER BY created_at, submission_id"
        ))?;
        let rows = stmt.query_map([to_millis(now)], from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Records a failed attempt: one more attempt, the failure's code, and
    /// when to try again (see [`crate::BackoffPolicy`]). A delivered entry
    /// is left as it is (a late failure report must not undo a delivery).
    pub fn record_failure(
        &self,
        submission_id: &str,
        code: &str,
        next_attempt_at: OffsetDateTime,
    ) -> Result<()> {
        let tx = write_tx(self.conn)?;
        let entry = get(&tx, submission_id)?
            .ok_or_else(|| StoreError::not_found("待发送提交", submission_id))?;
        if entry.state == OutboxState::Pending {
            tx.execute(
                "UPDATE outbox SET attempts = attempts + 1, last_error = ?2, next_attempt_at = ?3
                 WHERE submission_id = ?1",
                params![submission_id, code, to_millis(next_attempt_at)],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Marks a pending submission refused for good, with the platform's code
    /// and message. It is not sent again; it stays, signed, for the person
    /// to read and export.
    pub fn mark_refused(&self, submission_id: &str, code: &str, message: &str) -> Result<()> {
        let tx = write_tx(self.conn)?;
        let entry = get(&tx, submission_id)?
            .ok_or_else(|| StoreError::not_found("待发送提交", submission_id))?;
        if entry.state == OutboxState::Pending {
            tx.execute(
                "UPDATE outbox SET state = 'refused', attempts = attempts + 1, last_error = ?2,
                     refusal = ?3
                 WHERE submission_id = ?1",
                params![submission_id, code, message],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Marks a submission delivered and stores the platform's receipt (also
    /// in the receipts table), in one transaction. Idempotent with the same
    /// receipt; a different receipt is `receipt_conflict`.
    pub fn mark_delivered(
        &self,
        submission_id: &str,
        receipt: &[u8],
        now: OffsetDateTime,
    ) -> Result<()> {
        let tx = write_tx(self.conn)?;
        let entry = get(&tx, submission_id)?
            .ok_or_else(|| StoreError::not_found("待发送提交", submission_id))?;
        put_receipt(&tx, submission_id, receipt)?;
        if entry.state == OutboxState::Pending {
            tx.execute(
                "UPDATE outbox SET state = 'delivered', receipt = ?2, delivered_at = ?3
                 WHERE submission_id = ?1",
                params![submission_id, receipt, to_millis(now)],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Entries not yet delivered.
    pub fn pending_count(&self) -> Result<u64> {
        let n: i64 = self.conn.query_row(
            "SELECT count(*) FROM outbox WHERE state = 'pending'",
            [],
            |r| r.get(0),
        )?;
        Ok(n as u64)
    }

    /// Every entry of a project, oldest first.
    pub fn list(&self, project: &str) -> Result<Vec<OutboxEntry>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {COLUMNS} FROM outbox WHERE project = ?1 ORDER BY created_at, submission_id"
        ))?;
        let rows = stmt.query_map([project], from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

fn get(conn: &Connection, submission_id: &str) -> Result<Option<OutboxEntry>> {
    Ok(conn
        .query_row(
            &format!("SELECT {COLUMNS} FROM outbox WHERE submission_id = ?1"),
            [submission_id],
            from_row,
        )
        .optional()?)
}
