//! The typed table views of a [`crate::Store`]. Each write is one transaction
//! (an autocommit statement or an explicit IMMEDIATE transaction); with
//! `synchronous=FULL` a write that returned is on disk.

mod annotations;
mod documents;
mod drafts;
mod outbox;
mod projects;
mod receipts;
mod witness;

pub use annotations::{Annotation, AnnotationKind, Annotations};
pub(crate) use documents::search_doc_id;
pub use documents::{DocState, DocumentRecord, Documents, ManifestEntry, PdfInfo};
pub use drafts::{DraftEntry, DraftInput, Drafts, SheetRecord, SheetState};
pub use outbox::{Enqueued, NewSubmission, Outbox, OutboxEntry, OutboxState};
pub use projects::{CachedProject, ProjectPart, Projects};
pub use receipts::{Receipt, Receipts};
pub use witness::{NewWitnessEntry, WitnessEntry, WitnessLog};

use crate::error::{Result, StoreError};
use rusqlite::{Connection, Transaction, TransactionBehavior};

/// Starts a write transaction that takes the write lock at once, so a
/// read-check-write sequence inside it cannot race another writer.
pub(crate) fn write_tx(conn: &Connection) -> Result<Transaction<'_>> {
    Ok(Transaction::new_unchecked(
        conn,
        TransactionBehavior::Immediate,
    )?)
}

/// Checks that `text` is JSON (any value), without keeping the parse.
pub(crate) fn check_json(what: &'static str, text: &str) -> Result<()> {
    serde_json::from_str::<serde::de::IgnoredAny>(text)
        .map(|_| ())
        .map_err(|e| StoreError::InvalidJson {
            what,
            detail: e.to_string(),
        })
}
