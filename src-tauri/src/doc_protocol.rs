//! `pingshen-doc://localhost/{project}/{file_id}`: the viewer reads bid
//! documents through this protocol, decrypted in memory from the encrypted
//! cache, range by range. No plaintext file is ever written, and the webview
//! makes no network call.

use crate::state::DesktopState;
use pingshen_store::{BlobReader, DocState};
use tauri::http::{header, Request, Response, StatusCode};
use tauri::Manager;

pub const SCHEME: &str = "pingshen-doc";

fn reply(status: StatusCode, body: Vec<u8>) -> Response<Vec<u8>> {
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "text/plain; charset=utf-8")
        .header(header::ACCESS_CONTROL_ALLOW_ORIGIN, "*")
        .body(body)
        .unwrap_or_default()
}

pub async fn serve(app: tauri::AppHandle, req: Request<Vec<u8>>) -> Response<Vec<u8>> {
    let path = req.uri().path().trim_start_matches('/').to_string();
    let Some((project, file_id)) = path.split_once('/') else {
        return reply(
            StatusCode::BAD_REQUEST,
            "路径应为 /项目/文件".as_bytes().to_vec(),
        );
    };
    let (project, file_id) = (project.to_string(), file_id.to_string());
    let state = app.state::<DesktopState>();
    // The evaluation report: the very bytes `open_report` fetched, which
    // signing then approves.
    if file_id == crate::commands::report::REPORT_FILE_ID {
        return match crate::commands::report::viewed_bytes(&state, &project) {
            Some(bytes) => pdf_response(&req, &bytes),
            None => reply(
                StatusCode::NOT_FOUND,
                "请先打开评标报告".as_bytes().to_vec(),
            ),
        };
    }
    let Ok((store, _, _)) = state.store().await else {
        return reply(StatusCode::UNAUTHORIZED, "请先登录".as_bytes().to_vec());
    };
    let range = req
        .headers()
        .get(header::RANGE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let result = tokio::task::spawn_blocking(move || {
        let store = store
            .lock()
            .map_err(|_| (StatusCode::INTERNAL_SERVER_ERROR, "锁异常".to_string()))?;
        // Only a verified file is ever shown.
        let verified = store
            .documents()
            .get(&project, &file_id)
            .ok()
            .flatten()
            .is_some_and(|d| d.state == DocState::Verified);
        if !verified {
            return Err((StatusCode::NOT_FOUND, "文件未同步或未通过校验".to_string()));
        }
        let mut reader = BlobReader::open(&store, &project, &file_id)
            .map_err(|e| (StatusCode::NOT_FOUND, e.message_zh()))?;
        drop(store);
        let len = reader.len();
        match range.as_deref() {
            Some(r) => {
                let (first, last) = pingshen_api::parse_range(r, len)
                    .ok_or((StatusCode::RANGE_NOT_SATISFIABLE, format!("范围无效：{r}")))?;
                let bytes = reader
                    .read_range(first, last - first + 1)
                    .map_err(|e| (StatusCode::INTERNAL_SERVER_ERROR, e.message_zh()))?;
                Ok((StatusCode::PARTIAL_CONTENT, bytes, Some((first, last, len))))
            }
            None => {
                let bytes = reader
                    .read_all()
                    .map_err(|e| (StatusCode::INTERNAL_SERVER_ERROR, e.message_zh()))?;
                Ok((StatusCode::OK, bytes, None))
            }
        }
    })
    .await;
    match result {
        Ok(Ok((status, bytes, range))) => {
            let mut b = Response::builder()
                .status(status)
                .header(header::CONTENT_TYPE, "application/pdf")
                .header(header::ACCEPT_RANGES, "bytes")
                .header(header::CACHE_CONTROL, "no-store")
                .header(header::ACCESS_CONTROL_ALLOW_ORIGIN, "*")
                .header(
                    header::ACCESS_CONTROL_EXPOSE_HEADERS,
                    "Accept-Ranges, Content-Range, Content-Length",
                )
                .header(header::CONTENT_LENGTH, bytes.len());
            if let Some((first, last, len)) = range {
                b = b.header(header::CONTENT_RANGE, format!("bytes {first}-{last}/{len}"));
            }
            b.body(bytes).unwrap_or_default()
        }
        Ok(Err((status, message))) => reply(status, message.into_bytes()),
        Err(_) => reply(
            StatusCode::INTERNAL_SERVER_ERROR,
            "内部错误".as_bytes().to_vec(),
        ),
    }
}

/// Serves bytes held in memory, honouring a `Range` request as pdf.js asks.
fn pdf_response(req: &Request<Vec<u8>>, bytes: &[u8]) -> Response<Vec<u8>> {
    let len = bytes.len() as u64;
    let range = req
        .headers()
        .get(header::RANGE)
        .and_then(|v| v.to_str().ok());
    let (status, body, content_range) = match range {
        Some(r) => match pingshen_api::parse_range(r, len) {
            Some((first, last)) => (
                StatusCode::PARTIAL_CONTENT,
                bytes[first as usize..=last as usize].to_vec(),
                Some(format!("bytes {first}-{last}/{len}")),
            ),
            None => {
                return reply(
                    StatusCode::RANGE_NOT_SATISFIABLE,
                    format!("范围无效：{r}").into_bytes(),
                )
            }
        },
        None => (StatusCode::OK, bytes.to_vec(), None),
    };
    let mut b = Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "application/pdf")
        .header(header::ACCEPT_RANGES, "bytes")
        .header(header::CACHE_CONTROL, "no-store")
        .header(header::ACCESS_CONTROL_ALLOW_ORIGIN, "*")
        .header(
            header::ACCESS_CONTROL_EXPOSE_HEADERS,
            "Accept-Ranges, Content-Range, Content-Length",
        )
        .header(header::CONTENT_LENGTH, body.len());
    if let Some(cr) = content_range {
        b = b.header(header::CONTENT_RANGE, cr);
    }
    b.body(body).unwrap_or_default()
}
