//! The OpenAPI document, derived from the handlers' annotations and the
//! `pingshen-api` types: the contract is generated from the code, never
//! written by hand.

use axum::Json;
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Pingshen platform API",
        description = "公共资源交易平台评标接口（沙箱实现）。所有错误返回 {\"error\": {code, message}}。",
        version = "1.0.0"
    ),
    paths(
        crate::routes::health::health,
        crate::routes::projects::list_projects,
        crate::routes::projects::get_project,
        crate::routes::projects::create_project,
    ),
    components(schemas(
        pingshen_api::ApiError,
        pingshen_api::ErrorBody,
        pingshen_api::Health,
        pingshen_api::Stage,
        pingshen_api::ProjectSummary,
        pingshen_api::ProjectDetail,
        pingshen_api::Bidder,
        pingshen_api::NewProject,
        pingshen_api::NewBidder,
    )),
    tags(
        (name = "platform", description = "平台状态"),
        (name = "projects", description = "项目与投标人"),
    )
)]
pub struct ApiDoc;

/// The document as JSON.
pub fn document() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

pub async fn serve() -> Json<utoipa::openapi::OpenApi> {
    Json(document())
}
