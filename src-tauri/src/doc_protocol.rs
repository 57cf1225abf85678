//! `pingshen-doc://localhost/{project}/{file_id}`: the viewer reads bid
//! documents through this protocol, decrypted in memory from the encrypted
//! cache, range by range (and the evaluation report, `{project}/~report`,
//! from the bytes the shell fetched for reading and signing). No plaintext file is ever written, and the webview
//! makes no network call.
//!
//! pdf.js (6.5) sends `Range` only to http(s) URLs, so the viewer hands it a
//! range transport that asks this protocol for each 64 KiB range itself
//! (`?range=bytes=a-b`): opening a 300-page bid decrypts the pages shown,
//! not the whole file. A range of a file still downloading is fetched from
//! the platform at once and verified chunk by chunk against the signed
//! manifest (`pingshen_app::ranges`) — the first page opens while the sync
//! runs; a file that is neither verified here nor reachable is not shown.
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
    // Before the first-run setup there is no state (and nothing to read).
    let Some(state) = app.try_state::<DesktopState>() else {
        return reply(
            StatusCode::SERVICE_UNAVAILABLE,
            "尚未完成首次设置".as_bytes().to_vec(),
        );
    };
    // The viewer names its range in the query (`?range=bytes=a-b`): a
    // `Range` header would make WebKit send a CORS preflight first.
    let range = req
        .uri()
        .query()
        .and_then(|q| q.split('&').find_map(|kv| kv.strip_prefix("range=")))
        .map(|r| r.replace("%3D", "="))
        .or_else(|| {
            req.headers()
                .get(header::RANGE)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        });
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
    // `?prepare`: the viewer is about to read this file; a file still on its
    // way is opened now (chunk list, first and last bytes, all checked)
    // while pdf.js starts.
    if req.uri().query() == Some("prepare") {
        let (p, f) = (project.clone(), file_id.clone());
        let not_yet =
            tokio::task::spawn_blocking(move || matches!(open_local(&store, &p, &f), Ok(Err(_))))
                .await
                .unwrap_or(false);
        if not_yet {
            if let Ok(ctx) = state.sync_context().await {
                let _ = early_file(&ctx, &state, &project, &file_id).prepare().await;
            }
        }
        return reply(StatusCode::NO_CONTENT, Vec::new());
    }
    // Several ranges at once (`?ranges=bytes=a-b,c-d`): pdf.js asked for
    // them together; the answer is their bytes one after the other.
    if let Some(spans) = req
        .uri()
        .query()
        .and_then(|q| q.split('&').find_map(|kv| kv.strip_prefix("ranges=")))
    {
        let Some(spans) = parse_spans(spans) else {
            return reply(
                StatusCode::RANGE_NOT_SATISFIABLE,
                "范围无效".as_bytes().to_vec(),
            );
        };
        return match read_many(&state, store, &project, &file_id, spans).await {
            Ok(parts) => {
                // The lengths say where one part ends and the next begins
                // (the viewer checks them against what it asked for).
                let lengths: Vec<String> = parts.iter().map(|p| p.len().to_string()).collect();
                let mut r = pdf_reply(StatusCode::OK, parts.concat(), None);
                if let Ok(v) = tauri::http::HeaderValue::from_str(&lengths.join(",")) {
                    r.headers_mut().insert(PART_LENGTHS, v);
                }
                r
            }
            Err((status, message)) => reply(status, message.into_bytes()),
        };
    }
    let (p, f, r) = (project.clone(), file_id.clone(), range.clone());
    let local = tokio::task::spawn_blocking(move || read_local(&store, &p, &f, r.as_deref())).await;
    let result = match local {
        Ok(Local::Read(r)) => r,
        // Not verified in the cache yet: a range is fetched from the
        // platform now, each chunk verified against the signed manifest.
        Ok(Local::NotYet { size }) => {
            read_early(&state, &project, &file_id, range.as_deref(), size).await
        }
        Err(_) => Err((StatusCode::INTERNAL_SERVER_ERROR, "内部错误".to_string())),
    };
    match result {
        Ok((status, bytes, range)) => pdf_reply(status, bytes, range),
        Err((status, message)) => reply(status, message.into_bytes()),
    }
}

type Served = Result<(StatusCode, Vec<u8>, Option<(u64, u64, u64)>), Failure>;

enum Local {
    Read(Served),
    /// Listed in the manifest (`size` bytes) but not verified in the cache.
    NotYet {
        size: u64,
    },
}

type Failure = (StatusCode, String);

/// The reader of a file verified in the encrypted cache, or `Err(size)`
/// when it is listed in the manifest but not (yet) verified here.
fn open_local(
    store: &std::sync::Mutex<pingshen_store::Store>,
    project: &str,
    file_id: &str,
) -> Result<Result<BlobReader, u64>, Failure> {
    let store = store
        .lock()
        .map_err(|_| (StatusCode::INTERNAL_SERVER_ERROR, "锁异常".to_string()))?;
    match store.documents().get(project, file_id).ok().flatten() {
        None => Err((
            StatusCode::NOT_FOUND,
            "文件不在本项目的文件清单中".to_string(),
        )),
        Some(d) if d.state != DocState::Verified => Ok(Err(d.entry.size)),
        Some(_) => BlobReader::open(&store, project, file_id)
            .map(Ok)
            .map_err(|e| (StatusCode::NOT_FOUND, e.message_zh())),
    }
}

fn store_failure(e: pingshen_store::StoreError) -> Failure {
    (StatusCode::INTERNAL_SERVER_ERROR, e.message_zh())
}

/// The range of a verified file from the encrypted cache.
fn read_local(
    store: &std::sync::Mutex<pingshen_store::Store>,
    project: &str,
    file_id: &str,
    range: Option<&str>,
) -> Local {
    let mut reader = match open_local(store, project, file_id) {
        Ok(Ok(reader)) => reader,
        Ok(Err(size)) => return Local::NotYet { size },
        Err(e) => return Local::Read(Err(e)),
    };
    let len = reader.len();
    Local::Read(match range {
        Some(r) => match pingshen_api::parse_range(r, len) {
            // To the end of the 64 KiB block: pdf.js keeps the rest and
            // reads on without asking again.
            Some((first, last)) => reader
                .read_range(first, block_end(last, len) - first + 1)
                .map(|bytes| {
                    let end = block_end(last, len);
                    (StatusCode::PARTIAL_CONTENT, bytes, Some((first, end, len)))
                })
                .map_err(store_failure),
            None => Err((StatusCode::RANGE_NOT_SATISFIABLE, format!("范围无效：{r}"))),
        },
        None => reader
            .read_all()
            .map(|bytes| (StatusCode::OK, bytes, None))
            .map_err(store_failure),
    })
}

/// The header naming the length of each part of a several-range answer.
const PART_LENGTHS: &str = "x-pingshen-part-lengths";

/// Ranges the viewer may ask for in one request.
const MAX_RANGES: usize = 512;

/// `bytes=a-b,c-d` (or `bytes%3Da-b,…`) → `[(a, b), (c, d)]`.
fn parse_spans(spans: &str) -> Option<Vec<(u64, u64)>> {
    let spans = spans
        .strip_prefix("bytes=")
        .or_else(|| spans.strip_prefix("bytes%3D"))?;
    let list: Vec<(u64, u64)> = spans
        .split(',')
        .map(|s| {
            let (a, b) = s.split_once('-')?;
            let (a, b): (u64, u64) = (a.parse().ok()?, b.parse().ok()?);
            (a <= b).then_some((a, b))
        })
        .collect::<Option<_>>()?;
    (!list.is_empty() && list.len() <= MAX_RANGES).then_some(list)
}

/// The bytes of each range, exactly: from the encrypted cache when the file
/// is verified there, else fetched and verified now.
async fn read_many(
    state: &DesktopState,
    store: std::sync::Arc<std::sync::Mutex<pingshen_store::Store>>,
    project: &str,
    file_id: &str,
    spans: Vec<(u64, u64)>,
) -> Result<Vec<Vec<u8>>, (StatusCode, String)> {
    let (p, f, s) = (project.to_string(), file_id.to_string(), spans.clone());
    // One reader for all the ranges of a verified file.
    let local = tokio::task::spawn_blocking(move || {
        let mut reader = match open_local(&store, &p, &f)? {
            Ok(reader) => reader,
            Err(size) => return Ok(Err(size)),
        };
        let len = reader.len();
        s.iter()
            .map(|&(a, b)| {
                if b >= len {
                    return Err((StatusCode::RANGE_NOT_SATISFIABLE, "范围无效".to_string()));
                }
                reader.read_range(a, b - a + 1).map_err(store_failure)
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Ok)
    })
    .await
    .map_err(|_| (StatusCode::INTERNAL_SERVER_ERROR, "内部错误".to_string()))??;
    let size = match local {
        Ok(parts) => return Ok(parts),
        Err(size) => size,
    };
    if spans.iter().any(|&(_, b)| b >= size) {
        return Err((StatusCode::RANGE_NOT_SATISFIABLE, "范围无效".to_string()));
    }
    let ctx = state.sync_context().await.map_err(|_| {
        (
            StatusCode::NOT_FOUND,
            "文件尚未同步，当前离线，无法打开".to_string(),
        )
    })?;
    early_file(&ctx, state, project, file_id)
        .many(&spans)
        .await
        .map_err(|e| {
            (
                StatusCode::BAD_GATEWAY,
                format!("{}（{}）", e.message, e.code),
            )
        })
}

fn early_file<'a>(
    ctx: &'a pingshen_app::sync::SyncContext,
    state: &'a DesktopState,
    project: &'a str,
    file_id: &'a str,
) -> pingshen_app::ranges::EarlyFile<'a> {
    pingshen_app::ranges::EarlyFile {
        ctx,
        reads: &state.early,
        project,
        file_id,
    }
}

/// The last byte of the 64 KiB block holding byte `last`.
fn block_end(last: u64, len: u64) -> u64 {
    ((last / 65_536 + 1) * 65_536).min(len) - 1
}

/// A range of a file still on its way, fetched and verified now.
async fn read_early(
    state: &DesktopState,
    project: &str,
    file_id: &str,
    range: Option<&str>,
    size: u64,
) -> Served {
    let Some(r) = range else {
        return Err((StatusCode::NOT_FOUND, "文件尚未同步完成".to_string()));
    };
    let (first, last) = pingshen_api::parse_range(r, size)
        .ok_or((StatusCode::RANGE_NOT_SATISFIABLE, format!("范围无效：{r}")))?;
    let ctx = state.sync_context().await.map_err(|_| {
        (
            StatusCode::NOT_FOUND,
            "文件尚未同步，当前离线，无法打开".to_string(),
        )
    })?;
    // The answer may run on past `last` (to the end of a chunk already
    // here): pdf.js keeps what it gets and asks no more for it.
    early_file(&ctx, state, project, file_id)
        .read_on(first, last)
        .await
        .map(|bytes| {
            let end = first + bytes.len() as u64 - 1;
            (StatusCode::PARTIAL_CONTENT, bytes, Some((first, end, size)))
        })
        .map_err(|e| {
            (
                StatusCode::BAD_GATEWAY,
                format!("{}（{}）", e.message, e.code),
            )
        })
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
            "Accept-Ranges, Content-Range, Content-Length, X-Pingshen-Part-Lengths",
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
