//! Every non-2xx answer of the API carries the error body
//! `{"error": {code, message}}`, including those our handlers never see:
//! axum's 405 (empty body) or a rejection of an extractor we did not wrap
//! (plain text). Handlers and our extractors already answer
//! in that shape ([`crate::PlatformError`]); this middleware rewrites whatever
//! else is an error and not JSON, keeping the status and headers such as
//! `Allow`. It also refuses over-long URIs and header blocks in that shape.
//!
//! What cannot be covered: hyper parses the request head before any service
//! runs and answers some requests itself, with an empty body and no
//! content type (measured against hyper 1.x as axum 0.8 serves it):
//! - a request target of 65 534 bytes or more: `414 URI Too Long`;
//! - a request head over its read buffer (~400 KiB), or more than 100
//!   header fields: `431 Request Header Fields Too Large`;
//! - a malformed request line or header: `400 Bad Request`.
//!
//! The limits below are far under hyper's, so that any URI or header
//! block too large for the API, but small enough for hyper, gets a coded
//! answer; only requests no client of ours could send get hyper's bare one.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use pingshen_api::{ApiError, ErrorBody};

/// Longest request target (path and query) the API accepts. Its longest
/// real one is a project id and a file id: a few hundred bytes at most.
pub const MAX_URI_BYTES: usize = 8 * 1024;
/// Largest header block (names and values) the API accepts. A client sends
/// a handful of short headers and a 43-character token.
pub const MAX_HEADER_BYTES: usize = 32 * 1024;
/// Most header fields the API accepts (hyper refuses more than 100 itself).
pub const MAX_HEADER_FIELDS: usize = 64;

pub async fn api_errors(req: Request, next: Next) -> Response {
    if let Some(refusal) = oversized(&req) {
        return refusal.into_response();
    }
    let method = req.method().clone();
    let resp = next.run(req).await;
    let failed = resp.status().is_client_error() || resp.status().is_server_error();
    if failed && !is_json(&resp) {
        return reshape(resp, &method);
    }
    resp
}

fn oversized(req: &Request) -> Option<crate::PlatformError> {
    let uri = req.uri();
    let uri_len = uri.path_and_query().map_or(0, |p| p.as_str().len())
        + uri.authority().map_or(0, |a| a.as_str().len());
    if uri_len > MAX_URI_BYTES {
        return Some(crate::PlatformError::refused(
            StatusCode::URI_TOO_LONG,
            "uri_too_long",
            format!("请求地址过长（{uri_len} 字节，上限 {MAX_URI_BYTES} 字节）"),
        ));
    }
    let headers = req.headers();
    let header_bytes: usize = headers
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len())
        .sum();
    if headers.len() > MAX_HEADER_FIELDS || header_bytes > MAX_HEADER_BYTES {
        return Some(crate::PlatformError::refused(
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            "headers_too_large",
            format!(
                "请求头过大（{} 项、{header_bytes} 字节，上限 {MAX_HEADER_FIELDS} 项、{MAX_HEADER_BYTES} 字节）",
                headers.len()
            ),
        ));
    }
    None
}

fn is_json(resp: &Response) -> bool {
    resp.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"))
}

/// The same status and headers, with the API's error body instead of
/// whatever was there (empty, or English plain text).
fn reshape(resp: Response, method: &Method) -> Response {
    let (mut parts, _) = resp.into_parts();
    let (code, message) = describe(parts.status, method);
    if parts.status.is_server_error() {
        tracing::error!(status = %parts.status, code, "request failed outside the handlers");
    }
    let body = serde_json::to_vec(&ErrorBody {
        error: ApiError::new(code, message),
    })
    .unwrap_or_default();
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    Response::from_parts(parts, Body::from(body))
}

/// A stable code and a Chinese message for a status nobody described.
fn describe(status: StatusCode, method: &Method) -> (&'static str, String) {
    let (code, message) = match status {
        StatusCode::BAD_REQUEST => ("bad_request", "请求格式错误"),
        StatusCode::UNAUTHORIZED => ("unauthenticated", "请先使用数字证书登录"),
        StatusCode::FORBIDDEN => ("forbidden", "无权进行此操作"),
        StatusCode::NOT_FOUND => ("not_found", "接口不存在"),
        StatusCode::METHOD_NOT_ALLOWED => {
            return ("method_not_allowed", format!("该接口不支持 {method} 请求"))
        }
        StatusCode::NOT_ACCEPTABLE => ("not_acceptable", "无法按请求的格式答复"),
        StatusCode::REQUEST_TIMEOUT => ("request_timeout", "请求超时"),
        StatusCode::LENGTH_REQUIRED => ("length_required", "请求须注明内容长度"),
        StatusCode::PAYLOAD_TOO_LARGE => ("payload_too_large", "请求内容过大，超出平台接受的上限"),
        StatusCode::URI_TOO_LONG => ("uri_too_long", "请求地址过长"),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => (
            "unsupported_media_type",
            "请求内容须为 JSON（Content-Type: application/json）",
        ),
        StatusCode::RANGE_NOT_SATISFIABLE => ("bad_range", "请求的字节范围无效"),
        StatusCode::UNPROCESSABLE_ENTITY => ("unprocessable", "请求内容无法处理"),
        StatusCode::TOO_MANY_REQUESTS => ("too_many_requests", "请求过于频繁，请稍后再试"),
        StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE => ("headers_too_large", "请求头过大"),
        StatusCode::SERVICE_UNAVAILABLE => ("unavailable", "平台暂时无法处理请求，请稍后再试"),
        s if s.is_server_error() => ("internal_error", "平台内部错误"),
        _ => ("request_refused", "请求未被接受"),
    };
    (code, message.to_string())
}
