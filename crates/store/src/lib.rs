//! The desktop's local store: everything an expert or witness needs to work
//! offline, in one SQLCipher database per person plus encrypted document
//! files, in a [`Vault`] folder.
//!
//! - [`Vault::open`] is the offline unlock: the person's key proves it holds
//!   the profile's certificate and unwraps the store master key (see
//!   `docs/store.md` for the key design).
//! - [`Store`] offers small typed views: [`Projects`], [`Documents`] (with
//!   the full-text search of `pingshen-docs`), [`Annotations`], [`Drafts`],
//!   [`Outbox`], [`Receipts`], [`WitnessLog`]; and [`Store::purge_project`].
//! - [`BlobWriter`] / [`BlobReader`]: bid documents encrypted at rest,
//!   written resumably, read by range.
//!
//! Every error is a [`StoreError`] with a stable `code()` and a Chinese
//! `message_zh()`. Every write is durable when it returns (WAL,
//! `synchronous=FULL`).

mod backoff;
mod blob;
mod clock;
mod db;
mod error;
mod fsutil;
mod ids;
mod lock;
mod migrations;
mod profile;
mod purge;
mod store;
mod tables;
mod vault;

pub use backoff::BackoffPolicy;
pub use blob::{BlobReader, BlobWriter, PlaintextDigests, CHUNK_LEN};
pub use error::{Result, StoreError};
pub use ids::MAX_ID_LEN;
pub use migrations::SCHEMA_VERSION;
pub use profile::{PersonInfo, ProfileSummary};
pub use purge::PurgeReport;
pub use store::Store;
pub use tables::{
    Annotation, AnnotationKind, Annotations, CachedProject, DocState, DocumentRecord, Documents,
    DraftEntry, DraftInput, Drafts, Enqueued, ManifestEntry, NewSubmission, NewWitnessEntry,
    Outbox, OutboxEntry, OutboxState, PdfInfo, ProjectPart, Projects, Receipt, Receipts,
    SheetRecord, SheetState, WitnessEntry, WitnessLog,
};
pub use vault::Vault;

/// Re-exported so callers can index and search pages without naming the docs crate.
pub use pingshen_docs::search::{Hit, PageInput, Query};
