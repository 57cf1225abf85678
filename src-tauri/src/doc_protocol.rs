//! `pingshen-doc://localhost/{project}/{file_id}`: the viewer reads bid
//! documents through this protocol, decrypted in memory from the encrypted
//! cache, range by range (and the evaluation report, `{project}/~report`,
//! from the bytes the shell fetched for reading and signing). No plaintext file is ever written, and the webview
//! makes no network call.
//!
//! Ranges are served when asked for, but pdf.js (6.5) sends `Range` only to
//! http(s) URLs: for this scheme it makes one GET per document (seen in the
//! real window), so a whole document is decrypted into memory when opened.
//!
//! Who may read: only the app's own pages. The page (origin
//! `tauri://localhost` on WebKitGTK) and this scheme are different origins,
//! so pdf.js's XMLHttpRequest is a CORS request: WebKit sends
//! `Origin: tauri://localhost` and lets the page read the answer only if it
//! carries a matching `Access-Control-Allow-Origin` (without one, documents
//! do not open at all). The answer names that one origin, never `*`, and a
//! request with any other origin, or none, is refused before the store is
//! touched.

use crate::state::DesktopState;
use pingshen_store::{BlobReader, DocState};
use tauri::http::{header, Request, Response, StatusCode};
use tauri::Manager;

pub const SCHEME: &str = "pingshen-doc";

/// The origin of the app's own pages, which Tauri serves from its `tauri`
/// scheme: `tauri://localhost` on Linux and macOS, `http://tauri.localhost`
/// on Windows (WebView2 maps custom schemes to http hosts).
pub const APP_ORIGIN: &str = if cfg!(windows) {
    "http://tauri.localhost"
} else {
    "tauri://localhost"
};

/// True when the request was made by one of the app's own pages.
fn from_app(origin: Option<&header::HeaderValue>) -> bool {
    origin.is_some_and(|o| o.as_bytes() == APP_ORIGIN.as_bytes())
}

fn reply(status: StatusCode, body: Vec<u8>) -> Response<Vec<u8>> {
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "text/plain; charset=utf-8")
        // The viewer reads error texts too (e.g. 请先登录).
        .header(header::ACCESS_CONTROL_ALLOW_ORIGIN, APP_ORIGIN)
        .header(header::VARY, "Origin")
        .body(body)
        .unwrap_or_default()
}

pub async fn serve(app: tauri::AppHandle, req: Request<Vec<u8>>) -> Response<Vec<u8>> {
    if !from_app(req.headers().get(header::ORIGIN)) {
        return reply(
            StatusCode::FORBIDDEN,
            "只有本应用的页面可以读取投标文件".as_bytes().to_vec(),
        );
    }
    let path = req.uri().path().trim_start_matches('/').to_string();
    let Some((project, file_id)) = path.split_once('/') else {
        return reply(
            StatusCode::BAD_REQUEST,
            "路径应为 /项目/文件".as_bytes().to_vec(),
        );
    };
    let (project, file_id) = (project.to_string(), file_id.to_string());
    let state = app.state::<DesktopState>();
    let range = req
        .headers()
        .get(header::RANGE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    // The evaluation report: the very bytes `open_report` fetched, which
    // signing then approves.
    if file_id == crate::commands::report::REPORT_FILE_ID {
        return match crate::commands::report::viewed_bytes(&state, &project) {
            Some(bytes) => match range.as_deref() {
                Some(r) => match pingshen_api::parse_range(r, bytes.len() as u64) {
                    Some((first, last)) => pdf_reply(
                        StatusCode::PARTIAL_CONTENT,
                        bytes[first as usize..=last as usize].to_vec(),
                        Some((first, last, bytes.len() as u64)),
                    ),
                    None => reply(
                        StatusCode::RANGE_NOT_SATISFIABLE,
                        format!("范围无效：{r}").into_bytes(),
                    ),
                },
                None => pdf_reply(StatusCode::OK, bytes.to_vec(), None),
            },
            None => reply(
                StatusCode::NOT_FOUND,
                "请先打开评标报告".as_bytes().to_vec(),
            ),
        };
    }
    let Ok((store, _, _)) = state.store().await else {
        return reply(StatusCode::UNAUTHORIZED, "请先登录".as_bytes().to_vec());
    };
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
        Ok(Ok((status, bytes, range))) => pdf_reply(status, bytes, range),
        Ok(Err((status, message))) => reply(status, message.into_bytes()),
        Err(_) => reply(
            StatusCode::INTERNAL_SERVER_ERROR,
            "内部错误".as_bytes().to_vec(),
        ),
    }
}

/// A PDF (or a range of it) for the viewer, readable by the app's pages only.
fn pdf_reply(
    status: StatusCode,
    bytes: Vec<u8>,
    range: Option<(u64, u64, u64)>,
) -> Response<Vec<u8>> {
    let mut b = Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "application/pdf")
        .header(header::ACCEPT_RANGES, "bytes")
        .header(header::CACHE_CONTROL, "no-store")
        .header(header::ACCESS_CONTROL_ALLOW_ORIGIN, APP_ORIGIN)
        .header(header::VARY, "Origin")
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

#[cfg(test)]
mod tests {
    use super::*;
    use tauri::http::HeaderValue;

    #[test]
    fn only_the_apps_own_origin_may_read() {
        assert!(from_app(Some(&HeaderValue::from_static(APP_ORIGIN))));
        for other in [
            "null",
            "http://127.0.0.1:8620",
            "https://evil.example",
            "tauri://localhost.evil.example",
            "pingshen-doc://localhost",
        ] {
            assert!(!from_app(Some(&HeaderValue::from_static(other))), "{other}");
        }
        assert!(!from_app(None), "a request without an origin is refused");
    }

    #[test]
    fn replies_name_the_app_origin_never_a_wildcard() {
        let r = reply(StatusCode::NOT_FOUND, Vec::new());
        assert_eq!(r.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN], APP_ORIGIN);
    }
}
