use crate::db::projects::{self, Created};
use crate::json::ApiJson;
use crate::{AppState, PlatformError};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use pingshen_api::{ErrorBody, NewProject, ProjectDetail, ProjectSummary};

/// The projects the caller may see.
#[utoipa::path(get, path = "/api/v1/projects", tag = "projects",
    responses((status = 200, description = "项目列表", body = [ProjectSummary])))]
pub async fn list_projects(
    State(state): State<AppState>,
) -> Result<Json<Vec<ProjectSummary>>, PlatformError> {
    Ok(Json(state.db.call(|c| projects::list(c)).await?))
}

/// One project with its bidders.
#[utoipa::path(get, path = "/api/v1/projects/{id}", tag = "projects",
    params(("id" = String, Path, description = "项目编号")),
    responses(
        (status = 200, description = "项目详情", body = ProjectDetail),
        (status = 404, description = "项目不存在", body = ErrorBody)))]
pub async fn get_project(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<ProjectDetail>, PlatformError> {
    Ok(Json(state.db.call(move |c| projects::get(c, &id)).await?))
}

/// Registers a project and its bidders after bid opening. Idempotent on the
/// project id: 201 when created, 200 when the identical project exists, 409
/// when a different one does.
#[utoipa::path(post, path = "/api/v1/projects", tag = "projects",
    request_body = NewProject,
    responses(
        (status = 201, description = "已创建", body = ProjectDetail),
        (status = 200, description = "相同项目已存在", body = ProjectDetail),
        (status = 400, description = "内容无效", body = ErrorBody),
        (status = 409, description = "同编号的不同项目已存在", body = ErrorBody)))]
pub async fn create_project(
    State(state): State<AppState>,
    ApiJson(new): ApiJson<NewProject>,
) -> Result<(StatusCode, Json<ProjectDetail>), PlatformError> {
    let now = time::OffsetDateTime::now_utc();
    let (created, detail) = state
        .db
        .call(move |c| {
            let created = projects::create(c, &new, now)?;
            Ok((created, projects::get(c, &new.id)?))
        })
        .await?;
    let status = match created {
        Created::New => StatusCode::CREATED,
        Created::AlreadyExists => StatusCode::OK,
    };
    Ok((status, Json(detail)))
}
