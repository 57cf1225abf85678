//! The panel's decisions on screening flags (串标分析): recorded by the panel
//! leader, signed, answered with the platform's receipt; read by the panel
//! and staff. The screens themselves run on the experts' desktops over the
//! verified documents; only the panel's conclusions come here.

use crate::clock::now;
use crate::db::{projects, screening as db, witness::is_panel_leader};
use crate::json::ApiJson;
use crate::path::ApiPath;
use crate::receipts::{self, envelope_json, sha256_hex, Received, Submitter};
use crate::signed::verify_by_caller;
use crate::{AppState, Caller, PlatformError};
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use pingshen_api::{
    Accepted, ErrorBody, Role, ScreenDecision, ScreenDecisions, SignedSubmission, Stage,
    SCREEN_DECISION_TYP,
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
    let at = now();
    let verified =
        verify_by_caller(&state, &caller, &body.envelope, SCREEN_DECISION_TYP, at).await?;
    let submitter = Submitter::new(&caller, &verified.signer.fingerprint_sha256);
    let d: ScreenDecision = serde_json::from_value(verified.payload).map_err(|e| {
        PlatformError::bad_request("bad_document", format!("签名内容不是串标分析决定：{e}"))
    })?;
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
    crate::signed::check_submission_id(&d.submission_id)?;
    let verdict = serde_json::to_value(d.verdict)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    let env_json = envelope_json(&body.envelope)?;
    let env_sha = sha256_hex(env_json.as_bytes());
    let st = state.clone();
    let me = caller.person.id.clone();
    let (status, receipt) = state
        .db
        .call(move |c| {
            let tx = c.transaction()?;
            if let Some((sha, receipt)) = db::existing(&tx, &d.submission_id)? {
                return if sha == env_sha {
                    Ok((StatusCode::OK, receipt))
                } else {
                    Err(PlatformError::conflict(
                        "submission_conflict",
                        "同一提交编号已记录了不同的决定",
                    ))
                };
            }
            if !is_panel_leader(&tx, &project_id, &me)? {
                return Err(PlatformError::forbidden(
                    "not_leader",
                    "串标分析结论由评标组长代表评标委员会记录",
                ));
            }
            let stage = projects::stage_of(&tx, &project_id)?;
            if !matches!(stage, Stage::Evaluating | Stage::Summary) {
                return Err(PlatformError::conflict(
                    "wrong_stage",
                    format!(
                        "项目当前处于“{}”阶段，不能记录串标分析结论",
                        stage.label_zh()
                    ),
                ));
            }
            let receipt = receipts::issue(
                &st,
                &Received {
                    kind: "screen_decision",
                    submission_id: &d.submission_id,
                    project_id: &project_id,
                    submitter: &submitter,
                    body: env_json.as_bytes(),
                },
                at,
            )?;
            db::insert(
                &tx,
                &db::NewDecision {
                    decision: &d,
                    verdict: &verdict,
                    envelope: &env_json,
                    envelope_sha256: &env_sha,
                    receipt: &receipts::envelope_json(&receipt)?,
                    at,
                },
            )?;
            tx.commit()?;
            Ok((StatusCode::CREATED, receipt))
        })
        .await?;
    Ok((status, Json(Accepted { receipt })))
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
