//! A path extractor whose rejections use the API's error body (`bad_path`),
//! so that `/rules/notanumber` or a `%FF` in a project id is answered like
//! every other refusal, never with axum's plain text.

use crate::PlatformError;
use axum::extract::path::ErrorKind;
use axum::extract::rejection::PathRejection;
use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

pub struct ApiPath<T>(pub T);

impl<S, T> FromRequestParts<S> for ApiPath<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = PlatformError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match Path::<T>::from_request_parts(parts, state).await {
            Ok(Path(v)) => Ok(ApiPath(v)),
            Err(rejection) => Err(refusal(rejection)),
        }
    }
}

fn refusal(rejection: PathRejection) -> PlatformError {
    // A route whose parameters do not fit its handler is our bug, not the
    // caller's (axum says so with a 5xx status).
    if rejection.status().is_server_error() {
        return PlatformError::Internal(format!("路由参数定义错误：{}", rejection.body_text()));
    }
    let message = match &rejection {
        PathRejection::FailedToDeserializePathParams(e) => match e.kind() {
            ErrorKind::InvalidUtf8InPathParam { key } => {
                format!("请求路径中的 {key} 不是有效的 UTF-8 文本")
            }
            ErrorKind::ParseError {
                value,
                expected_type,
            }
            | ErrorKind::ParseErrorAtIndex {
                value,
                expected_type,
                ..
            }
            | ErrorKind::ParseErrorAtKey {
                value,
                expected_type,
                ..
            } => format!("请求路径中的“{value}”应为{}", type_zh(expected_type)),
            _ => format!("请求路径无效：{}", rejection.body_text()),
        },
        _ => format!("请求路径无效：{}", rejection.body_text()),
    };
    PlatformError::bad_request("bad_path", message)
}

/// The Chinese name of a path parameter's Rust type.
fn type_zh(rust_type: &str) -> String {
    match rust_type {
        "u8" | "u16" | "u32" | "u64" | "usize" => "非负整数".into(),
        "i8" | "i16" | "i32" | "i64" | "isize" => "整数".into(),
        other => format!(" {other} 类型的值"),
    }
}
