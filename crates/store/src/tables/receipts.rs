//! Platform receipts, kept forever (verified by the caller, elsewhere),
//! keyed by submission id.

use crate::clock::{from_millis, now_millis};
use crate::error::{Result, StoreError};
use crate::ids::check_key;
use rusqlite::{params, Connection, OptionalExtension};
use time::OffsetDateTime;

/// A stored receipt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    pub submission_id: String,
    pub receipt: Vec<u8>,
    pub received_at: OffsetDateTime,
}

/// The receipts table.
pub struct Receipts<'a> {
    conn: &'a Connection,
}

impl<'a> Receipts<'a> {
    pub(crate) fn new(conn: &'a Connection) -> Self {
        Receipts { conn }
    }

    /// Stores a receipt. The same bytes again are accepted; different bytes
    /// for the same submission are `receipt_conflict` (the first one stays).
    pub fn put(&self, submission_id: &str, receipt: &[u8]) -> Result<()> {
        check_key("提交编号", submission_id)?;
        put_receipt(self.conn, submission_id, receipt)
    }

    pub fn get(&self, submission_id: &str) -> Result<Option<Receipt>> {
        Ok(self
            .conn
            .query_row(
                "SELECT submission_id, receipt, received_at FROM receipts WHERE submission_id = ?1",
                [submission_id],
                |r| {
                    Ok(Receipt {
                        submission_id: r.get(0)?,
                        receipt: r.get(1)?,
                        received_at: from_millis(r.get(2)?),
                    })
                },
            )
            .optional()?)
    }

    /// Submission ids that have a receipt, sorted.
    pub fn list_ids(&self) -> Result<Vec<String>> {
        let mut stmt = self
            .conn
            .prepare("SELECT submission_id FROM receipts ORDER BY submission_id")?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

/// Inserts a receipt or checks it equals the stored one (inside the caller's transaction).
pub(crate) fn put_receipt(conn: &Connection, submission_id: &str, receipt: &[u8]) -> Result<()> {
    let existing: Option<Vec<u8>> = conn
        .query_row(
            "SELECT receipt FROM receipts WHERE submission_id = ?1",
            [submission_id],
            |r| r.get(0),
        )
        .optional()?;
    match existing {
        Some(stored) if stored == receipt => Ok(()),
        Some(_) => Err(StoreError::ReceiptConflict {
            id: submission_id.to_string(),
        }),
        None => {
            conn.execute(
                "INSERT INTO receipts (submission_id, receipt, received_at) VALUES (?1, ?2, ?3)",
                params![submission_id, receipt, now_millis()],
            )?;
            Ok(())
        }
    }
}
