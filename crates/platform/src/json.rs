//! A JSON extractor whose rejections use the API's error body, so a client
//! never has to parse axum's plain-text rejections.

use crate::PlatformError;
use axum::extract::{FromRequest, Request};
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
            Err(rejection) => Err(PlatformError::bad_request(
                "bad_json",
                format!("请求内容不是有效的 JSON：{}", rejection.body_text()),
            )),
        }
    }
}
