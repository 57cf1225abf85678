//! The panel's decisions on screening flags (串标分析): recorded by the panel
//! leader, signed, answered with the platform's receipt; read by the panel
//! and staff. The screens themselves run on the experts' desktops over the
//! verified documents; only the panel's conclusions come here.

use crate::db::sql::Conn;
use crate::db::{projects, screening as db, witness::is_panel_leader};
use crate::json::ApiJson;
use crate::path::ApiPath;
use crate::submission::{
    accept, check_submission_id, record_once, Incoming, Receipted, Record, Stored,
};
use crate::{AppState, Caller, PlatformError};
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use pingshen_api::{
    Accepted, ErrorBody, Role, ScreenDecision, ScreenDecisions, SignedSubmission, Stage,
};

pub(crate) fn routes() -> Router<AppState> {
    Router::new().route("/projects/{id}/screen-decisions", get(list).post(decide))
}

/// Records the panel's decision on a flag, signed by the panel leader.
#[utoipa::path(post, path = "/api/v1/projects/{id}/screen-decisions", tag = "screening",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "项目编号")),
    request_body = SignedSubmission,
    responses(
        (status = 201, description = "已记录", body = Accepted),
        (status = 200, description = "该决定已记录过", body = Accepted),
        (status = 400, description = "决定内容无效", body = ErrorBody),
        (status = 403, description = "仅限评标组长", body = ErrorBody),
        (status = 409, description = "同一编号不同内容 / 阶段不符", body = ErrorBody)))]
pub async fn decide(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(project_id): ApiPath<String>,
    ApiJson(body): ApiJson<SignedSubmission>,
) -> Result<(StatusCode, Json<Accepted>), PlatformError> {
    caller.require_role(Role::Expert)?;
    caller.require_project(&state, &project_id).await?;
    let Incoming { doc: d, body } =
        accept::<ScreenDecision>(&state, &caller, &body.envelope).await?;
    if d.project_id != project_id || d.decided_by != caller.person.id {
        return Err(PlatformError::bad_request(
            "project_mismatch",
            "决定的项目或记录人与请求不符",
        ));
    }
    if d.reason.trim().chars().count() < 4 {
        return Err(PlatformError::bad_request(
            "reason_required",
            "须写明评标委员会的理由（不少于 4 个字）",
        ));
    }
    if d.flag_id.is_empty() || d.flag_id.len() > 128 {
        return Err(PlatformError::bad_request("bad_document", "疑点编号无效"));
    }
    check_submission_id(&d.submission_id)?;
    let (status, receipt) = record_once(&state, body, d).await?;
    Ok((status, Json(Accepted { receipt })))
}

/// Each decision once under its submission id, by the panel leader, while
/// the panel sits.
impl Record for ScreenDecision {
    type Answer = pingshen_api::SignedEnvelope;
    const KIND: &'static str = "screen_decision";

    fn submission_id(&self) -> String {
        self.submission_id.clone()
    }
    fn project_id(&self) -> &str {
        &self.project_id
    }
    fn stored(&self, tx: &Conn) -> Result<Option<Stored<Self::Answer>>, PlatformError> {
        db::recorded(tx, &self.submission_id)
    }
    fn conflict(&self) -> PlatformError {
        PlatformError::conflict("submission_conflict", "同一提交编号已记录了不同的决定")
    }
    fn check(&mut self, tx: &Conn) -> Result<(), PlatformError> {
        if !is_panel_leader(tx, &self.project_id, &self.decided_by)? {
            return Err(PlatformError::forbidden(
                "not_leader",
                "串标分析结论由评标组长代表评标委员会记录",
            ));
        }
        let stage = projects::stage_of(tx, &self.project_id)?;
        if !matches!(stage, Stage::Evaluating | Stage::Summary) {
            return Err(PlatformError::conflict(
                "wrong_stage",
                format!(
                    "项目当前处于“{}”阶段，不能记录串标分析结论",
                    stage.label_zh()
                ),
            ));
        }
        Ok(())
    }
    fn insert(&self, tx: &Conn, r: &Receipted) -> Result<Self::Answer, PlatformError> {
        db::insert(tx, self, r)?;
        Ok(r.receipt.clone())
    }
}

/// The panel's decisions on a project's flags, oldest first: for staff and
/// the panel leader who records them (the members discuss the flags at the
/// panel; the record names bidders referred for investigation).
#[utoipa::path(get, path = "/api/v1/projects/{id}/screen-decisions", tag = "screening",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "项目编号")),
    responses(
        (status = 200, description = "串标分析结论", body = ScreenDecisions),
        (status = 403, description = "仅限评标组长与工作人员（not_leader、wrong_role、not_assigned）", body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(project_id): ApiPath<String>,
) -> Result<Json<ScreenDecisions>, PlatformError> {
    caller
        .require_leader(&state, &project_id, "串标分析结论")
        .await?;
    let pid = project_id.clone();
    let decisions = state.db.call(move |c| db::list(c, &pid)).await?;
    Ok(Json(ScreenDecisions {
        project_id,
        decisions,
    }))
}
