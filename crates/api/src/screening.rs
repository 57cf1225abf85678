//! The panel's decisions on screening flags (串标分析): each decision names a
//! flag by its content-derived id (`pingshen-screens`), says what the panel
//! concluded and why, and is signed by the panel leader who records it.

use crate::auth::SignedEnvelope;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// Envelope `typ` of a [`ScreenDecision`].
pub const SCREEN_DECISION_TYP: &str = "pingshen.screen-decision+json";

/// What the panel concluded about a flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ScreenVerdict {
    /// 排除：有合理解释，不影响评审
    Dismissed,
    /// 记录在案：写入评标报告，继续评审
    Noted,
    /// 提请监管：移交行政监督部门核查
    Referred,
}

impl ScreenVerdict {
    pub fn label_zh(self) -> &'static str {
        match self {
            ScreenVerdict::Dismissed => "排除（有合理解释）",
            ScreenVerdict::Noted => "记录在案",
            ScreenVerdict::Referred => "提请行政监督部门核查",
        }
    }
}

/// The signed document of one decision. A later decision on the same flag
/// supersedes an earlier one; both stay on record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ScreenDecision {
    /// The client's idempotency key (UUIDv7).
    pub submission_id: String,
    pub project_id: String,
    /// The flag's id as the screens computed it.
    pub flag_id: String,
    /// The flag's kind code, e.g. `text_overlap`.
    pub flag_kind: String,
    /// Bidders (and experts) the flag involves.
    pub involved: Vec<String>,
    pub verdict: ScreenVerdict,
    /// Why; required.
    pub reason: String,
    /// The panel leader recording the panel's decision.
    pub decided_by: String,
}

/// A decision as the platform keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecordedScreenDecision {
    pub decision: ScreenDecision,
    pub envelope: SignedEnvelope,
    pub receipt: SignedEnvelope,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub received_at: OffsetDateTime,
}

/// Answer of `GET /api/v1/projects/{id}/screen-decisions`, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScreenDecisions {
    pub project_id: String,
    pub decisions: Vec<RecordedScreenDecision>,
}
