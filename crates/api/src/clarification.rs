//! Clarification (澄清): the panel asks one bidder, in writing and signed,
//! to clarify unclear content or an obvious error in its bid, by a
//! deadline; the bidder answers, signed with its own CA certificate. The
//! answer may not go beyond the bid or change its substance (that is the
//! panel's judgement); what the platform enforces is who may ask, who may
//! answer, and when.

use crate::SignedEnvelope;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

pub const CLARIFICATION_QUESTION_TYP: &str = "pingshen.clarification-question+json";
pub const CLARIFICATION_ANSWER_TYP: &str = "pingshen.clarification-answer+json";
/// `asked_by` of a question the platform issued itself: the request to
/// explain an abnormally low price, which the published rules' triggers
/// open as soon as the panel has a leader. Signed by the platform's key,
/// with the platform's receipt naming the platform as submitter.
pub const PLATFORM_ASKER: &str = "platform";
/// Who asked, when the platform did — as every view and document says it.
pub const PLATFORM_ASKER_ZH: &str = "交易平台（依评标办法的异常低价启动条件自动发出）";

/// The panel's question, signed by the panel leader — or by the platform
/// (`asked_by` = [`PLATFORM_ASKER`]) when the rules opened an
/// abnormal-price review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ClarificationQuestion {
    pub project_id: String,
    /// Chosen by the leader (a UUID): the idempotency key and the id the
    /// bidder's answer names.
    pub clarification_id: String,
    pub bidder_id: String,
    pub asked_by: String,
    pub text: String,
    /// Answers received after this time are refused (`deadline_passed`).
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub deadline: OffsetDateTime,
    /// The carried motion that decided to ask, if the panel voted on it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub motion_id: Option<String>,
}

impl ClarificationQuestion {
    /// Asked by the platform under the rules (an abnormal-price review).
    pub fn by_platform(&self) -> bool {
        self.asked_by == PLATFORM_ASKER
    }

    /// Who asked, in Chinese: the platform, or the leader by `name`.
    pub fn asker_zh(&self, name: impl Fn(&str) -> String) -> String {
        if self.by_platform() {
            PLATFORM_ASKER_ZH.to_string()
        } else {
            format!("评标委员会（组长 {}）", name(&self.asked_by))
        }
    }
}

/// The bidder's answer, signed with the bidder's own certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ClarificationAnswer {
    pub project_id: String,
    pub clarification_id: String,
    pub bidder_id: String,
    pub text: String,
}

/// An answer as recorded: the signed envelope, the platform's receipt and
/// the document it became (a PDF of the question and the answer, in the
/// project's signed manifest).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecordedAnswer {
    pub answer: ClarificationAnswer,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub received_at: OffsetDateTime,
    pub envelope: SignedEnvelope,
    pub receipt: SignedEnvelope,
    /// The manifest file holding the question and this answer.
    pub file_id: String,
}

/// Where a question stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ClarificationState {
    /// Waiting for the bidder, before the deadline.
    Awaiting,
    Answered,
    /// The deadline passed without an answer.
    Expired,
}

/// A question with its answer, if any.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Clarification {
    pub question: ClarificationQuestion,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub asked_at: OffsetDateTime,
    pub envelope: SignedEnvelope,
    pub receipt: SignedEnvelope,
    pub answer: Option<RecordedAnswer>,
    pub state: ClarificationState,
}

/// `GET /projects/{id}/clarifications`: every question, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Clarifications {
    pub project_id: String,
    pub items: Vec<Clarification>,
}
