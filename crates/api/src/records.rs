//! Records the platform signs about a project, so that every input a number
//! depends on is signed by whoever is responsible for it: the opening record
//! (bidders, prices, ceiling, K) and the panel record (who was assigned, who
//! recused, who leads). Which certificate a person signed with, and in which
//! role the platform accepted it, the platform states in each receipt.

use crate::auth::SignedEnvelope;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// Envelope `typ` of the opening record (开标记录), signed by the platform.
pub const OPENING_RECORD_TYP: &str = "pingshen.opening-record+json";
/// Envelope `typ` of the panel record (评标委员会组成记录), signed by the platform.
pub const PANEL_RECORD_TYP: &str = "pingshen.panel-record+json";

/// One bid as read out at the opening.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct OpenedBid {
    pub bidder_id: String,
    pub bidder_name: String,
    /// 投标报价 in yuan, a decimal string.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "27365000.00"))]
    pub price: Decimal,
}

/// 开标记录: what was read out at the bid opening. The price scores are
/// computed from this signed record only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct OpeningRecord {
    pub platform_id: String,
    pub project_id: String,
    pub project_name: String,
    pub lot: String,
    pub centre: String,
    pub tenderer: String,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub opening_time: OffsetDateTime,
    /// 最高投标限价 in yuan.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub ceiling_price: Decimal,
    /// 下浮系数 K drawn at the opening, for methods that use it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub k: Option<Decimal>,
    /// In the order read out.
    pub bids: Vec<OpenedBid>,
}

/// Whether a panel member sits or recused (回避).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PanelSeat {
    /// Assigned and has not recused (whether or not yet declared).
    Sitting,
    /// Signed a recusal declaration.
    Recused,
}

/// One person in a [`PanelRecord`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PanelRecordPerson {
    pub id: String,
    pub name: String,
    /// For experts: sitting or recused. `None` for witnesses.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seat: Option<PanelSeat>,
    /// For experts: the latest score-sheet version the platform holds, so
    /// that a verifier notices a missing last version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sheet_version: Option<u32>,
}

/// One leader vote the platform counted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PanelVote {
    pub voter_id: String,
    pub candidate_id: String,
}

/// 评标委员会组成记录: the experts drawn for the project (sitting or
/// recused), the elected leader and the witnesses, as the platform records
/// them when it signs. A verifier requires, for each sitting expert, a
/// declaration, a score sheet and a signature over the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PanelRecord {
    pub platform_id: String,
    pub project_id: String,
    /// Every assigned expert, by id.
    pub experts: Vec<PanelRecordPerson>,
    /// The leader votes the platform holds, by voter.
    pub votes: Vec<PanelVote>,
    /// The elected leader (评标组长): the candidate with votes from more
    /// than half of the sitting experts, once there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub leader: Option<String>,
    /// Assigned witness experts (见证专家), by id.
    pub witnesses: Vec<PanelRecordPerson>,
    /// The panel's motions (表决) the platform holds, in the order it
    /// received them, each with the votes cast, by voter: what a package
    /// must contain, signed document for signed document.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub motions: Vec<PanelMotion>,
    /// The clarification questions (澄清) the platform holds, in the order
    /// it received them, and whether each was answered.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub clarifications: Vec<PanelClarification>,
}

/// A clarification question as the panel record lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PanelClarification {
    pub clarification_id: String,
    pub bidder_id: String,
    pub asked_by: String,
    pub answered: bool,
}

/// A motion as the panel record lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PanelMotion {
    pub motion_id: String,
    pub proposer_id: String,
    /// (voter, option), by voter.
    pub votes: Vec<PanelMotionVote>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PanelMotionVote {
    pub voter_id: String,
    pub option: String,
}

/// `GET /api/v1/crls`: the current CRL of every recognised CA, as the CAs
/// signed them (PEM). Clients cache them until each one's `nextUpdate`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CrlSet {
    pub crls: Vec<String>,
}

/// A platform-signed record as served: `GET /projects/{id}/opening-record`
/// and `GET /projects/{id}/panel-record`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SignedRecord {
    pub envelope: SignedEnvelope,
}

pub const CREDIT_RECORD_TYP: &str = "pingshen.credit-record+json";

pub use pingshen_rules::credit::CreditRecords;

/// 信用记录: the bidders' credit grades and adverse records for a project,
/// as the platform publishes and signs them. Credit points are computed
/// from this, never typed (`pingshen_rules::credit`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreditRecordDoc {
    pub platform_id: String,
    pub project_id: String,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub records: pingshen_rules::credit::CreditRecords,
}
