//! HTTP routes. Handlers stay thin: parse, call `db::*`, answer.

pub(crate) mod health;
pub(crate) mod projects;

use crate::AppState;
use axum::routing::get;
use axum::Router;

pub fn router() -> Router<AppState> {
    let api = Router::new()
        .route("/health", get(health::health))
        .route("/openapi.json", get(crate::openapi::serve))
        .route(
            "/projects",
            get(projects::list_projects).post(projects::create_project),
        )
        .route("/projects/{id}", get(projects::get_project));
    Router::new()
        .nest(pingshen_api::API_PREFIX, api)
        .fallback(not_found)
}

async fn not_found() -> crate::PlatformError {
    crate::PlatformError::not_found("接口 ")
}
