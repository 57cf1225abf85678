//! The platform's signed records of a project (opening record, panel
//! record) and the CAs' current CRLs.

use crate::clock::now;
use crate::path::ApiPath;
use crate::{AppState, Caller, PlatformError};
use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use pingshen_api::{CrlSet, ErrorBody, SignedEnvelope, SignedRecord};

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/crls", get(crls))
        .route("/projects/{id}/opening-record", get(opening_record))
        .route("/projects/{id}/panel-record", get(panel_record))
        .route(
            "/projects/{id}/credit-record",
            get(credit_record).post(publish_credit),
        )
}

/// 开标记录: bidders, prices, ceiling and K as read out at the opening,
/// signed by the platform when the project was registered.
#[utoipa::path(get, path = "/api/v1/projects/{id}/opening-record", tag = "projects",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "项目编号")),
    responses(
        (status = 200, description = "平台签名的开标记录（载荷 OpeningRecord）", body = SignedRecord),
        (status = 403, description = "未被抽取为本项目人员", body = ErrorBody),
        (status = 404, description = "项目不存在", body = ErrorBody)))]
pub async fn opening_record(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(project_id): ApiPath<String>,
) -> Result<Json<SignedRecord>, PlatformError> {
    signed_record(&state, &caller, project_id, |c, st, p| {
        crate::records::opening_record(c, st, p)
    })
    .await
}

/// 评标委员会组成记录: the assigned experts (sitting or recused), the
/// elected leader and the witnesses, signed by the platform now.
#[utoipa::path(get, path = "/api/v1/projects/{id}/panel-record", tag = "evaluation",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "项目编号")),
    responses(
        (status = 200, description = "平台签名的评标委员会组成记录（载荷 PanelRecord）", body = SignedRecord),
        (status = 403, description = "未被抽取为本项目人员", body = ErrorBody),
        (status = 404, description = "项目不存在", body = ErrorBody)))]
pub async fn panel_record(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(project_id): ApiPath<String>,
) -> Result<Json<SignedRecord>, PlatformError> {
    signed_record(&state, &caller, project_id, |c, st, p| {
        crate::records::panel_record(c, st, p, now())
    })
    .await
}

/// 信用记录: the bidders' credit grades and adverse records, signed by the
/// platform when staff published them.
#[utoipa::path(get, path = "/api/v1/projects/{id}/credit-record", tag = "projects",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "项目编号")),
    responses(
        (status = 200, description = "平台签名的信用记录（载荷 CreditRecordDoc）", body = SignedRecord),
        (status = 403, description = "未被抽取为本项目人员", body = ErrorBody),
        (status = 404, description = "项目不存在或未发布信用记录", body = ErrorBody)))]
pub async fn credit_record(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(project_id): ApiPath<String>,
) -> Result<Json<SignedRecord>, PlatformError> {
    signed_record(&state, &caller, project_id, |c, _, p| {
        crate::records::credit_record(c, p)?
            .map(|(_, env)| env)
            .ok_or_else(|| PlatformError::not_found("信用记录"))
    })
    .await
}

/// Staff publish a project's credit records (from the credit system), once;
/// the platform signs them.
#[utoipa::path(post, path = "/api/v1/projects/{id}/credit-record", tag = "projects",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "项目编号")),
    request_body(content = Object, description = "CreditRecords：as_of 与各投标人的信用等级、不良行为记录"),
    responses(
        (status = 201, description = "已发布并签名", body = SignedRecord),
        (status = 200, description = "同样的信用记录已发布过", body = SignedRecord),
        (status = 403, description = "仅限工作人员", body = ErrorBody),
        (status = 409, description = "已发布不同的信用记录（credit_records_published）", body = ErrorBody)))]
pub async fn publish_credit(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(project_id): ApiPath<String>,
    crate::json::ApiJson(records): crate::json::ApiJson<pingshen_rules::credit::CreditRecords>,
) -> Result<(axum::http::StatusCode, Json<SignedRecord>), PlatformError> {
    caller.require_role(pingshen_api::Role::Staff)?;
    let st = state.clone();
    let (created, envelope) = state
        .db
        .write(move |tx| crate::records::publish_credit(tx, &st, &project_id, &records))
        .await?;
    let status = if created {
        axum::http::StatusCode::CREATED
    } else {
        axum::http::StatusCode::OK
    };
    Ok((status, Json(SignedRecord { envelope })))
}

/// A record of a project for someone drawn for it: `sign` reads (or
/// builds) it and returns it signed.
async fn signed_record(
    state: &AppState,
    caller: &Caller,
    project_id: String,
    mut sign: impl FnMut(&crate::db::sql::Conn, &AppState, &str) -> Result<SignedEnvelope, PlatformError>
        + Send
        + 'static,
) -> Result<Json<SignedRecord>, PlatformError> {
    caller.require_project(state, &project_id).await?;
    let st = state.clone();
    let envelope = state.db.call(move |c| sign(c, &st, &project_id)).await?;
    Ok(Json(SignedRecord { envelope }))
}

/// The current CRL of every recognised CA, as each CA signed it. Public:
/// clients cache them until their `nextUpdate` and check certificates
/// (their own before signing) against them.
#[utoipa::path(get, path = "/api/v1/crls", tag = "auth",
    responses((status = 200, description = "各认证机构的证书吊销列表（PEM）", body = CrlSet)))]
pub async fn crls(State(state): State<AppState>) -> Json<CrlSet> {
    Json(CrlSet {
        crls: state.pki.crls_pem(),
    })
}
