//! A JSON extractor whose rejections use the API's error body, so a client
//! never has to parse axum's plain-text rejections. The status says what
//! was wrong: 415 not JSON at all, 413 over the body limit, 400 bad JSON.

use crate::PlatformError;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use serde::de::DeserializeOwned;

pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = PlatformError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(ApiJson(v)),
            Err(rejection) => Err(refusal(rejection)),
        }
    }
}

fn refusal(rejection: JsonRejection) -> PlatformError {
    match rejection.status() {
        StatusCode::UNSUPPORTED_MEDIA_TYPE => PlatformError::refused(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "请求内容须为 JSON（Content-Type: application/json）",
        ),
        StatusCode::PAYLOAD_TOO_LARGE => PlatformError::refused(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            "请求内容过大，超出平台接受的上限",
        ),
        _ => PlatformError::bad_request(
            "bad_json",
            format!("请求内容不是有效的 JSON：{}", rejection.body_text()),
        ),
    }
}
