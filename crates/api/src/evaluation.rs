//! The evaluation itself: declarations, the leader vote, signed score
//! sheets, reopenings, the panel summary and the signed report.

use crate::auth::SignedEnvelope;
use pingshen_rules::{ExpertSheet, PanelResult};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

pub const DECLARATION_TYP: &str = "pingshen.declaration+json";
pub const LEADER_VOTE_TYP: &str = "pingshen.leader-vote+json";
pub const SCORE_SHEET_TYP: &str = "pingshen.score-sheet+json";
pub const REPORT_SIGNATURE_TYP: &str = "pingshen.report-signature+json";

/// The text every expert declares (回避声明).
pub const DECLARATION_TEXT: &str =
    "本人承诺：与本项目各投标人不存在利害关系，不存在法律法规规定的应当回避的情形；\
将遵守评标纪律，客观、公正地履行评标职责，对评标过程和结果保密。如有违反，愿承担相应法律责任。";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DeclarationDecision {
    /// 无利害关系，参加评标
    NoConflict,
    /// 申请回避
    Recuse,
}

/// What an expert signs before any bid document opens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Declaration {
    pub project_id: String,
    pub expert_id: String,
    /// Exactly [`DECLARATION_TEXT`].
    pub statement: String,
    pub decision: DeclarationDecision,
    /// Required when recusing: the relationship or circumstance.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// A vote for the panel leader (推选组长).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LeaderVote {
    pub project_id: String,
    pub voter_id: String,
    pub candidate_id: String,
}

/// An expert's signed score sheet, one version of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ScoreSheet {
    /// The client's idempotency key (UUIDv7): a retry carries the same id.
    pub submission_id: String,
    pub project_id: String,
    pub expert_id: String,
    /// 1 for the first submission; each reopening or deviation reason adds one.
    pub version: u32,
    /// The rules version the expert scored by, and its SHA-256.
    pub rules_version: u32,
    pub rules_sha256: String,
    /// The sheet itself (docs/rules.md, "Expert sheets").
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub sheet: ExpertSheet,
}

/// Body of the signed-document endpoints: one envelope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SignedSubmission {
    pub envelope: SignedEnvelope,
}

/// The platform's answer to a signed submission.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Accepted {
    /// The platform-signed receipt (payload: `Receipt`).
    pub receipt: SignedEnvelope,
}

/// Body of `POST …/sheets/{expert}/reopen` (评审回退, staff only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Reopen {
    pub reason: String,
}

/// One panel member as the panel view shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PanelMember {
    pub id: String,
    pub name: String,
    pub city: String,
    pub declaration: Option<DeclarationDecision>,
    /// Who this member voted for as leader.
    pub voted_for: Option<String>,
    /// Latest submitted sheet version.
    pub sheet_version: Option<u32>,
    /// The member may submit a new version (reopened, or reasons required).
    pub may_resubmit: bool,
    /// Factors this member must explain (deviation over the threshold).
    pub reasons_required: Vec<ReasonRequest>,
}

/// A score far from the panel mean that needs a written reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReasonRequest {
    pub bidder: String,
    pub factor: String,
    pub message: String,
}

/// `GET /projects/{id}/panel`: who sits, who leads, who has submitted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PanelStatus {
    pub project_id: String,
    pub members: Vec<PanelMember>,
    pub leader: Option<String>,
    /// Every non-recused member has submitted a sheet.
    pub all_submitted: bool,
    /// The current sheet the caller last submitted, if any (signed envelope).
    pub my_sheet: Option<SignedEnvelope>,
}

/// `GET /projects/{id}/summary` (panel leader and staff).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PanelSummary {
    pub project_id: String,
    pub rules_version: u32,
    /// Every expert's current sheet.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Object>))]
    pub sheets: Vec<ExpertSheet>,
    /// Aggregates, flags, ranking with its tie-break trace (docs/rules.md).
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub result: PanelResult,
}

/// What each expert signs to approve the report: its SHA-256.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ReportSignature {
    pub project_id: String,
    pub expert_id: String,
    pub report_sha256: String,
}

/// `GET /projects/{id}/report`: the report and who has signed it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportStatus {
    pub project_id: String,
    pub sha256: String,
    pub size: u64,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub generated_at: OffsetDateTime,
    /// Expert ids that signed this report's hash.
    pub signed_by: Vec<String>,
    /// Every panel member signed.
    pub complete: bool,
}

/// A signed document with the platform's receipt for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SignedWithReceipt {
    pub envelope: SignedEnvelope,
    pub receipt: SignedEnvelope,
}

/// `format` of an [`EvaluationPackage`].
pub const EVALUATION_PACKAGE_FORMAT: &str = "pingshen-evaluation-package/2";

/// Everything an auditor needs to re-check an evaluation offline
/// (`GET /projects/{id}/package`, verified by `pingshen verify`,
/// docs/package.md). Every input a number depends on is signed by whoever is
/// responsible for it: the opening record and the panel record by the
/// platform, the rules by staff, declarations, votes, sheets and report
/// signatures by the experts — each person's document with the platform's
/// signed receipt. Lists are in a canonical order (by person, then version)
/// so that a reordering is as visible as a deletion.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct EvaluationPackage {
    pub format: String,
    pub project_id: String,
    /// The platform-signed opening record (payload: `OpeningRecord`).
    pub opening_record: SignedEnvelope,
    /// The platform-signed panel record (payload: `PanelRecord`), signed at export.
    pub panel_record: SignedEnvelope,
    /// The rules in force, signed by staff, with the platform's receipt.
    pub rules: crate::PublishedRules,
    /// One per assigned expert, by expert id.
    pub declarations: Vec<SignedWithReceipt>,
    /// The leader votes, by voter id.
    pub leader_votes: Vec<SignedWithReceipt>,
    /// Every version of every sheet, by expert id then version.
    pub sheets: Vec<SignedWithReceipt>,
    /// The panel result as the platform computed it (docs/rules.md); the
    /// verifier recomputes it from the signed inputs.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub result: PanelResult,
    /// The report PDF, base64.
    pub report_pdf_base64: String,
    pub report_sha256: String,
    /// One per sitting expert over `report_sha256`, by expert id.
    pub report_signatures: Vec<SignedWithReceipt>,
    /// The log of every assigned witness, by witness id.
    pub witness_logs: Vec<crate::WitnessExport>,
    /// Every motion (表决), in the order of the panel record.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub motions: Vec<SignedWithReceipt>,
    /// Every vote on them, by motion (panel-record order) then voter.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub motion_votes: Vec<SignedWithReceipt>,
    /// The platform-signed credit record (payload: `CreditRecordDoc`), when
    /// the project has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credit_record: Option<SignedEnvelope>,
    /// Every clarification question (澄清), in the panel record's order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub clarification_questions: Vec<SignedWithReceipt>,
    /// Every answer, signed by the bidder, in the order of its question.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub clarification_answers: Vec<SignedWithReceipt>,
    /// The CAs' CRLs (PEM) the platform held at export, for revocation checks.
    pub crls: Vec<String>,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub exported_at: OffsetDateTime,
}
