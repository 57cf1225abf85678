//! Panel votes (表决): a motion any sitting expert proposes, one signed
//! vote per sitting expert, the outcome by simple majority of the sitting
//! panel (`pingshen_rules::motion`).

use crate::SignedEnvelope;
use pingshen_rules::motion::{AbnormalPriceDecision, MotionOutcome, Tally};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

pub const MOTION_TYP: &str = "pingshen.motion+json";
pub const MOTION_VOTE_TYP: &str = "pingshen.motion-vote+json";

/// What a motion is about; the platform acts on some outcomes (a carried
/// `reject` on an abnormal-price motion makes the bid invalid).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MotionKind {
    /// Whether to ask a bidder to clarify (澄清).
    Clarification,
    /// Whether to accept a bidder's explanation of an abnormally low price.
    AbnormalPrice,
    /// A disputed point of the evaluation (争议事项).
    Dispute,
    Other,
}

impl MotionKind {
    pub fn name_zh(self) -> &'static str {
        match self {
            MotionKind::Clarification => "澄清",
            MotionKind::AbnormalPrice => "异常低价",
            MotionKind::Dispute => "争议事项",
            MotionKind::Other => "其他",
        }
    }
}

/// A motion as its proposer signs it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Motion {
    pub project_id: String,
    /// Chosen by the proposer (a UUID): the idempotency key and the id
    /// votes name.
    pub motion_id: String,
    pub proposer_id: String,
    pub kind: MotionKind,
    /// The bidder it concerns, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bidder_id: Option<String>,
    /// The question put to the panel.
    pub text: String,
    /// Two to six distinct options, e.g. 采纳 / 不采纳.
    pub options: Vec<String>,
}

impl Motion {
    /// As an abnormal-price decision with its `outcome`, when it is one
    /// (kind `abnormal_price`, about a bidder): what
    /// `pingshen_rules::motion::rejections` takes — every consumer counts
    /// rejections the same way.
    pub fn abnormal_decision<'a>(
        &'a self,
        outcome: &'a MotionOutcome,
        outcome_zh: &'a str,
    ) -> Option<AbnormalPriceDecision<'a>> {
        if self.kind != MotionKind::AbnormalPrice {
            return None;
        }
        Some(AbnormalPriceDecision {
            bidder: self.bidder_id.as_deref()?,
            text: &self.text,
            outcome,
            outcome_zh,
        })
    }
}

/// One sitting expert's vote on a motion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct MotionVote {
    pub project_id: String,
    pub motion_id: String,
    pub voter_id: String,
    pub option: String,
}

/// A recorded vote: who, what and when, with the signed envelope and the
/// platform's receipt.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecordedMotionVote {
    pub voter_id: String,
    pub option: String,
    #[serde(with = "time::serde::rfc3339")]
    pub received_at: OffsetDateTime,
    pub envelope: SignedEnvelope,
    pub receipt: SignedEnvelope,
}

/// A motion with its votes and where it stands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MotionStatus {
    pub motion: Motion,
    #[serde(with = "time::serde::rfc3339")]
    pub proposed_at: OffsetDateTime,
    pub envelope: SignedEnvelope,
    pub receipt: SignedEnvelope,
    pub votes: Vec<RecordedMotionVote>,
    /// The sitting panel's ids (declared, not recused) the majority counts.
    pub sitting: Vec<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub outcome: MotionOutcome,
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Object>))]
    pub tallies: Vec<Tally>,
    /// The outcome in one Chinese sentence.
    pub outcome_zh: String,
}

/// `GET /projects/{id}/motions`: every motion, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Motions {
    pub project_id: String,
    pub motions: Vec<MotionStatus>,
}
