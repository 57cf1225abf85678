//! A query-string extractor whose rejections use the API's error body
//! (`bad_query`) instead of axum's plain text.

use crate::PlatformError;
use axum::extract::{FromRequestParts, Query};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

pub struct ApiQuery<T>(pub T);

impl<S, T> FromRequestParts<S> for ApiQuery<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = PlatformError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match Query::<T>::from_request_parts(parts, state).await {
            Ok(Query(v)) => Ok(ApiQuery(v)),
            Err(rejection) => Err(PlatformError::bad_request(
                "bad_query",
                format!("查询参数无效：{}", rejection.body_text()),
            )),
        }
    }
}
