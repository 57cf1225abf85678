use crate::db::projects::{self, Created};
use crate::json::ApiJson;
use crate::path::ApiPath;
use crate::{AppState, Caller, PlatformError};
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use pingshen_api::{
    Assignment, ErrorBody, NewProject, ProjectDetail, ProjectSummary, Role, Stage, StageChange,
};

/// The projects the caller may see: all for staff, assigned ones for
/// experts and witnesses.
#[utoipa::path(get, path = "/api/v1/projects", tag = "projects",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "项目列表", body = [ProjectSummary]),
        (status = 401, description = "未登录或登录已过期", body = ErrorBody)))]
pub async fn list_projects(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<ProjectSummary>>, PlatformError> {
    let person = caller.person.clone();
    Ok(Json(
        state
            .db
            .call(move |c| match person.role {
                Role::Staff => projects::list(c),
                _ => projects::list_assigned(c, &person.id),
            })
            .await?,
    ))
}

/// One project with its bidders.
#[utoipa::path(get, path = "/api/v1/projects/{id}", tag = "projects",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "项目编号")),
    responses(
        (status = 200, description = "项目详情", body = ProjectDetail),
        (status = 401, description = "未登录", body = ErrorBody),
        (status = 403, description = "未被分配到该项目", body = ErrorBody),
        (status = 404, description = "项目不存在", body = ErrorBody)))]
pub async fn get_project(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<ProjectDetail>, PlatformError> {
    caller.require_project(&state, &id).await?;
    Ok(Json(state.db.call(move |c| projects::get(c, &id)).await?))
}

/// Staff register a project and its bidders after bid opening. Idempotent on
/// the project id: 201 when created, 200 when the identical project exists,
/// 409 when a different one does.
#[utoipa::path(post, path = "/api/v1/projects", tag = "projects",
    security(("bearer" = [])),
    request_body = NewProject,
    responses(
        (status = 201, description = "已创建", body = ProjectDetail),
        (status = 200, description = "相同项目已存在", body = ProjectDetail),
        (status = 400, description = "内容无效", body = ErrorBody),
        (status = 403, description = "仅限工作人员", body = ErrorBody),
        (status = 409, description = "同编号的不同项目已存在", body = ErrorBody)))]
pub async fn create_project(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(new): ApiJson<NewProject>,
) -> Result<(StatusCode, Json<ProjectDetail>), PlatformError> {
    caller.require_role(Role::Staff)?;
    let now = time::OffsetDateTime::now_utc();
    let st = state.clone();
    let (created, detail) = state
        .db
        .write(move |tx| {
            let created = projects::create(tx, &new, now)?;
            // The opening record is signed as the project is registered.
            crate::records::opening_record(tx, &st, &new.id)?;
            let detail = projects::get(tx, &new.id)?;
            Ok((created, detail))
        })
        .await?;
    let status = match created {
        Created::New => StatusCode::CREATED,
        Created::AlreadyExists => StatusCode::OK,
    };
    Ok((status, Json(detail)))
}

/// Staff move a project to its next stage. Evaluation may start only with
/// published rules; stages never go backwards.
#[utoipa::path(post, path = "/api/v1/projects/{id}/stage", tag = "projects",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "项目编号")),
    request_body = StageChange,
    responses(
        (status = 200, description = "阶段已变更", body = ProjectDetail),
        (status = 403, description = "仅限工作人员", body = ErrorBody),
        (status = 409, description = "不允许的阶段变更", body = ErrorBody)))]
pub async fn change_stage(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
    ApiJson(change): ApiJson<StageChange>,
) -> Result<Json<ProjectDetail>, PlatformError> {
    caller.require_role(Role::Staff)?;
    let detail = state
        .db
        .write(move |tx| {
            let current = projects::stage_of(tx, &id)?;
            let allowed = matches!(
                (current, change.stage),
                (Stage::Preparing, Stage::Evaluating)
                    | (Stage::Evaluating, Stage::Summary)
                    | (Stage::Summary, Stage::Closed)
                    | (Stage::Closed, Stage::Archived)
            );
            if current == change.stage {
                return projects::get(tx, &id);
            }
            if !allowed {
                return Err(PlatformError::conflict(
                    "conflict",
                    format!(
                        "项目不能从“{}”变更为“{}”",
                        current.label_zh(),
                        change.stage.label_zh()
                    ),
                ));
            }
            if change.stage == Stage::Evaluating
                && crate::db::rules::latest_version(tx, &id)?.is_none()
            {
                return Err(PlatformError::conflict(
                    "conflict",
                    "尚未发布评标办法，不能开始评标",
                ));
            }
            projects::set_stage(tx, &id, change.stage)?;
            let detail = projects::get(tx, &id)?;
            Ok(detail)
        })
        .await?;
    Ok(Json(detail))
}

/// Staff assign a person (drawn expert, witness) to a project. Idempotent.
#[utoipa::path(post, path = "/api/v1/projects/{id}/assignments", tag = "projects",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "项目编号")),
    request_body = Assignment,
    responses(
        (status = 200, description = "已分配", body = ProjectDetail),
        (status = 403, description = "仅限工作人员", body = ErrorBody),
        (status = 404, description = "项目或人员不存在", body = ErrorBody)))]
pub async fn assign(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
    ApiJson(a): ApiJson<Assignment>,
) -> Result<Json<ProjectDetail>, PlatformError> {
    caller.require_role(Role::Staff)?;
    let detail = state
        .db
        .write(move |tx| {
            let detail = projects::get(tx, &id)?;
            let person = crate::db::people::by_id(tx, &a.person_id)?
                .ok_or_else(|| PlatformError::not_found(format!("人员 {} ", a.person_id)))?;
            if person.role == Role::Staff {
                return Err(PlatformError::bad_request(
                    "wrong_role",
                    "工作人员无需分配到项目",
                ));
            }
            crate::db::people::assign(tx, &id, &a.person_id)?;
            Ok(detail)
        })
        .await?;
    Ok(Json(detail))
}
