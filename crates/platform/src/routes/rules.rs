//! Evaluation rules: staff publish signed versions; everyone on the project reads them.

use crate::db::sql::Conn;
use crate::db::{projects, rules};
use crate::json::ApiJson;
use crate::path::ApiPath;
use crate::receipts::sha256_hex;
use crate::submission::{accept, record_once, Incoming, Receipted, Record, SignedBody, Stored};
use crate::{AppState, Caller, PlatformError};
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use pingshen_api::{ErrorBody, PublishRules, PublishedRules, Role, RulesDocument, Stage};

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
    let Incoming { doc, body } = accept::<RulesDocument>(&state, &caller, &body.envelope).await?;
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
    let record = RulesRecord::new(doc, &body);
    let (status, published) = record_once(&state, body, record).await?;
    Ok((status, Json(published)))
}

/// A version of a project's rules: each signed publication once (a retry
/// answers the version it created), before evaluation starts, based on the
/// latest version.
#[derive(Clone)]
pub(crate) struct RulesRecord {
    doc: RulesDocument,
    envelope_sha256: String,
    published_by: String,
    /// The version this publication becomes, found by the check.
    version: u32,
}

impl RulesRecord {
    pub(crate) fn new(doc: RulesDocument, body: &SignedBody) -> Self {
        RulesRecord {
            doc,
            envelope_sha256: body.envelope_sha256.clone(),
            published_by: body.submitter.id.clone(),
            version: 0,
        }
    }
}

impl Record for RulesRecord {
    type Answer = PublishedRules;
    const KIND: &'static str = "rules";

    fn submission_id(&self) -> String {
        format!("{}/rules/{}", self.doc.project_id, self.version)
    }
    fn project_id(&self) -> &str {
        &self.doc.project_id
    }
    fn stored(&self, tx: &Conn) -> Result<Option<Stored<Self::Answer>>, PlatformError> {
        Ok(
            rules::by_envelope(tx, &self.envelope_sha256)?.map(|answer| Stored {
                envelope_sha256: self.envelope_sha256.clone(),
                answer,
            }),
        )
    }
    fn conflict(&self) -> PlatformError {
        // Publications are found by their own hash: never another one.
        PlatformError::Internal("评标办法发布记录不一致".into())
    }
    fn check(&mut self, tx: &Conn) -> Result<(), PlatformError> {
        let project_id = &self.doc.project_id;
        if projects::stage_of(tx, project_id)? != Stage::Preparing {
            return Err(PlatformError::conflict(
                "conflict",
                "评标已开始，评标办法不能再修改",
            ));
        }
        let latest = rules::latest_version(tx, project_id)?;
        if self.doc.based_on_version != latest {
            return Err(PlatformError::conflict(
                "conflict",
                format!(
                    "评标办法已被他人更新（当前版本 {}，您的编辑基于 {}），请重新加载后再发布",
                    latest.map_or("无".to_string(), |v| v.to_string()),
                    self.doc
                        .based_on_version
                        .map_or("无".to_string(), |v| v.to_string()),
                ),
            ));
        }
        self.version = latest.unwrap_or(0) + 1;
        Ok(())
    }
    fn insert(&self, tx: &Conn, r: &Receipted) -> Result<Self::Answer, PlatformError> {
        let project_id = &self.doc.project_id;
        rules::insert(
            tx,
            &rules::NewVersion {
                project_id,
                version: self.version,
                rules_toml: &self.doc.rules_toml,
                sha256: &sha256_hex(self.doc.rules_toml.as_bytes()),
                published_by: &self.published_by,
            },
            r,
        )?;
        rules::get(tx, project_id, Some(self.version))?
            .ok_or_else(|| PlatformError::Internal("刚发布的版本不存在".into()))
    }
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
