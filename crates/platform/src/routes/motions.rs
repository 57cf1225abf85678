//! Panel votes (表决): any sitting expert proposes a motion, each sitting
//! expert votes once, signed; the outcome is a simple majority of the
//! sitting panel, recounted from the signed votes on every read. Read by
//! the panel and staff.

use super::evaluation::require_stage;
use crate::db::sql::Conn;
use crate::db::{motions as db, projects};
use crate::json::ApiJson;
use crate::path::ApiPath;
use crate::submission::{
    accept, check_submission_id, record_once, Incoming, Receipted, Record, Stored,
};
use crate::{AppState, Caller, PlatformError};
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use pingshen_api::{
    Accepted, ErrorBody, Motion, MotionKind, MotionVote, Motions, Role, SignedEnvelope,
    SignedSubmission, Stage,
};
use pingshen_rules::motion::{ACCEPT_EXPLANATION, REJECT_BID};

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/projects/{id}/motions", get(list).post(propose))
        .route("/projects/{id}/motions/{motion_id}/votes", post(vote))
}

/// While the panel sits: scoring, and the summary that follows it.
const SITTING: &[Stage] = &[Stage::Evaluating, Stage::Summary];

fn bad(code: &'static str, message: impl Into<String>) -> PlatformError {
    PlatformError::bad_request(code, message)
}

/// Refuses unless `person` sits on the project's panel (declared, not recused).
fn require_sitting(conn: &Conn, project: &str, person: &str) -> Result<Vec<String>, PlatformError> {
    let sitting: Vec<String> = crate::evaluation::sitting(conn, project)?
        .into_iter()
        .map(|p| p.id)
        .collect();
    let declared = crate::db::evaluation::declaration(conn, project, person)?
        == Some(pingshen_api::DeclarationDecision::NoConflict);
    if sitting.iter().any(|p| p == person) && declared {
        Ok(sitting)
    } else {
        Err(PlatformError::forbidden(
            "not_sitting",
            "只有已签署声明、未回避的本项目评标专家可以提议和表决",
        ))
    }
}

/// Proposes a motion to the panel, signed by the proposer.
#[utoipa::path(post, path = "/api/v1/projects/{id}/motions", tag = "motions",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "项目编号")),
    request_body = SignedSubmission,
    responses(
        (status = 201, description = "已提交表决", body = Accepted),
        (status = 200, description = "该表决事项已提交过", body = Accepted),
        (status = 400, description = "事项或选项无效", body = ErrorBody),
        (status = 403, description = "仅限在席评标专家（not_sitting）", body = ErrorBody),
        (status = 409, description = "同一编号不同内容 / 阶段不符", body = ErrorBody)))]
pub async fn propose(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(project_id): ApiPath<String>,
    ApiJson(body): ApiJson<SignedSubmission>,
) -> Result<(StatusCode, Json<Accepted>), PlatformError> {
    caller.require_role(Role::Expert)?;
    caller.require_documents(&state, &project_id).await?;
    let Incoming { doc, body } = accept::<Motion>(&state, &caller, &body.envelope).await?;
    if doc.project_id != project_id || doc.proposer_id != caller.person.id {
        return Err(bad("project_mismatch", "表决事项的项目或提议人与请求不符"));
    }
    check_submission_id(&doc.motion_id)?;
    check_motion(&doc)?;
    let (status, receipt) = record_once(&state, body, doc).await?;
    Ok((status, Json(Accepted { receipt })))
}

/// The text says what is decided; the options are 2–6 distinct short labels.
fn check_motion(m: &Motion) -> Result<(), PlatformError> {
    let len = m.text.trim().chars().count();
    if !(4..=2000).contains(&len) {
        return Err(bad("bad_motion", "表决事项须写明（4–2000 个字）"));
    }
    let mut seen = std::collections::HashSet::new();
    let options_ok = (2..=6).contains(&m.options.len())
        && m.options.iter().all(|o| {
            let n = o.trim().chars().count();
            n > 0 && n <= 40 && o.trim() == o && seen.insert(o.as_str())
        });
    if !options_ok {
        return Err(bad(
            "bad_options",
            "表决选项须为 2–6 个互不相同的选项，每项 1–40 个字",
        ));
    }
    // An abnormal-price motion decides one bid, with fixed options: the
    // platform acts on a carried rejection.
    if m.kind == MotionKind::AbnormalPrice
        && (m.bidder_id.is_none() || m.options != [ACCEPT_EXPLANATION, REJECT_BID])
    {
        return Err(bad(
            "bad_options",
            format!("异常低价审查的表决须指明投标人，选项为“{ACCEPT_EXPLANATION}”与“{REJECT_BID}”"),
        ));
    }
    Ok(())
}

impl Record for Motion {
    type Answer = SignedEnvelope;
    const KIND: &'static str = "motion";

    fn submission_id(&self) -> String {
        format!("{}/motion/{}", self.project_id, self.motion_id)
    }
    fn project_id(&self) -> &str {
        &self.project_id
    }
    fn stored(&self, tx: &Conn) -> Result<Option<Stored<Self::Answer>>, PlatformError> {
        db::recorded_motion(tx, &self.project_id, &self.motion_id)
    }
    fn conflict(&self) -> PlatformError {
        PlatformError::conflict("submission_conflict", "同一编号已提交了不同的表决事项")
    }
    fn check(&mut self, tx: &Conn) -> Result<(), PlatformError> {
        require_stage(tx, &self.project_id, SITTING)?;
        require_sitting(tx, &self.project_id, &self.proposer_id)?;
        if let Some(b) = &self.bidder_id {
            let project = projects::get(tx, &self.project_id)?;
            if !project.bidders.iter().any(|x| &x.id == b) {
                return Err(bad("unknown_bidder", format!("本项目没有投标人 {b}")));
            }
        }
        Ok(())
    }
    fn insert(&self, tx: &Conn, r: &Receipted) -> Result<Self::Answer, PlatformError> {
        db::insert_motion(tx, self, r)?;
        Ok(r.receipt.clone())
    }
}

/// One sitting expert's signed vote on a motion.
#[utoipa::path(post, path = "/api/v1/projects/{id}/motions/{motion_id}/votes", tag = "motions",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "项目编号"),
           ("motion_id" = String, Path, description = "表决事项编号")),
    request_body = SignedSubmission,
    responses(
        (status = 201, description = "已计票", body = Accepted),
        (status = 200, description = "该票已计过", body = Accepted),
        (status = 400, description = "选项无效（bad_option）", body = ErrorBody),
        (status = 403, description = "仅限在席评标专家（not_sitting）", body = ErrorBody),
        (status = 404, description = "没有该表决事项", body = ErrorBody),
        (status = 409, description = "已投过票（already_voted）/ 阶段不符", body = ErrorBody)))]
pub async fn vote(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath((project_id, motion_id)): ApiPath<(String, String)>,
    ApiJson(body): ApiJson<SignedSubmission>,
) -> Result<(StatusCode, Json<Accepted>), PlatformError> {
    caller.require_role(Role::Expert)?;
    caller.require_documents(&state, &project_id).await?;
    let Incoming { doc, body } = accept::<MotionVote>(&state, &caller, &body.envelope).await?;
    if doc.project_id != project_id
        || doc.motion_id != motion_id
        || doc.voter_id != caller.person.id
    {
        return Err(bad(
            "project_mismatch",
            "选票的项目、表决事项或投票人与请求不符",
        ));
    }
    let (status, receipt) = record_once(&state, body, doc).await?;
    Ok((status, Json(Accepted { receipt })))
}

impl Record for MotionVote {
    type Answer = SignedEnvelope;
    const KIND: &'static str = "motion_vote";

    fn submission_id(&self) -> String {
        format!(
            "{}/motion/{}/vote/{}",
            self.project_id, self.motion_id, self.voter_id
        )
    }
    fn project_id(&self) -> &str {
        &self.project_id
    }
    fn stored(&self, tx: &Conn) -> Result<Option<Stored<Self::Answer>>, PlatformError> {
        db::recorded_vote(tx, self)
    }
    fn conflict(&self) -> PlatformError {
        PlatformError::conflict("already_voted", "您已对该事项表决，不能更改")
    }
    fn check(&mut self, tx: &Conn) -> Result<(), PlatformError> {
        require_stage(tx, &self.project_id, SITTING)?;
        let motion = db::motion(tx, &self.project_id, &self.motion_id)?
            .ok_or_else(|| PlatformError::not_found("表决事项"))?;
        require_sitting(tx, &self.project_id, &self.voter_id)?;
        if !motion.options.contains(&self.option) {
            return Err(bad(
                "bad_option",
                format!("“{}”不是该事项的选项", self.option),
            ));
        }
        Ok(())
    }
    fn insert(&self, tx: &Conn, r: &Receipted) -> Result<Self::Answer, PlatformError> {
        db::insert_vote(tx, self, r)?;
        Ok(r.receipt.clone())
    }
}

/// Every motion of a project with its signed votes and outcome, oldest
/// first: for the panel and staff.
#[utoipa::path(get, path = "/api/v1/projects/{id}/motions", tag = "motions",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "项目编号")),
    responses(
        (status = 200, description = "表决事项与结果", body = Motions),
        (status = 403, description = "仅限评标委员会成员与工作人员", body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(project_id): ApiPath<String>,
) -> Result<Json<Motions>, PlatformError> {
    caller.require_panel(&state, &project_id, "表决").await?;
    let pid = project_id.clone();
    let motions = state
        .db
        .call(move |c| crate::evaluation::motion_statuses(c, &pid))
        .await?;
    Ok(Json(Motions {
        project_id,
        motions,
    }))
}
