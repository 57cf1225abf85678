//! The signed document manifest and file downloads (HTTP Range, ETag).
//! Once a project is archived its documents are gone (410) for everyone.

use crate::db::{documents, projects};
use crate::path::ApiPath;
use crate::query::ApiQuery;
use crate::receipts::to_wire;
use crate::{AppState, Caller, PlatformError};
use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use pingshen_api::{
    ErrorBody, FileChunks, Manifest, SignedEnvelope, Stage, MANIFEST_PURPOSE, MANIFEST_TYP,
};
use tokio::io::{AsyncReadExt, AsyncSeekExt};

/// Who may read a project's documents now. The archive check comes after
/// the assignment check (an outsider learns nothing about the project) and
/// before the declaration check, so that whoever may hold a copy is told
/// to purge it, whatever else would have refused them.
async fn readable(
    state: &AppState,
    caller: &Caller,
    project_id: &str,
) -> Result<(), PlatformError> {
    caller.require_project(state, project_id).await?;
    let pid = project_id.to_string();
    if state.db.call(move |c| projects::stage_of(c, &pid)).await? == Stage::Archived {
        return Err(PlatformError::gone(
            "project_archived",
            format!("项目 {project_id} 已归档，招标投标文件不再提供，请清除本机保存的副本"),
        ));
    }
    caller.require_no_conflict(state, project_id).await
}

/// A file of a project the caller may read now, or 404.
async fn readable_file(
    state: &AppState,
    caller: &Caller,
    project_id: &str,
    file_id: &str,
) -> Result<pingshen_api::ManifestFile, PlatformError> {
    readable(state, caller, project_id).await?;
    let (pid, fid) = (project_id.to_string(), file_id.to_string());
    state
        .db
        .call(move |c| documents::get(c, &pid, &fid))
        .await?
        .ok_or_else(|| PlatformError::not_found(format!("文件 {file_id} ")))
}

/// The project's files with sizes and hashes, signed by the platform. A
/// client shows no file whose bytes do not match it.
#[utoipa::path(get, path = "/api/v1/projects/{id}/manifest", tag = "documents",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "项目编号")),
    responses(
        (status = 200, description = "平台签名的文件清单（载荷为 Manifest）", body = SignedEnvelope),
        (status = 403, description = "未被分配到该项目，或专家尚未签署声明 / 已回避", body = ErrorBody),
        (status = 410, description = "项目已归档，文件不再提供（project_archived）：客户端应清除本机副本", body = ErrorBody)))]
pub async fn manifest(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(project_id): ApiPath<String>,
) -> Result<Json<SignedEnvelope>, PlatformError> {
    readable(&state, &caller, &project_id).await?;
    let pid = project_id.clone();
    let files = state.db.call(move |c| documents::list(c, &pid)).await?;
    let data_dir = state.data_dir.clone();
    let files = tokio::task::spawn_blocking(move || {
        files
            .into_iter()
            .map(|f| crate::files::with_chunks(&data_dir, f))
            .collect::<Result<Vec<_>, _>>()
    })
    .await
    .map_err(|e| PlatformError::Internal(e.to_string()))??;
    let now = time::OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .unwrap_or_else(|_| time::OffsetDateTime::now_utc());
    let manifest = Manifest {
        purpose: MANIFEST_PURPOSE.to_string(),
        platform_id: state.platform_id.clone(),
        project_id,
        issued_at: now,
        files,
    };
    let env = pingshen_pki::sign_value(state.pki.signer(), MANIFEST_TYP, &manifest, now)
        .map_err(|e| PlatformError::Internal(format!("无法签署文件清单：{}", e.message_zh())))?;
    Ok(Json(to_wire(env)))
}

/// The SHA-256 of each chunk of a file. A reader checks the list against the
/// signed manifest's `chunks_sha256`, then each chunk it fetches by range
/// against the list: a page can be shown, verified, before the whole file
/// has arrived.
#[utoipa::path(get, path = "/api/v1/projects/{id}/files/{file_id}/chunks", tag = "documents",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "项目编号"), ("file_id" = String, Path, description = "文件编号")),
    responses(
        (status = 200, description = "各分块的 SHA-256（以签名清单中的 chunks_sha256 校验）", body = FileChunks),
        (status = 403, description = "未被分配到该项目，或专家尚未签署声明 / 已回避", body = ErrorBody),
        (status = 404, description = "无此文件", body = ErrorBody),
        (status = 410, description = "项目已归档，文件不再提供（project_archived）", body = ErrorBody)))]
pub async fn chunks(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath((project_id, file_id)): ApiPath<(String, String)>,
) -> Result<Json<FileChunks>, PlatformError> {
    let meta = readable_file(&state, &caller, &project_id, &file_id).await?;
    let data_dir = state.data_dir.clone();
    let list = tokio::task::spawn_blocking(move || {
        crate::files::chunk_digests(&data_dir, &meta.sha256, meta.size)
    })
    .await
    .map_err(|e| PlatformError::Internal(e.to_string()))??;
    Ok(Json(FileChunks {
        file_id,
        chunk_size: pingshen_api::CHUNK_SIZE,
        chunks: list.chunks(32).map(hex::encode).collect(),
    }))
}

/// Pieces a reader may ask for at once.
pub const MAX_PIECES: usize = 512;

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
pub struct PiecesQuery {
    /// Byte spans `first-last`, comma-separated, each within one 64 KiB
    /// chunk; at most 512.
    spans: String,
}

/// Parses `a-b,c-d`.
fn parse_spans(spans: &str) -> Result<Vec<(u64, u64)>, PlatformError> {
    let bad = || PlatformError::bad_request("bad_range", format!("片段范围无效：{spans}"));
    let list: Vec<(u64, u64)> = spans
        .split(',')
        .map(|s| {
            let (a, b) = s.split_once('-')?;
            Some((a.trim().parse().ok()?, b.trim().parse().ok()?))
        })
        .collect::<Option<_>>()
        .ok_or_else(bad)?;
    if list.is_empty() || list.len() > MAX_PIECES {
        return Err(bad());
    }
    Ok(list)
}

/// A few bytes of chunks, each widened to whole 256-byte leaves, with the
/// proof that they belong to the chunk whose root the signed manifest
/// vouches for: what a reader on a poor line fetches for the page objects
/// spread over a long bid — a few hundred bytes each, all in one request,
/// instead of the whole 64 KiB chunk around each.
#[utoipa::path(get, path = "/api/v1/projects/{id}/files/{file_id}/pieces", tag = "documents",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "项目编号"), ("file_id" = String, Path, description = "文件编号"), PiecesQuery),
    responses(
        (status = 200, description = "各片段（所在分块的整叶）及其证明，与请求顺序相同。二进制，每段一条记录：offset（8 字节，大端）、chunk_len（4）、data_len（4）、proof_len（2，哈希个数）、data、proof（32 × proof_len）", content_type = "application/octet-stream"),
        (status = 400, description = "范围无效、跨越分块或超过 512 段（bad_range）", body = ErrorBody),
        (status = 403, description = "未被分配到该项目，或专家尚未签署声明 / 已回避", body = ErrorBody),
        (status = 404, description = "无此文件", body = ErrorBody),
        (status = 410, description = "项目已归档，文件不再提供（project_archived）", body = ErrorBody)))]
pub async fn pieces(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath((project_id, file_id)): ApiPath<(String, String)>,
    ApiQuery(q): ApiQuery<PiecesQuery>,
) -> Result<Response, PlatformError> {
    let meta = readable_file(&state, &caller, &project_id, &file_id).await?;
    let spans = parse_spans(&q.spans)?;
    let data_dir = state.data_dir.clone();
    let pieces = tokio::task::spawn_blocking(move || {
        spans
            .into_iter()
            .map(|(first, last)| {
                crate::files::piece(&data_dir, &meta.sha256, meta.size, first, last)
            })
            .collect::<Result<Vec<_>, _>>()
    })
    .await
    .map_err(|e| PlatformError::Internal(e.to_string()))??;
    Ok((
        [(header::CONTENT_TYPE, pingshen_api::PIECES_MEDIA_TYPE)],
        pingshen_api::encode_pieces(&pieces),
    )
        .into_response())
}

/// One file. Supports `Range: bytes=…` (one range) so an interrupted
/// download resumes, and `ETag` (the file's SHA-256) with `If-None-Match`
/// and `If-Range`.
#[utoipa::path(get, path = "/api/v1/projects/{id}/files/{file_id}", tag = "documents",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "项目编号"), ("file_id" = String, Path, description = "文件编号")),
    responses(
        (status = 200, description = "文件内容", content_type = "application/pdf"),
        (status = 206, description = "所请求的字节范围", content_type = "application/pdf"),
        (status = 304, description = "未改变（If-None-Match）"),
        (status = 403, description = "未被分配到该项目，或专家尚未签署声明 / 已回避", body = ErrorBody),
        (status = 404, description = "无此文件", body = ErrorBody),
        (status = 410, description = "项目已归档，文件不再提供（project_archived）：客户端应清除本机副本", body = ErrorBody),
        (status = 416, description = "范围无效", body = ErrorBody)))]
pub async fn file(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath((project_id, file_id)): ApiPath<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, PlatformError> {
    let meta = readable_file(&state, &caller, &project_id, &file_id).await?;
    let etag = format!("\"{}\"", meta.sha256);
    let etag_value =
        HeaderValue::from_str(&etag).map_err(|e| PlatformError::Internal(e.to_string()))?;
    if headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"))
    {
        return Ok((StatusCode::NOT_MODIFIED, [(header::ETAG, etag_value)]).into_response());
    }
    // If-Range with another validator means "the file changed: send it all".
    let range_applies = headers
        .get(header::IF_RANGE)
        .and_then(|v| v.to_str().ok())
        .is_none_or(|v| v.trim() == etag);
    let range = match headers.get(header::RANGE).and_then(|v| v.to_str().ok()) {
        Some(r) if range_applies => Some(pingshen_api::parse_range(r, meta.size).ok_or_else(
            || PlatformError::Refused {
                status: StatusCode::RANGE_NOT_SATISFIABLE,
                code: "bad_range",
                message: format!("请求的字节范围无效：{r}（文件大小 {} 字节）", meta.size),
            },
        )?),
        _ => None,
    };
    let path = crate::files::path(&state.data_dir, &meta.sha256);
    let mut file = tokio::fs::File::open(&path)
        .await
        .map_err(|e| PlatformError::Internal(format!("文件存储缺失：{e}")))?;
    let (status, start, len) = match range {
        Some((start, end)) => (StatusCode::PARTIAL_CONTENT, start, end - start + 1),
        None => (StatusCode::OK, 0, meta.size),
    };
    file.seek(std::io::SeekFrom::Start(start))
        .await
        .map_err(|e| PlatformError::Internal(e.to_string()))?;
    // 256 KiB reads: ReaderStream's default of 4 KiB costs a blocking-pool
    // hop per 4 KiB sent, which made serving a file cost more CPU than
    // receiving it.
    let body = Body::from_stream(tokio_util::io::ReaderStream::with_capacity(
        file.take(len),
        256 << 10,
    ));
    let mut resp = Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "application/pdf")
        .header(header::CONTENT_LENGTH, len)
        .header(header::ACCEPT_RANGES, "bytes")
        .header(header::ETAG, etag_value)
        .header(header::CACHE_CONTROL, "private, no-store");
    if status == StatusCode::PARTIAL_CONTENT {
        resp = resp.header(
            header::CONTENT_RANGE,
            format!("bytes {}-{}/{}", start, start + len - 1, meta.size),
        );
    }
    resp.body(body)
        .map_err(|e| PlatformError::Internal(e.to_string()))
}
