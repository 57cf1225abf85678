//! Clarification (澄清) on the expert's side: the panel leader signs a
//! question to a bidder and queues it (the outbox sends it once); every
//! expert sees the questions and answers only after verifying them — the
//! leader's signature (or the platform's, for the abnormal-price reviews
//! the rules open) and the platform's receipt for the question, the
//! bidder's own certificate and receipt for the answer.

use crate::outbox::enqueue;
use crate::{AppError, PlatformTrust};
use pingshen_api::ipc::{AnswerView, ClarificationPage, ClarificationView, QuestionDraft};
use pingshen_api::{
    Clarification, ClarificationAnswer, ClarificationQuestion, Role, SignedWithReceipt,
    CLARIFICATION_ANSWER_TYP, CLARIFICATION_QUESTION_TYP, PLATFORM_ASKER,
};
use pingshen_audit::{person_document, person_or_platform_document, Expect};
use pingshen_client::{sign_document, PlatformClient};
use pingshen_pki::Signer;
use pingshen_store::{OutboxState, Store};

pub const KIND_QUESTION: &str = "clarification_question";
pub const KIND_ANSWER: &str = "clarification_answer";

/// Signs the leader's question and queues it. Returns its id.
pub fn ask(
    store: &Store,
    signer: &dyn Signer,
    project: &str,
    me: &str,
    draft: &QuestionDraft,
) -> Result<String, AppError> {
    let text = draft.text.trim();
    if text.chars().count() < 4 {
        return Err(AppError::new(
            "bad_question",
            "请写明澄清问题（不少于 4 个字）",
        ));
    }
    if !(1..=168).contains(&draft.hours) {
        return Err(AppError::new("bad_deadline", "答复期限须为 1–168 小时"));
    }
    // Whole seconds: the platform stores and compares times to the second.
    let now = time::OffsetDateTime::now_utc();
    let now = now.replace_nanosecond(0).unwrap_or(now);
    let q = ClarificationQuestion {
        project_id: project.into(),
        clarification_id: uuid::Uuid::now_v7().to_string(),
        bidder_id: draft.bidder_id.clone(),
        asked_by: me.into(),
        text: text.into(),
        deadline: now + time::Duration::hours(i64::from(draft.hours)),
        motion_id: None,
    };
    let env = sign_document(signer, CLARIFICATION_QUESTION_TYP, &q)?;
    enqueue(
        store,
        &q.clarification_id,
        KIND_QUESTION,
        project,
        &format!("projects/{project}/clarifications"),
        &env,
    )?;
    Ok(q.clarification_id)
}

/// Every question with its answer, verified; with the questions still in
/// the outbox.
pub async fn page(
    store: &std::sync::Mutex<Store>,
    client: Option<&PlatformClient>,
    trust: &PlatformTrust,
    project: &str,
) -> Result<ClarificationPage, AppError> {
    let listed = match client {
        Some(c) => c.clarifications(project).await?.items,
        None => Vec::new(),
    };
    let items = listed
        .iter()
        .map(|c| verified(trust, project, c))
        .collect::<Result<Vec<_>, _>>()?;
    let mut pending = Vec::new();
    for e in crate::lock(store)?.outbox().list(project)? {
        if e.kind != KIND_QUESTION || e.state != OutboxState::Pending {
            continue;
        }
        if let Some(q) = crate::motions::queued::<ClarificationQuestion>(&e.body) {
            if !items
                .iter()
                .any(|i| i.clarification_id == q.clarification_id)
            {
                pending.push(QuestionDraft {
                    bidder_id: q.bidder_id,
                    text: q.text,
                    hours: 0,
                });
            }
        }
    }
    Ok(ClarificationPage { items, pending })
}

fn refused(what: &str, r: pingshen_audit::Refusal) -> AppError {
    AppError::new(
        "clarification_unverified",
        format!(
            "平台提供的{what}未通过验证，已拒绝显示：{}（{}）",
            r.message, r.code
        ),
    )
}

fn verified(
    trust: &PlatformTrust,
    project: &str,
    c: &Clarification,
) -> Result<ClarificationView, AppError> {
    // The leader's question — or the platform's own, when the rules opened
    // an abnormal-price review.
    let q = person_or_platform_document(
        &trust.cas,
        &trust.pins,
        &SignedWithReceipt {
            envelope: c.envelope.clone(),
            receipt: c.receipt.clone(),
        },
        &Expect {
            typ: CLARIFICATION_QUESTION_TYP,
            kind: KIND_QUESTION,
            role: Role::Expert,
            project,
            platform_id: None,
        },
        PLATFORM_ASKER,
        |q: &ClarificationQuestion| q.asked_by.clone(),
        |q| q.project_id.clone(),
    )
    .map_err(|r| refused("澄清问题", r))?
    .doc;
    if q != c.question {
        return Err(AppError::new(
            "clarification_unverified",
            "平台列出的澄清问题与签名文件不一致，已拒绝显示",
        ));
    }
    let answer = match &c.answer {
        None => None,
        Some(a) => {
            let d = person_document(
                &trust.cas,
                &trust.pins,
                &SignedWithReceipt {
                    envelope: a.envelope.clone(),
                    receipt: a.receipt.clone(),
                },
                &Expect {
                    typ: CLARIFICATION_ANSWER_TYP,
                    kind: KIND_ANSWER,
                    role: Role::Bidder,
                    project,
                    platform_id: None,
                },
                |a: &ClarificationAnswer| a.bidder_id.clone(),
                |a| a.project_id.clone(),
            )
            .map_err(|r| refused("澄清答复", r))?;
            let same = d.doc == a.answer
                && d.doc.clarification_id == q.clarification_id
                && d.doc.bidder_id == q.bidder_id;
            if !same {
                return Err(AppError::new(
                    "clarification_unverified",
                    "平台列出的澄清答复与签名文件或问题不一致，已拒绝显示",
                ));
            }
            Some(AnswerView {
                text: d.doc.text,
                received_at: d.receipt.received_at,
                signer: d.signer_name.unwrap_or_else(|| q.bidder_id.clone()),
                file_id: a.file_id.clone(),
            })
        }
    };
    Ok(ClarificationView {
        clarification_id: q.clarification_id,
        bidder_id: q.bidder_id,
        asked_by: q.asked_by,
        asked_at: c.asked_at,
        deadline: q.deadline,
        text: q.text,
        state: c.state,
        answer,
    })
}
