//! Signed updates of the desktop: the platform serves what the centre's
//! release manager signed offline (`pingshen update publish` into
//! `<data>/updates/`) and nothing else. It holds no update key and checks no
//! signature: the desktop does, with the keys compiled into it, so a
//! platform cannot make an update the desktop would install.
//!
//! Open to anonymous callers: an expert whose login no longer works with
//! this platform must still be able to update.

use crate::path::ApiPath;
use crate::{AppState, PlatformError};
use axum::body::Body;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::Response;
use axum::routing::get;
use axum::{Json, Router};
use pingshen_api::{ErrorBody, SignedUpdateManifest, UpdateManifest};
use std::path::{Path, PathBuf};

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/updates/latest", get(latest))
        .route("/updates/files/{file}", get(file))
}

/// Where a publication lives: `manifest.json` (a [`SignedUpdateManifest`])
/// and `files/<name>`.
pub fn updates_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("updates")
}

fn no_update() -> PlatformError {
    PlatformError::refused(
        StatusCode::NOT_FOUND,
        "no_update_published",
        "本平台尚未发布客户端更新",
    )
}

async fn read_published(data_dir: &Path) -> Result<SignedUpdateManifest, PlatformError> {
    let path = updates_dir(data_dir).join("manifest.json");
    let text = match tokio::fs::read(&path).await {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(no_update()),
        Err(e) => return Err(PlatformError::Internal(format!("无法读取更新清单：{e}"))),
    };
    serde_json::from_slice(&text)
        .map_err(|e| PlatformError::Internal(format!("更新清单 {} 无法解析：{e}", path.display())))
}

/// The latest published version, exactly as signed.
#[utoipa::path(get, path = "/api/v1/updates/latest", tag = "updates",
    responses(
        (status = 200, description = "已签名的更新清单（客户端以内置公钥验证）", body = SignedUpdateManifest),
        (status = 404, description = "尚未发布更新（no_update_published）", body = ErrorBody)))]
pub async fn latest(
    State(state): State<AppState>,
) -> Result<Json<SignedUpdateManifest>, PlatformError> {
    Ok(Json(read_published(&state.data_dir).await?))
}

/// A file the current manifest names (any other name is 404, so this never
/// serves more than the publication).
#[utoipa::path(get, path = "/api/v1/updates/files/{file}", tag = "updates",
    params(("file" = String, Path, description = "清单中列出的文件名")),
    responses(
        (status = 200, description = "更新文件", content_type = "application/octet-stream"),
        (status = 404, description = "清单中没有该文件（not_found、no_update_published）", body = ErrorBody)))]
pub async fn file(
    State(state): State<AppState>,
    ApiPath(name): ApiPath<String>,
) -> Result<Response, PlatformError> {
    let published = read_published(&state.data_dir).await?;
    let manifest: UpdateManifest = serde_json::from_str(&published.manifest)
        .map_err(|e| PlatformError::Internal(format!("更新清单无法解析：{e}")))?;
    if !manifest.artifacts.iter().any(|a| a.file == name) {
        return Err(PlatformError::not_found(format!("更新文件 {name}")));
    }
    let path = updates_dir(&state.data_dir).join("files").join(&name);
    let file = tokio::fs::File::open(&path)
        .await
        .map_err(|e| PlatformError::Internal(format!("更新文件 {name} 缺失：{e}")))?;
    let len = file
        .metadata()
        .await
        .map_err(|e| PlatformError::Internal(e.to_string()))?
        .len();
    let body = Body::from_stream(tokio_util::io::ReaderStream::with_capacity(file, 256 << 10));
    Response::builder()
        .header(header::CONTENT_TYPE, "application/octet-stream")
        .header(header::CONTENT_LENGTH, len)
        .body(body)
        .map_err(|e| PlatformError::Internal(e.to_string()))
}
