//! Evaluation rules: staff publish signed versions; everyone on the project reads them.

use crate::db::{projects, rules};
use crate::json::ApiJson;
use crate::path::ApiPath;
use crate::receipts::{self, envelope_json, sha256_hex, Received, Submitter};
use crate::signed::verify_by_caller;
use crate::{AppState, Caller, PlatformError};
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use pingshen_api::{
    ErrorBody, PublishRules, PublishedRules, Role, RulesDocument, Stage, RULES_TYP,
};

/// Publishes a new version of a project's rules, signed by a staff member.
/// Refused once evaluation has started. Idempotent: the same signed envelope
/// again answers the version it created.
#[utoipa::path(post, path = "/api/v1/projects/{id}/rules", tag = "rules",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "项目编号")),
    request_body = PublishRules,
    responses(
        (status = 201, description = "已发布新版本", body = PublishedRules),
        (status = 200, description = "该签名文件已发布过", body = PublishedRules),
        (status = 400, description = "评标办法无效（附诊断）", body = ErrorBody),
        (status = 403, description = "仅限工作人员 / 签名人不符", body = ErrorBody),
        (status = 409, description = "评标已开始或版本冲突", body = ErrorBody)))]
pub async fn publish(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(project_id): ApiPath<String>,
    ApiJson(body): ApiJson<PublishRules>,
) -> Result<(StatusCode, Json<PublishedRules>), PlatformError> {
    caller.require_role(Role::Staff)?;
    let now = time::OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .unwrap_or_else(|_| time::OffsetDateTime::now_utc());
    let verified = verify_by_caller(&state, &caller, &body.envelope, RULES_TYP, now).await?;
    let submitter = Submitter::new(&caller, &verified.signer.fingerprint_sha256);
    let doc: RulesDocument = serde_json::from_value(verified.payload).map_err(|e| {
        PlatformError::bad_request("bad_document", format!("签名内容不是评标办法发布文件：{e}"))
    })?;
    if doc.project_id != project_id {
        return Err(PlatformError::bad_request(
            "project_mismatch",
            format!("签名文件属于项目 {}，不是 {project_id}", doc.project_id),
        ));
    }
    if let Err(e) = pingshen_rules::Rules::from_toml(&doc.rules_toml) {
        let details: Vec<String> = e
            .0
            .iter()
            .map(|d| match d.line {
                Some(line) => format!("第 {line} 行 {}：{}（{}）", d.path, d.message_zh, d.code),
                None => format!("{}：{}（{}）", d.path, d.message_zh, d.code),
            })
            .collect();
        return Err(PlatformError::bad_request(
            "invalid_rules",
            format!("评标办法校验未通过：{}", details.join("；")),
        ));
    }
    let st = state.clone();
    let (status, published) = state
        .db
        .call(move |c| {
            store_publication(c, &st, &submitter, &project_id, &doc, &body.envelope, now)
        })
        .await?;
    Ok((status, Json(published)))
}

/// Stores a verified publication with its receipt, in one transaction.
/// Shared by the route and the demo loader.
pub(crate) fn store_publication(
    c: &mut rusqlite::Connection,
    state: &AppState,
    submitter: &Submitter,
    project_id: &str,
    doc: &RulesDocument,
    envelope: &pingshen_api::SignedEnvelope,
    now: time::OffsetDateTime,
) -> Result<(StatusCode, PublishedRules), PlatformError> {
    let envelope_json = envelope_json(envelope)?;
    let envelope_sha256 = sha256_hex(envelope_json.as_bytes());
    let tx = c.transaction()?;
    if let Some(existing) = rules::by_envelope(&tx, &envelope_sha256)? {
        return Ok((StatusCode::OK, existing));
    }
    if projects::stage_of(&tx, project_id)? != Stage::Preparing {
        return Err(PlatformError::Conflict(
            "评标已开始，评标办法不能再修改".into(),
        ));
    }
    let latest = rules::latest_version(&tx, project_id)?;
    if doc.based_on_version != latest {
        return Err(PlatformError::Conflict(format!(
            "评标办法已被他人更新（当前版本 {}，您的编辑基于 {}），请重新加载后再发布",
            latest.map_or("无".to_string(), |v| v.to_string()),
            doc.based_on_version
                .map_or("无".to_string(), |v| v.to_string()),
        )));
    }
    let version = latest.unwrap_or(0) + 1;
    let receipt = receipts::issue(
        state,
        &Received {
            kind: "rules",
            submission_id: &format!("{project_id}/rules/{version}"),
            project_id,
            submitter,
            body: envelope_json.as_bytes(),
        },
        now,
    )?;
    rules::insert(
        &tx,
        &rules::NewVersion {
            project_id,
            rules_toml: &doc.rules_toml,
            sha256: &sha256_hex(doc.rules_toml.as_bytes()),
            envelope_json: &envelope_json,
            envelope_sha256: &envelope_sha256,
            published_by: &submitter.id,
            published_at: now,
            receipt_json: &receipts::envelope_json(&receipt)?,
        },
        version,
    )?;
    let published = rules::get(&tx, project_id, Some(version))?
        .ok_or_else(|| PlatformError::Internal("刚发布的版本不存在".into()))?;
    tx.commit()?;
    Ok((StatusCode::CREATED, published))
}

/// The latest published rules of a project.
#[utoipa::path(get, path = "/api/v1/projects/{id}/rules", tag = "rules",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "项目编号")),
    responses(
        (status = 200, description = "当前评标办法", body = PublishedRules),
        (status = 404, description = "尚未发布", body = ErrorBody)))]
pub async fn latest(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(project_id): ApiPath<String>,
) -> Result<Json<PublishedRules>, PlatformError> {
    caller.require_project(&state, &project_id).await?;
    let found = state
        .db
        .call(move |c| rules::get(c, &project_id, None))
        .await?;
    found
        .map(Json)
        .ok_or_else(|| PlatformError::not_found("该项目的评标办法（尚未发布）"))
}

/// A given published version.
#[utoipa::path(get, path = "/api/v1/projects/{id}/rules/{version}", tag = "rules",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "项目编号"), ("version" = u32, Path, description = "版本号")),
    responses(
        (status = 200, description = "该版本", body = PublishedRules),
        (status = 404, description = "无此版本", body = ErrorBody)))]
pub async fn version(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath((project_id, version)): ApiPath<(String, u32)>,
) -> Result<Json<PublishedRules>, PlatformError> {
    caller.require_project(&state, &project_id).await?;
    let found = state
        .db
        .call(move |c| rules::get(c, &project_id, Some(version)))
        .await?;
    found
        .map(Json)
        .ok_or_else(|| PlatformError::not_found(format!("评标办法第 {version} 版")))
}
