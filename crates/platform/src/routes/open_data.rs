//! Open data (以公开促公平公正): a finished evaluation as an OCDS 1.1
//! release package (`pingshen_ocds`, docs/open-data.md).
//!
//! Public, without a session: once the panel has finished (评标结束 or
//! 已归档, the report signed by every sitting expert, the result final),
//! the opening prices, each bid's status and the ranked winning candidates
//! are what the law has published anyway (开标 in public, 中标候选人公示);
//! the package holds nothing else (no expert, no single expert's score, no
//! bid document). Before that, nothing: `evaluation_unfinished` (409).

use crate::db::projects;
use crate::path::ApiPath;
use crate::{AppState, PlatformError};
use axum::extract::State;
use axum::http::{header, HeaderMap};
use axum::routing::get;
use axum::{Json, Router};
use pingshen_api::{ErrorBody, Stage};
use pingshen_ocds::model::ReleasePackage;
use pingshen_ocds::{Evaluation, OcdsError, Publication};

pub(crate) fn routes() -> Router<AppState> {
    Router::new().route("/projects/{id}/ocds", get(ocds))
}

/// The project's OCDS release package, once its evaluation is finished.
#[utoipa::path(get, path = "/api/v1/projects/{id}/ocds", tag = "open_data",
    params(("id" = String, Path, description = "项目编号")),
    responses(
        (status = 200, description = "OCDS 1.1 发布包（release package，含投标扩展 bids）：招标信息、开标报价、初步评审后各投标的有效/否决状态、中标候选人（公示中，status pending）、评标办法与评标报告的 SHA-256。不含评标专家及其评分、投标文件内容", content_type = "application/json"),
        (status = 404, description = "项目不存在", body = ErrorBody),
        (status = 409, description = "评标尚未结束，不公开评标结果（evaluation_unfinished）", body = ErrorBody)))]
pub async fn ocds(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiPath(project_id): ApiPath<String>,
) -> Result<Json<ReleasePackage>, PlatformError> {
    let uri = pingshen_ocds::package_uri(&own_url(&headers), &project_id);
    let st = state.clone();
    let package = state
        .db
        .call(move |c| {
            let stage = projects::stage_of(c, &project_id)?;
            if !matches!(stage, Stage::Closed | Stage::Archived) {
                return Err(unfinished(format!(
                    "评标尚未结束（项目当前处于“{}”阶段），不公开评标结果",
                    stage.label_zh()
                )));
            }
            if !crate::evaluation::all_submitted(c, &project_id)? {
                return Err(unfinished(
                    "尚有评标专家未提交评分表，评标尚未结束，不公开评标结果".into(),
                ));
            }
            let package = crate::routes::report::build_package(c, &st, &project_id)?;
            let evaluation = Evaluation::from_package(&package).map_err(ocds_error)?;
            pingshen_ocds::release_package(&evaluation, &Publication { uri: uri.clone() })
                .map_err(ocds_error)
        })
        .await?;
    Ok(Json(package))
}

fn unfinished(message: String) -> PlatformError {
    PlatformError::conflict("evaluation_unfinished", message)
}

fn ocds_error(e: OcdsError) -> PlatformError {
    match e {
        OcdsError::Unfinished(m) => unfinished(m),
        OcdsError::BadPackage(m) => PlatformError::Internal(m),
    }
}

/// This platform's URL as the caller reached it (the sandbox serves plain
/// HTTP; a deployment behind a TLS proxy names its public URL here). A Host
/// header that is not a plain host[:port] is ignored.
fn own_url(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            !h.is_empty()
                && h.chars()
                    .all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c))
        })
        .unwrap_or("127.0.0.1");
    format!("http://{host}")
}
