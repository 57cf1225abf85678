//! The platform's signed receipt: proof that a submission arrived.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// Envelope `typ` of a receipt; the platform signs it with its own certificate.
pub const RECEIPT_TYP: &str = "pingshen.receipt+json";
pub const RECEIPT_PURPOSE: &str = "pingshen-receipt";

/// The payload of a receipt envelope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Receipt {
    /// Always [`RECEIPT_PURPOSE`].
    pub purpose: String,
    pub platform_id: String,
    /// What was received, e.g. `rules`, `declaration`, `score_sheet`.
    pub kind: String,
    /// The submitter's idempotency key (UUIDv7) or the stored object's id.
    pub submission_id: String,
    pub project_id: String,
    /// Who submitted (person id).
    pub submitted_by: String,
    /// The role in which the platform accepted the submission.
    pub submitter_role: crate::Role,
    /// SHA-256 (hex) of the certificate that signed the submitted document,
    /// which the platform checked is registered to `submitted_by`.
    pub signer_fingerprint: String,
    /// SHA-256 (hex) of the submitted signed envelope's JSON bytes, exactly
    /// as received: binds the receipt to one body.
    pub body_sha256: String,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub received_at: OffsetDateTime,
}
