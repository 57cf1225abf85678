//! Clarification (澄清): the panel leader asks one bidder a signed question
//! with a deadline; the bidder answers through the platform, signed with
//! its own CA certificate (it has no session: the signature is its
//! credential). The platform refuses answers after the deadline
//! (`deadline_passed`), answers to questions never asked
//! (`unsolicited`), and answers signed by anyone but the addressee. Each
//! answer becomes a document of the project — a PDF of the question and
//! the answer — in the signed manifest every expert syncs.

use super::evaluation::require_stage;
use crate::db::sql::Conn;
use crate::db::{clarifications as db, projects, witness::is_panel_leader};
use crate::json::ApiJson;
use crate::path::ApiPath;
use crate::receipts::Submitter;
use crate::submission::{
    accept, check_submission_id, record_once, verify_envelope, Incoming, Receipted, Record,
    SignedBody, Stored,
};
use crate::{AppState, Caller, PlatformError};
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use pingshen_api::{
    Accepted, Clarification, ClarificationAnswer, ClarificationQuestion, ClarificationState,
    Clarifications, DocumentKind, ErrorBody, MotionKind, Role, SignedEnvelope, SignedSubmission,
    Stage, CLARIFICATION_ANSWER_TYP,
};
use pingshen_rules::motion::MotionOutcome;
use time::{Duration, OffsetDateTime};

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/projects/{id}/clarifications", get(list).post(ask))
        .route(
            "/projects/{id}/clarifications/{clarification_id}/answer",
            post(answer),
        )
}

/// While the panel sits.
const SITTING: &[Stage] = &[Stage::Evaluating, Stage::Summary];
/// The longest a bidder may be given.
const MAX_WAIT: Duration = Duration::days(7);

fn bad(code: &'static str, message: impl Into<String>) -> PlatformError {
    PlatformError::bad_request(code, message)
}

/// The panel leader's signed question to one bidder.
#[utoipa::path(post, path = "/api/v1/projects/{id}/clarifications", tag = "clarification",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "项目编号")),
    request_body = SignedSubmission,
    responses(
        (status = 201, description = "澄清问题已发出", body = Accepted),
        (status = 200, description = "该问题已发出过", body = Accepted),
        (status = 400, description = "问题、投标人或截止时间无效", body = ErrorBody),
        (status = 403, description = "仅限评标组长（not_leader）", body = ErrorBody),
        (status = 409, description = "同一编号不同内容 / 阶段不符", body = ErrorBody)))]
pub async fn ask(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(project_id): ApiPath<String>,
    ApiJson(body): ApiJson<SignedSubmission>,
) -> Result<(StatusCode, Json<Accepted>), PlatformError> {
    caller.require_role(Role::Expert)?;
    caller.require_documents(&state, &project_id).await?;
    let Incoming { doc, body } =
        accept::<ClarificationQuestion>(&state, &caller, &body.envelope).await?;
    if doc.project_id != project_id || doc.asked_by != caller.person.id {
        return Err(bad("project_mismatch", "澄清问题的项目或提问人与请求不符"));
    }
    check_submission_id(&doc.clarification_id)?;
    let len = doc.text.trim().chars().count();
    if !(4..=4000).contains(&len) {
        return Err(bad("bad_question", "澄清问题须写明（4–4000 个字）"));
    }
    let (status, receipt) = record_once(&state, body, doc).await?;
    Ok((status, Json(Accepted { receipt })))
}

impl Record for ClarificationQuestion {
    type Answer = SignedEnvelope;
    const KIND: &'static str = "clarification_question";

    fn submission_id(&self) -> String {
        format!(
            "{}/clarification/{}",
            self.project_id, self.clarification_id
        )
    }
    fn project_id(&self) -> &str {
        &self.project_id
    }
    fn stored(&self, tx: &Conn) -> Result<Option<Stored<Self::Answer>>, PlatformError> {
        db::recorded_question(tx, &self.project_id, &self.clarification_id)
    }
    fn conflict(&self) -> PlatformError {
        PlatformError::conflict("submission_conflict", "同一编号已发出了不同的澄清问题")
    }
    fn check(&mut self, tx: &Conn) -> Result<(), PlatformError> {
        if !is_panel_leader(tx, &self.project_id, &self.asked_by)? {
            return Err(PlatformError::forbidden(
                "not_leader",
                "澄清问题由评标组长代表评标委员会发出",
            ));
        }
        require_stage(tx, &self.project_id, SITTING)?;
        let project = projects::get(tx, &self.project_id)?;
        if !project.bidders.iter().any(|b| b.id == self.bidder_id) {
            return Err(bad(
                "unknown_bidder",
                format!("本项目没有投标人 {}", self.bidder_id),
            ));
        }
        // Asked "by the panel by vote": the motion must be a carried
        // clarification motion about this bidder.
        if let Some(m) = &self.motion_id {
            let carried = crate::evaluation::motion_statuses(tx, &self.project_id)?
                .into_iter()
                .find(|s| &s.motion.motion_id == m)
                .is_some_and(|s| {
                    s.motion.kind == MotionKind::Clarification
                        && s.motion.bidder_id.as_deref() == Some(self.bidder_id.as_str())
                        && matches!(s.outcome, MotionOutcome::Carried { .. })
                });
            if !carried {
                return Err(PlatformError::conflict(
                    "motion_not_carried",
                    format!("表决 {m} 不是已通过的、针对 {} 的澄清表决", self.bidder_id),
                ));
            }
        }
        let now = crate::clock::now();
        if self.deadline <= now || self.deadline > now + MAX_WAIT {
            return Err(bad(
                "bad_deadline",
                "澄清截止时间须在现在之后、7 天之内（给投标人合理的答复时间）",
            ));
        }
        Ok(())
    }
    fn insert(&self, tx: &Conn, r: &Receipted) -> Result<Self::Answer, PlatformError> {
        db::insert_question(tx, self, r)?;
        Ok(r.receipt.clone())
    }
}

/// The bidder's signed answer. No session: the envelope's certificate must
/// be one bound to the addressed bidder.
#[utoipa::path(post, path = "/api/v1/projects/{id}/clarifications/{clarification_id}/answer",
    tag = "clarification",
    params(("id" = String, Path, description = "项目编号"),
           ("clarification_id" = String, Path, description = "澄清问题编号")),
    request_body = SignedSubmission,
    responses(
        (status = 201, description = "答复已签收", body = Accepted),
        (status = 200, description = "该答复已签收过", body = Accepted),
        (status = 401, description = "签名无效", body = ErrorBody),
        (status = 403, description = "签名证书不属于被提问的投标人（not_bidder、signer_mismatch）", body = ErrorBody),
        (status = 409, description = "未被提问（unsolicited）/ 已过截止时间（deadline_passed）/ 已答复（already_answered）", body = ErrorBody)))]
pub async fn answer(
    State(state): State<AppState>,
    ApiPath((project_id, clarification_id)): ApiPath<(String, String)>,
    ApiJson(body): ApiJson<SignedSubmission>,
) -> Result<(StatusCode, Json<Accepted>), PlatformError> {
    let at = crate::clock::now();
    let verified = verify_envelope(&state, &body.envelope, CLARIFICATION_ANSWER_TYP, at)?;
    let fp = verified.signer.fingerprint_sha256.clone();
    let bidder = state
        .db
        .call(move |c| db::bidder_by_fingerprint(c, &fp))
        .await?
        .ok_or_else(|| {
            PlatformError::forbidden("not_bidder", "签名证书未登记为投标人证书，不能答复澄清")
        })?;
    let doc: ClarificationAnswer = serde_json::from_value(verified.payload)
        .map_err(|e| bad("bad_document", format!("签名内容不是澄清答复：{e}")))?;
    if doc.bidder_id != bidder {
        return Err(PlatformError::forbidden(
            "signer_mismatch",
            "签名证书不属于答复中写明的投标人",
        ));
    }
    if doc.project_id != project_id || doc.clarification_id != clarification_id {
        return Err(bad("project_mismatch", "答复的项目或澄清编号与请求不符"));
    }
    let len = doc.text.trim().chars().count();
    if !(1..=20000).contains(&len) {
        return Err(bad("bad_answer", "答复内容不能为空（不超过 20000 字）"));
    }
    // Asked of this bidder at all? Said before anything about answers, so a
    // bidder learns nothing of what others were asked or answered.
    let (pid, cid, b) = (project_id.clone(), clarification_id.clone(), bidder.clone());
    let (question, answered, project) = state
        .db
        .call(move |c| {
            let q = db::question(c, &pid, &cid)?.filter(|q| q.doc.bidder_id == b);
            let answered = db::recorded_answer(c, &pid, &cid)?.is_some();
            Ok((q, answered, projects::get(c, &pid)?))
        })
        .await?;
    let Some(question) = question else {
        return Err(unsolicited());
    };
    if at > question.doc.deadline && !answered {
        return Err(deadline_passed(question.doc.deadline));
    }
    // The document the answer becomes, rendered and stored before the
    // transaction (rendering loads the CJK fonts: not while the one
    // connection is held). Not for a retry or a second answer: those are
    // answered from what is stored. A refused answer may leave an unlisted
    // file behind; the store is content-addressed and lists only what the
    // transaction registers.
    let entry = if answered {
        None
    } else {
        let pdf = crate::clarification_pdf::render(
            &project,
            &question.doc,
            question.at,
            &doc,
            at,
            &verified.signer.subject,
        )?;
        Some(crate::files::put(&state.data_dir, &pdf)?.manifest_file(
            format!("clarification-{}", doc.clarification_id),
            Some(doc.bidder_id.clone()),
            DocumentKind::Clarification,
            format!("澄清答复-{}.pdf", doc.bidder_id),
        ))
    };
    let submitter = Submitter {
        id: bidder,
        role: Role::Bidder,
        fingerprint: verified.signer.fingerprint_sha256.clone(),
    };
    let body = SignedBody::new(&body.envelope, submitter, at)?;
    let record = AnswerRecord { doc, entry };
    let (status, receipt) = record_once(&state, body, record).await?;
    Ok((status, Json(Accepted { receipt })))
}

fn deadline_passed(deadline: OffsetDateTime) -> PlatformError {
    PlatformError::conflict(
        "deadline_passed",
        format!(
            "已超过澄清截止时间（{}），答复不予接收",
            pingshen_rules::display::beijing(deadline, false)
        ),
    )
}

/// The panel may not accept a clarification a bidder offers unasked.
fn unsolicited() -> PlatformError {
    PlatformError::conflict(
        "unsolicited",
        "评标委员会未向该投标人提出此澄清问题：不接受投标人主动提出的澄清",
    )
}

#[derive(Clone)]
struct AnswerRecord {
    doc: ClarificationAnswer,
    /// The stored document of question and answer, to list in the manifest.
    entry: Option<pingshen_api::ManifestFile>,
}

impl Record for AnswerRecord {
    type Answer = SignedEnvelope;
    const KIND: &'static str = "clarification_answer";

    fn submission_id(&self) -> String {
        format!(
            "{}/clarification/{}/answer",
            self.doc.project_id, self.doc.clarification_id
        )
    }
    fn project_id(&self) -> &str {
        &self.doc.project_id
    }
    fn stored(&self, tx: &Conn) -> Result<Option<Stored<Self::Answer>>, PlatformError> {
        db::recorded_answer(tx, &self.doc.project_id, &self.doc.clarification_id)
    }
    fn conflict(&self) -> PlatformError {
        PlatformError::conflict("already_answered", "该澄清问题已答复，答复不能更改")
    }
    fn check(&mut self, tx: &Conn) -> Result<(), PlatformError> {
        let asked = db::question(tx, &self.doc.project_id, &self.doc.clarification_id)?
            .filter(|q| q.doc.bidder_id == self.doc.bidder_id);
        let Some(q) = asked else {
            return Err(unsolicited());
        };
        if crate::clock::now() > q.doc.deadline {
            return Err(deadline_passed(q.doc.deadline));
        }
        require_stage(tx, &self.doc.project_id, SITTING)
    }
    fn insert(&self, tx: &Conn, r: &Receipted) -> Result<Self::Answer, PlatformError> {
        // Rendered before the transaction; absent only when an answer was
        // stored in between (then `stored` answered, and this never runs).
        let entry = self
            .entry
            .as_ref()
            .ok_or_else(|| PlatformError::Internal("澄清答复文件未生成".into()))?;
        let position = crate::db::documents::next_position(tx, &self.doc.project_id)?;
        crate::db::documents::upsert(tx, &self.doc.project_id, entry, position)?;
        db::insert_answer(tx, &self.doc, &entry.file_id, r)?;
        Ok(r.receipt.clone())
    }
}

/// Every question with its answer and state, oldest first: for the panel
/// and staff.
#[utoipa::path(get, path = "/api/v1/projects/{id}/clarifications", tag = "clarification",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "项目编号")),
    responses(
        (status = 200, description = "澄清问题与答复", body = Clarifications),
        (status = 403, description = "仅限评标委员会成员与工作人员", body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(project_id): ApiPath<String>,
) -> Result<Json<Clarifications>, PlatformError> {
    caller.require_panel(&state, &project_id, "澄清").await?;
    // Opened with the leader's election; again here should that have been
    // cut short (it does nothing when all are open).
    crate::abnormal_review::open(&state, &project_id).await?;
    let pid = project_id.clone();
    let items = state
        .db
        .call(move |c| clarifications(c, &pid, crate::clock::now()))
        .await?;
    Ok(Json(Clarifications { project_id, items }))
}

/// Every question of a project with its answer and its state at `now`.
pub fn clarifications(
    conn: &Conn,
    project: &str,
    now: OffsetDateTime,
) -> Result<Vec<Clarification>, PlatformError> {
    let mut out = Vec::new();
    for q in db::questions(conn, project)? {
        let answer = db::answer(conn, project, &q.doc.clarification_id)?;
        let state = match (&answer, now > q.doc.deadline) {
            (Some(_), _) => ClarificationState::Answered,
            (None, true) => ClarificationState::Expired,
            (None, false) => ClarificationState::Awaiting,
        };
        out.push(Clarification {
            question: q.doc,
            asked_at: q.at,
            envelope: q.envelope,
            receipt: q.receipt,
            answer,
            state,
        });
    }
    Ok(out)
}
