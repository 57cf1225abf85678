//! The witness log (见证记录): wire types of syncing, reading and exporting
//! it. The entry payload itself, its hash and the chain rules live in
//! `pingshen-witness`; the format is described in `docs/witness.md`.

use crate::auth::SignedEnvelope;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// Envelope `typ` of a witness entry signed by the witness expert.
pub const WITNESS_ENTRY_TYP: &str = "pingshen.witness-entry+json";
/// Envelope `typ` of the platform's signed statement of a whole log.
pub const WITNESS_LOG_TYP: &str = "pingshen.witness-log+json";
/// Envelope `typ` of the witness's signature over a witness report PDF.
pub const WITNESS_REPORT_TYP: &str = "pingshen.witness-report+json";
/// `purpose` of a [`WitnessLogAttestation`].
pub const WITNESS_LOG_PURPOSE: &str = "pingshen-witness-log";
/// `kind` of the receipt the platform signs for each entry.
pub const WITNESS_RECEIPT_KIND: &str = "witness_entry";
/// `format` of an exported log ([`WitnessExport`]).
pub const WITNESS_EXPORT_FORMAT: &str = "pingshen.witness-export/1";
/// Most entries one `POST …/witness/entries` may carry.
pub const WITNESS_MAX_BATCH: usize = 200;

/// Body of `POST /api/v1/projects/{id}/witness/entries`: signed entries of
/// the caller's log, in seq order, continuing what the platform holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SubmitWitnessEntries {
    pub entries: Vec<SignedEnvelope>,
}

/// The platform's answer for one entry of a batch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WitnessEntryReceipt {
    pub seq: u64,
    pub entry_id: String,
    /// SHA-256 (hex) of the entry's canonical envelope; equals the
    /// receipt's `body_sha256`.
    pub entry_hash: String,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub received_at: OffsetDateTime,
    /// The platform's signed receipt (kind `witness_entry`, submission id =
    /// entry id).
    pub receipt: SignedEnvelope,
}

/// Answer of `POST …/witness/entries`: one receipt per submitted entry, in
/// the order submitted. A retried batch gets the same receipts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WitnessSyncResult {
    pub project_id: String,
    pub witness_id: String,
    /// How many of the submitted entries were new (the rest were already stored).
    pub stored: u32,
    pub receipts: Vec<WitnessEntryReceipt>,
}

/// One stored entry as the platform lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WitnessLogEntry {
    pub witness_id: String,
    pub witness_name: String,
    pub seq: u64,
    pub entry_id: String,
    pub entry_hash: String,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub received_at: OffsetDateTime,
    /// The witness's signed entry, exactly as stored (canonical form).
    pub envelope: SignedEnvelope,
    pub receipt: SignedEnvelope,
}

/// Answer of `GET /api/v1/projects/{id}/witness/entries`: the project's
/// log(s), ordered by witness then seq.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WitnessLogView {
    pub project_id: String,
    pub entries: Vec<WitnessLogEntry>,
}

/// One line of a [`WitnessLogAttestation`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AttestedEntry {
    pub seq: u64,
    pub entry_id: String,
    pub entry_hash: String,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub received_at: OffsetDateTime,
}

/// What the platform signs when it exports a log (envelope `typ`
/// [`WITNESS_LOG_TYP`]): every entry it holds, in order, at `exported_at`.
/// It makes a removed last entry, or a removed entry together with its
/// receipt, detectable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct WitnessLogAttestation {
    /// Always [`WITNESS_LOG_PURPOSE`].
    pub purpose: String,
    pub platform_id: String,
    pub project_id: String,
    pub witness_id: String,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub exported_at: OffsetDateTime,
    pub entries: Vec<AttestedEntry>,
}

/// An exported log (`GET /api/v1/projects/{id}/witness/export`): one JSON
/// document an auditor verifies offline with `pingshen verify`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct WitnessExport {
    /// Always [`WITNESS_EXPORT_FORMAT`].
    pub format: String,
    pub project_id: String,
    pub witness_id: String,
    /// The witness's signed entries, in seq order.
    pub entries: Vec<SignedEnvelope>,
    /// The platform's receipt of each entry, in the same order.
    pub receipts: Vec<SignedEnvelope>,
    /// The platform's signed [`WitnessLogAttestation`].
    pub attestation: SignedEnvelope,
}

/// What the witness signs for a witness report (见证报告): the PDF's hash and
/// the log it summarises (how many entries, the last entry's hash), so the
/// report can be matched to the chain on the platform.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct WitnessReportSignature {
    pub project_id: String,
    pub witness_id: String,
    /// SHA-256 (hex) of the PDF's bytes.
    pub report_sha256: String,
    pub entries: u64,
    /// `entry_hash` of the last entry in the report.
    pub last_entry_hash: String,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub signed_at: OffsetDateTime,
}
