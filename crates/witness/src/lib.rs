//! The witness log (见证记录): what a witness expert records during opening
//! and evaluation, so that nobody — the witness included — can quietly
//! change it later.
//!
//! Pure domain code: no I/O, no clock, no randomness, no crypto library
//! (signatures are checked by a verifier the caller supplies). Compiles to
//! wasm32 for the UI. Format and rules: `docs/witness.md`.
//!
//! - [`WitnessEntry`]: the signed payload, with [`WitnessStage`],
//!   [`WitnessCategory`] and [`Attachment`]; [`next_entry`] builds the entry
//!   that follows a log's head.
//! - [`entry_hash`]: SHA-256 of the envelope's canonical JSON; each entry's
//!   `prev_hash` is its predecessor's, [`GENESIS_HASH`] for the first.
//! - [`check_next`]: the append rule (`gap`, `fork`).
//! - [`verify_chain`], [`verify_export`]: the first `removed`, `reordered`,
//!   `inserted` or `altered` entry (or a signature problem) of a list.

mod entry;
mod error;
mod hash;
mod labels;
mod link;
mod next;
mod payload;
#[cfg(feature = "pki")]
pub mod pki;
mod verify;

#[cfg(test)]
mod testing;

pub use entry::{
    is_uuid_v7, Attachment, WitnessEntry, MAX_ATTACHMENTS, MAX_ATTACHMENT_NAME_CHARS,
    MAX_JSON_INTEGER, MAX_TEXT_CHARS,
};
pub use error::EntryError;
pub use hash::{canonical_envelope, entry_hash, is_sha256_hex, GENESIS_HASH};
pub use labels::{WitnessCategory, WitnessStage};
pub use link::{check_next, LinkError};
pub use next::{corrected_time, next_entry, EntryDraft, EntryStamp};
pub use payload::{decode_unverified, parse_entry, seal, SealedEntry};
pub use verify::{
    verify_chain, verify_export, EntryRef, EnvelopeVerifier, Fault, FaultKind, IntactLog,
    LogContext, SignatureFailure, Verdict, VerifiedSignature, PLATFORM_SIGNER_ID,
};

/// Re-exported so callers name the same wire types without another dependency.
pub use pingshen_api::{
    AttestedEntry, SignedEnvelope, WitnessExport, WitnessLogAttestation, WITNESS_ENTRY_TYP,
    WITNESS_EXPORT_FORMAT, WITNESS_LOG_TYP,
};
