//! Evaluation rules published to a project by staff.

use crate::auth::SignedEnvelope;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// Envelope `typ` of a rules publication signed by a staff member.
pub const RULES_TYP: &str = "pingshen.rules+json";

/// What staff sign when publishing rules (the envelope's payload).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RulesDocument {
    pub project_id: String,
    /// The rules file (TOML, docs/rules.md), exactly as published.
    pub rules_toml: String,
    /// The version this edit started from; `None` for the first publication.
    /// A stale base is refused so two staff cannot overwrite each other.
    pub based_on_version: Option<u32>,
}

/// Body of `POST /api/v1/projects/{id}/rules`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PublishRules {
    pub envelope: SignedEnvelope,
}

/// One published version of a project's rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublishedRules {
    pub project_id: String,
    pub version: u32,
    pub rules_toml: String,
    /// SHA-256 (hex) of `rules_toml`.
    pub sha256: String,
    pub published_by: String,
    pub published_by_name: String,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub published_at: OffsetDateTime,
    /// The staff member's signed envelope, for anyone to re-verify.
    pub envelope: SignedEnvelope,
    /// The platform's signed receipt of the publication.
    pub receipt: SignedEnvelope,
}
