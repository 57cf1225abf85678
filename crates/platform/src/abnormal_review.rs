//! The abnormal-price review the rules open (异常低价审查). When the
//! published rules carry `[abnormally_low]` triggers, the platform asks each
//! flagged bidder — in writing, signed with the platform's key, with the
//! computation in the question — to explain its price by the rules'
//! deadline, as soon as the panel has a leader: no expert has to notice the
//! price first, and none can forget to ask. The bidder answers like any
//! clarification; the panel then decides by vote (表决: accept the
//! explanation or reject the bid).
//!
//! Opened after the leader's election (the vote route) and checked again
//! whenever the panel lists its clarifications, so a crash between the two
//! loses nothing. Each bidder's review has a fixed id (`abnormal-{bidder}`)
//! and is stored once: a second opening finds it and does nothing.

use crate::db::sql::Conn;
use crate::db::{clarifications as db, projects};
use crate::receipts::{to_wire, Submitter};
use crate::submission::{record_once, Receipted, Record, SignedBody, Stored};
use crate::{AppState, PlatformError};
use pingshen_api::{
    ClarificationQuestion, Role, SignedEnvelope, Stage, CLARIFICATION_QUESTION_TYP, PLATFORM_ASKER,
};
use pingshen_rules::AbnormalReview;
use time::Duration;

/// The review's question id for a bidder: one review per bidder.
pub fn question_id(bidder: &str) -> String {
    format!("abnormal-{bidder}")
}

/// Asks every bidder the rules flag and that has not been asked yet.
/// Nothing to do before the panel has a leader, after it has risen, or
/// when the rules set no triggers.
pub async fn open(state: &AppState, project_id: &str) -> Result<(), PlatformError> {
    let pid = project_id.to_string();
    let due = state.db.call(move |c| due(c, &pid)).await?;
    for (review, hours) in due {
        let now = crate::clock::now();
        let q = ClarificationQuestion {
            project_id: project_id.to_string(),
            clarification_id: question_id(&review.bidder),
            bidder_id: review.bidder.clone(),
            asked_by: PLATFORM_ASKER.to_string(),
            text: pingshen_rules::explanation_request(&review, hours),
            deadline: now + Duration::hours(i64::from(hours)),
            motion_id: None,
        };
        let env = pingshen_pki::sign_value(state.pki.signer(), CLARIFICATION_QUESTION_TYP, &q, now)
            .map_err(|e| {
                PlatformError::Internal(format!("无法签署异常低价说明要求：{}", e.message_zh()))
            })?;
        let submitter = Submitter {
            id: PLATFORM_ASKER.to_string(),
            role: Role::Platform,
            fingerprint: state.pki.fingerprint(),
        };
        let body = SignedBody::new(&to_wire(env), submitter, now)?;
        match record_once(state, body, Opened(q)).await {
            // Opened by a concurrent call in between: already asked.
            Err(e) if e.code() == "submission_conflict" => {}
            other => {
                other?;
            }
        }
    }
    Ok(())
}

/// The flagged bidders not asked yet, with the hours to give them.
fn due(conn: &Conn, project: &str) -> Result<Vec<(AbnormalReview, u32)>, PlatformError> {
    let sitting = matches!(
        projects::stage_of(conn, project)?,
        Stage::Evaluating | Stage::Summary
    );
    if !sitting || crate::evaluation::leader(conn, project)?.is_none() {
        return Ok(Vec::new());
    }
    if crate::db::rules::get(conn, project, None)?.is_none() {
        return Ok(Vec::new());
    }
    let (rules, _, _) = crate::evaluation::rules_in_force(conn, project)?;
    let Some(section) = rules.abnormally_low else {
        return Ok(Vec::new());
    };
    let detail = projects::get(conn, project)?;
    let flagged = pingshen_rules::abnormal_at_opening(
        &section,
        detail.bidders.iter().map(|b| (b.id.as_str(), b.bid_price)),
        detail.summary.ceiling_price,
    );
    let mut out = Vec::new();
    for review in flagged {
        if db::question(conn, project, &question_id(&review.bidder))?.is_none() {
            out.push((review, section.answer_hours()));
        }
    }
    Ok(out)
}

/// A review's question as the platform records it: with its own receipt,
/// like any signed document, so the package and every check treat it alike.
#[derive(Clone)]
struct Opened(ClarificationQuestion);

impl Record for Opened {
    type Answer = SignedEnvelope;
    const KIND: &'static str = "clarification_question";

    fn submission_id(&self) -> String {
        self.0.submission_id()
    }
    fn project_id(&self) -> &str {
        &self.0.project_id
    }
    fn stored(&self, tx: &Conn) -> Result<Option<Stored<Self::Answer>>, PlatformError> {
        self.0.stored(tx)
    }
    fn conflict(&self) -> PlatformError {
        self.0.conflict()
    }
    fn check(&mut self, tx: &Conn) -> Result<(), PlatformError> {
        // Still due inside the transaction that records it.
        let still = due(tx, &self.0.project_id)?
            .iter()
            .any(|(r, _)| r.bidder == self.0.bidder_id);
        if still {
            Ok(())
        } else {
            Err(PlatformError::conflict(
                "submission_conflict",
                "异常低价审查已开启",
            ))
        }
    }
    fn insert(&self, tx: &Conn, r: &Receipted) -> Result<Self::Answer, PlatformError> {
        db::insert_question(tx, &self.0, r)?;
        Ok(r.receipt.clone())
    }
}
