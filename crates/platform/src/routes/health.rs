use crate::AppState;
use axum::extract::State;
use axum::Json;
use pingshen_api::Health;

/// Liveness, identity and clock of the platform. Open to anonymous callers.
#[utoipa::path(get, path = "/api/v1/health", tag = "platform",
    responses((status = 200, description = "平台可用", body = Health)))]
pub async fn health(State(state): State<AppState>) -> Json<Health> {
    Json(Health {
        status: "ok".into(),
        platform_id: state.platform_id.clone(),
        platform_name: state.platform_name.clone(),
        api_version: pingshen_api::API_VERSION.into(),
        time: time::OffsetDateTime::now_utc(),
        signing_cert_sha256: state.pki.fingerprint(),
    })
}
