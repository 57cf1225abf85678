//! A man in the middle on loopback: forwards every request to the real
//! platform and, when told to, alters what comes back — the rules' text, or
//! the report's bytes — as an attacker between the desktop and the
//! platform (or a compromised platform front end) would. The client must
//! notice and refuse; the platform itself stays real and untouched.

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use std::sync::{Arc, Mutex};

/// What the proxy alters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tamper {
    /// Forward everything as is.
    Nothing,
    /// Change one character of `rules_toml` in every rules answer.
    RulesText,
    /// Change one byte in the middle of the report PDF.
    ReportPdf,
}

#[derive(Clone)]
struct Shared {
    upstream: String,
    http: reqwest::Client,
    mode: Arc<Mutex<Tamper>>,
}

pub struct TamperProxy {
    pub url: String,
    mode: Arc<Mutex<Tamper>>,
    task: tokio::task::JoinHandle<()>,
}

impl TamperProxy {
    /// Starts on 127.0.0.1:0 in front of `upstream` (e.g. `http://127.0.0.1:8620`).
    pub async fn start(upstream: &str) -> anyhow::Result<Self> {
        let mode = Arc::new(Mutex::new(Tamper::Nothing));
        let shared = Shared {
            upstream: upstream.trim_end_matches('/').to_string(),
            http: reqwest::Client::new(),
            mode: mode.clone(),
        };
        let app = axum::Router::new().fallback(forward).with_state(shared);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let url = format!("http://{}", listener.local_addr()?);
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(TamperProxy { url, mode, task })
    }

    pub fn set(&self, tamper: Tamper) {
        *self.mode.lock().unwrap_or_else(|e| e.into_inner()) = tamper;
    }
}

impl Drop for TamperProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn forward(State(s): State<Shared>, req: Request) -> Response {
    match relay(&s, req).await {
        Ok(r) => r,
        Err(e) => Response::builder()
            .status(StatusCode::BAD_GATEWAY)
            .body(Body::from(format!("proxy: {e}")))
            .unwrap_or_default(),
    }
}

async fn relay(s: &Shared, req: Request) -> anyhow::Result<Response> {
    let (parts, body) = req.into_parts();
    let path = parts
        .uri
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_default();
    let body = axum::body::to_bytes(body, 64 * 1024 * 1024).await?;
    let mut headers = HeaderMap::new();
    for (k, v) in &parts.headers {
        if k != "host" && k != "content-length" {
            headers.insert(k.clone(), v.clone());
        }
    }
    let upstream = s
        .http
        .request(parts.method.clone(), format!("{}{path}", s.upstream))
        .headers(headers)
        .body(body)
        .send()
        .await?;
    let status = upstream.status();
    let mut out_headers = upstream.headers().clone();
    let mut bytes = upstream.bytes().await?;
    let mode = *s.mode.lock().unwrap_or_else(|e| e.into_inner());
    if status.is_success() {
        let altered = alter(mode, parts.uri.path(), bytes.clone())?;
        if altered != bytes {
            // A careful attacker leaves no stale hash beside what it altered.
            out_headers.remove("etag");
        }
        bytes = altered;
    }
    out_headers.remove("content-length");
    let mut resp = Response::builder().status(status);
    for (k, v) in &out_headers {
        resp = resp.header(k, v);
    }
    Ok(resp.body(Body::from(bytes))?)
}

fn alter(mode: Tamper, path: &str, bytes: Bytes) -> anyhow::Result<Bytes> {
    let rules = path.ends_with("/rules") && path.starts_with("/api/v1/projects/");
    match mode {
        Tamper::RulesText if rules => {
            let mut v: serde_json::Value = serde_json::from_slice(&bytes)?;
            if let Some(text) = v["rules_toml"].as_str() {
                // A weight or a maximum changed: a digit in the middle.
                let mut chars: Vec<char> = text.chars().collect();
                let mid = chars.len() / 2;
                if let Some(i) = (mid..chars.len()).find(|&i| chars[i].is_ascii_digit()) {
                    chars[i] = if chars[i] == '9' { '8' } else { '9' };
                }
                v["rules_toml"] = serde_json::Value::String(chars.into_iter().collect());
            }
            Ok(Bytes::from(serde_json::to_vec(&v)?))
        }
        Tamper::ReportPdf if path.ends_with("/report/pdf") => {
            let mut b = bytes.to_vec();
            let mid = b.len() / 2;
            b[mid] ^= 0x01;
            Ok(Bytes::from(b))
        }
        _ => Ok(bytes),
    }
}
