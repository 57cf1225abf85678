//! HTTP routes. Handlers stay thin: parse, call `db::*`, answer.

pub(crate) mod auth;
pub(crate) mod clarifications;
pub(crate) mod documents;
pub(crate) mod evaluation;
pub(crate) mod health;
pub(crate) mod motions;
pub(crate) mod open_data;
pub(crate) mod projects;
pub(crate) mod records;
pub(crate) mod report;
pub(crate) mod rules;
pub(crate) mod screening;
pub(crate) mod updates;
pub(crate) mod witness;

use crate::AppState;
use axum::routing::{get, post};
use axum::Router;

pub fn router() -> Router<AppState> {
    let api = Router::new()
        .route("/health", get(health::health))
        .route("/openapi.json", get(crate::openapi::serve))
        .merge(witness::routes())
        .merge(screening::routes())
        .merge(motions::routes())
        .merge(clarifications::routes())
        .merge(report::routes())
        .merge(records::routes())
        .merge(open_data::routes())
        .merge(updates::routes())
        .route("/auth/challenge", post(auth::challenge))
        .route("/auth/session", post(auth::session).delete(auth::logout))
        .route(
            "/projects",
            get(projects::list_projects).post(projects::create_project),
        )
        .route("/projects/{id}", get(projects::get_project))
        .route("/projects/{id}/stage", post(projects::change_stage))
        .route("/projects/{id}/assignments", post(projects::assign))
        .route("/projects/{id}/manifest", get(documents::manifest))
        .route("/projects/{id}/declaration", post(evaluation::declare))
        .route("/projects/{id}/leader/votes", post(evaluation::vote))
        .route("/projects/{id}/sheets", post(evaluation::submit_sheet))
        .route(
            "/projects/{id}/sheets/{expert}/reopen",
            post(evaluation::reopen),
        )
        .route("/projects/{id}/panel", get(evaluation::panel))
        .route("/projects/{id}/summary", get(evaluation::summary))
        .route("/projects/{id}/files/{file_id}", get(documents::file))
        .route(
            "/projects/{id}/files/{file_id}/chunks",
            get(documents::chunks),
        )
        .route(
            "/projects/{id}/files/{file_id}/pieces",
            get(documents::pieces),
        )
        .route(
            "/projects/{id}/rules",
            get(rules::latest).post(rules::publish),
        )
        .route("/projects/{id}/rules/{version}", get(rules::version));
    Router::new()
        .nest(pingshen_api::API_PREFIX, api)
        .fallback(not_found)
        // Last, so it also sees the fallback's and axum's own answers.
        .layer(axum::middleware::from_fn(crate::error_shape::api_errors))
}

async fn not_found() -> crate::PlatformError {
    crate::PlatformError::not_found("接口 ")
}
