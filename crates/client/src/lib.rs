//! The HTTP client of the platform API.
//!
//! Architecture invariant: this is the only crate in the workspace that does
//! HTTP. The desktop shell and the CLI call the platform through it, using
//! the wire types of `pingshen-api`.

mod error;

pub use error::ClientError;

use pingshen_api::{ErrorBody, Health, NewProject, ProjectDetail, ProjectSummary};
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::time::Duration;
use url::Url;

/// How long to wait for the platform to accept a connection. Loopback and a
/// working LAN answer in milliseconds; an unreachable host should be reported
/// quickly so the expert can carry on offline.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
/// Upper bound for one request (document downloads use their own limits).
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// A connection to one platform.
#[derive(Clone)]
pub struct PlatformClient {
    base: Url,
    http: reqwest::Client,
}

impl PlatformClient {
    /// `base_url` is the platform's root, e.g. `http://127.0.0.1:8620`.
    pub fn new(base_url: &str) -> Result<Self, ClientError> {
        let mut base = Url::parse(base_url.trim()).map_err(|e| ClientError::BadUrl {
            url: base_url.to_string(),
            reason: e.to_string(),
        })?;
        if !matches!(base.scheme(), "http" | "https") {
            return Err(ClientError::BadUrl {
                url: base_url.to_string(),
                reason: "只支持 http 或 https".into(),
            });
        }
        if !base.path().ends_with('/') {
            let path = format!("{}/", base.path());
            base.set_path(&path);
        }
        let http = reqwest::Client::builder()
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(REQUEST_TIMEOUT)
            .user_agent(concat!("pingshen/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| ClientError::Internal(e.to_string()))?;
        Ok(Self { base, http })
    }

    /// The platform root this client talks to.
    pub fn base_url(&self) -> &str {
        self.base.as_str()
    }

    pub async fn health(&self) -> Result<Health, ClientError> {
        self.get("health").await
    }

    pub async fn projects(&self) -> Result<Vec<ProjectSummary>, ClientError> {
        self.get("projects").await
    }

    pub async fn project(&self, id: &str) -> Result<ProjectDetail, ClientError> {
        self.get(&format!("projects/{}", encode_segment(id))).await
    }

    pub async fn create_project(&self, new: &NewProject) -> Result<ProjectDetail, ClientError> {
        self.send(Method::POST, "projects", Some(new)).await
    }

    async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, ClientError> {
        self.send::<(), T>(Method::GET, path, None).await
    }

    async fn send<B: Serialize, T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<&B>,
    ) -> Result<T, ClientError> {
        let url = self.url(path)?;
        let mut req = self.http.request(method, url.clone());
        if let Some(body) = body {
            req = req.json(body);
        }
        let resp = req
            .send()
            .await
            .map_err(|e| ClientError::from_send(&url, e))?;
        let status = resp.status();
        let bytes = resp
            .bytes()
            .await
            .map_err(|e| ClientError::from_send(&url, e))?;
        if status.is_success() {
            serde_json::from_slice(&bytes).map_err(|e| ClientError::BadResponse {
                reason: e.to_string(),
            })
        } else {
            Err(error_from_body(status, &bytes))
        }
    }

    fn url(&self, path: &str) -> Result<Url, ClientError> {
        self.base
            .join(&format!("api/v1/{path}"))
            .map_err(|e| ClientError::BadUrl {
                url: path.to_string(),
                reason: e.to_string(),
            })
    }
}

fn error_from_body(status: StatusCode, bytes: &[u8]) -> ClientError {
    match serde_json::from_slice::<ErrorBody>(bytes) {
        Ok(body) => ClientError::Platform {
            status: status.as_u16(),
            error: body.error,
        },
        Err(_) => ClientError::BadResponse {
            reason: format!("HTTP {status}，且答复不是平台的错误格式"),
        },
    }
}

/// Percent-encodes one path segment (ids are ASCII codes, but never trust that).
fn encode_segment(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes())
        .collect::<String>()
        .replace('+', "%20")
}
