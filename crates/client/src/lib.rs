//! The HTTP client of the platform API.
//!
//! Architecture invariant: this is the only crate in the workspace that does
//! HTTP. The desktop shell and the CLI call the platform through it, using
//! the wire types of `pingshen-api`.

mod clarification;
mod documents;
mod error;
mod evaluation;
mod login;
mod motions;
mod records;
mod screening;
mod signing;
mod updates;
mod witness;

pub use documents::Download;
pub use error::ClientError;
pub use evaluation::ReportPdf;
pub use login::sign_challenge;
pub use signing::sign_document;
pub use witness::sign_witness_entry;

use pingshen_api::{
    Challenge, ChallengeRequest, ErrorBody, Health, NewProject, ProjectDetail, ProjectSummary,
    PublishRules, PublishedRules, Session, SessionRequest, SignedEnvelope, Stage, StageChange,
};
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
/// How long a connection may stay silent while an answer is awaited or
/// arriving: a stalled platform or line ends the request (as a timeout, so
/// the caller carries on offline) instead of holding a download for hours.
const STALL_TIMEOUT: Duration = Duration::from_secs(20);

/// A connection to one platform.
#[derive(Clone)]
pub struct PlatformClient {
    base: Url,
    http: reqwest::Client,
    /// Bearer token of the session, once logged in.
    token: Option<std::sync::Arc<str>>,
    /// See [`STALL_TIMEOUT`].
    stall: Duration,
}

/// The TLS context (system roots, certificate and host name checks, SNI:
/// what reqwest's native-tls backend sets up by default). Making one reads
/// and parses the system's CA bundle, ≈ 60 ms here; every client this
/// process makes (at start, at login, per platform address) shares it.
fn tls() -> Result<native_tls::TlsConnector, ClientError> {
    static TLS: std::sync::OnceLock<Result<native_tls::TlsConnector, String>> =
        std::sync::OnceLock::new();
    TLS.get_or_init(|| native_tls::TlsConnector::new().map_err(|e| e.to_string()))
        .clone()
        .map_err(|e| ClientError::Internal(format!("TLS 初始化失败：{e}")))
}

fn http_client(stall: Duration) -> Result<reqwest::Client, ClientError> {
    reqwest::Client::builder()
        .use_preconfigured_tls(tls()?)
        .connect_timeout(CONNECT_TIMEOUT)
        .timeout(REQUEST_TIMEOUT)
        .read_timeout(stall)
        .user_agent(concat!("pingshen/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| ClientError::Internal(e.to_string()))
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
        // The bearer token and signed documents travel in every request:
        // plain http only where the traffic never leaves the machine.
        if base.scheme() == "http" && !is_loopback(&base) {
            return Err(ClientError::InsecureUrl {
                url: base_url.to_string(),
            });
        }
        if !base.path().ends_with('/') {
            let path = format!("{}/", base.path());
            base.set_path(&path);
        }
        Ok(Self {
            base,
            http: http_client(STALL_TIMEOUT)?,
            token: None,
            stall: STALL_TIMEOUT,
        })
    }

    /// The same client with another stall limit (see [`STALL_TIMEOUT`]).
    pub fn with_stall_timeout(&self, stall: Duration) -> Result<Self, ClientError> {
        Ok(Self {
            http: http_client(stall)?,
            stall,
            ..self.clone()
        })
    }

    /// The same session against another address (e.g. through a proxy).
    pub fn with_base_url(&self, base_url: &str) -> Result<Self, ClientError> {
        let fresh = PlatformClient::new(base_url)?.with_stall_timeout(self.stall)?;
        Ok(Self {
            token: self.token.clone(),
            ..fresh
        })
    }

    /// A client that sends `session`'s token with every request.
    pub fn with_session(&self, session: &Session) -> Self {
        Self {
            token: Some(session.token.as_str().into()),
            ..self.clone()
        }
    }

    /// Asks for a login challenge for a certificate chain (leaf first, DER).
    pub async fn request_challenge(&self, chain_der: &[Vec<u8>]) -> Result<Challenge, ClientError> {
        use base64::Engine;
        let chain = chain_der
            .iter()
            .map(|d| base64::engine::general_purpose::STANDARD.encode(d))
            .collect();
        self.send(
            Method::POST,
            "auth/challenge",
            Some(&ChallengeRequest { chain }),
        )
        .await
    }

    /// Opens a session with a signed challenge.
    pub async fn open_session(&self, envelope: SignedEnvelope) -> Result<Session, ClientError> {
        self.send(
            Method::POST,
            "auth/session",
            Some(&SessionRequest { envelope }),
        )
        .await
    }

    /// The whole handshake: challenge, `sign` it (the caller's key, which may
    /// live on a token), open the session. Returns a client carrying the token.
    pub async fn login<F>(
        &self,
        chain_der: &[Vec<u8>],
        sign: F,
    ) -> Result<(PlatformClient, Session), ClientError>
    where
        F: FnOnce(&Challenge) -> Result<SignedEnvelope, ClientError> + Send,
    {
        let challenge = self.request_challenge(chain_der).await?;
        let envelope = sign(&challenge)?;
        let session = self.open_session(envelope).await?;
        Ok((self.with_session(&session), session))
    }

    /// [`Self::login`] with a key held in this process (a .p12, an open
    /// token): it presents the key's certificate chain and signs the
    /// challenge.
    pub async fn login_with<S>(&self, signer: &S) -> Result<(PlatformClient, Session), ClientError>
    where
        S: pingshen_pki::Signer + Sync,
    {
        let chain = signer
            .chain()
            .iter()
            .map(|c| c.to_der())
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| ClientError::Internal(e.to_string()))?;
        self.login(&chain, |c| login::sign_challenge(signer, c))
            .await
    }

    /// Ends the session on the platform: its token stops working at once,
    /// so a copy of it is worthless. Idempotent; without a session there is
    /// nothing to end. Callers log out locally whatever this answers.
    pub async fn logout(&self) -> Result<(), ClientError> {
        if self.token.is_none() {
            return Ok(());
        }
        self.exchange::<()>(Method::DELETE, "auth/session", None)
            .await
            .map(|_| ())
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

    /// Staff: assign a drawn expert or a witness to a project.
    pub async fn assign(
        &self,
        project: &str,
        person_id: &str,
    ) -> Result<ProjectDetail, ClientError> {
        let path = format!("projects/{}/assignments", encode_segment(project));
        self.send(
            Method::POST,
            &path,
            Some(&pingshen_api::Assignment {
                person_id: person_id.to_string(),
            }),
        )
        .await
    }

    pub async fn change_stage(
        &self,
        project: &str,
        stage: Stage,
    ) -> Result<ProjectDetail, ClientError> {
        let path = format!("projects/{}/stage", encode_segment(project));
        self.send(Method::POST, &path, Some(&StageChange { stage }))
            .await
    }

    /// Publishes signed rules (staff).
    pub async fn publish_rules(
        &self,
        project: &str,
        envelope: SignedEnvelope,
    ) -> Result<PublishedRules, ClientError> {
        let path = format!("projects/{}/rules", encode_segment(project));
        self.send(Method::POST, &path, Some(&PublishRules { envelope }))
            .await
    }

    /// The latest published rules of a project.
    pub async fn rules(&self, project: &str) -> Result<PublishedRules, ClientError> {
        self.get(&format!("projects/{}/rules", encode_segment(project)))
            .await
    }

    pub async fn rules_version(
        &self,
        project: &str,
        version: u32,
    ) -> Result<PublishedRules, ClientError> {
        self.get(&format!(
            "projects/{}/rules/{version}",
            encode_segment(project)
        ))
        .await
    }

    pub(crate) async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, ClientError> {
        self.send::<(), T>(Method::GET, path, None).await
    }

    pub(crate) async fn send<B: Serialize, T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<&B>,
    ) -> Result<T, ClientError> {
        let (_, bytes) = self.exchange(method, path, body).await?;
        serde_json::from_slice(&bytes).map_err(|e| ClientError::BadResponse {
            reason: e.to_string(),
        })
    }

    /// One request with the session's token: a success's headers and body,
    /// or the platform's error.
    pub(crate) async fn exchange<B: Serialize>(
        &self,
        method: Method,
        path: &str,
        body: Option<&B>,
    ) -> Result<(reqwest::header::HeaderMap, bytes::Bytes), ClientError> {
        let url = self.url(path)?;
        let mut req = self.http.request(method, url.clone());
        if let Some(token) = &self.token {
            req = req.bearer_auth(token);
        }
        if let Some(body) = body {
            req = req.json(body);
        }
        let resp = req
            .send()
            .await
            .map_err(|e| ClientError::from_send(&url, e))?;
        let status = resp.status();
        let headers = resp.headers().clone();
        let bytes = resp
            .bytes()
            .await
            .map_err(|e| ClientError::from_send(&url, e))?;
        if status.is_success() {
            Ok((headers, bytes))
        } else {
            Err(error_from_body(status, &bytes))
        }
    }

    pub(crate) fn url(&self, path: &str) -> Result<Url, ClientError> {
        self.base
            .join(&format!("api/v1/{path}"))
            .map_err(|e| ClientError::BadUrl {
                url: path.to_string(),
                reason: e.to_string(),
            })
    }
}

/// True for 127.0.0.0/8, ::1 (also written as ::ffff:127.x.y.z) and the
/// name `localhost`, which resolvers keep on the loopback interface
/// (RFC 6761). Any other name might resolve anywhere.
fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.to_canonical().is_loopback(),
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

pub(crate) fn error_from_body(status: StatusCode, bytes: &[u8]) -> ClientError {
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
pub(crate) fn encode_segment(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes())
        .collect::<String>()
        .replace('+', "%20")
}

impl PlatformClient {
    /// POSTs a signed envelope (as `{"envelope": …}`) to an API path such as
    /// `projects/P/sheets`: how the outbox sends whatever it holds.
    pub async fn post_signed<T: DeserializeOwned>(
        &self,
        endpoint: &str,
        envelope: SignedEnvelope,
    ) -> Result<T, ClientError> {
        self.send(
            Method::POST,
            endpoint,
            Some(&pingshen_api::SignedSubmission { envelope }),
        )
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::PlatformClient;

    /// Plain http only to loopback; https anywhere; nothing else.
    #[test]
    fn platform_url_must_be_https_except_on_loopback() {
        let table: &[(&str, Option<&str>)] = &[
            ("http://127.0.0.1:8620", None),
            ("http://127.9.8.7:1", None),
            ("http://[::1]:1", None),
            ("http://localhost", None),
            ("http://LOCALHOST:8620/base/", None),
            ("https://x.example", None),
            ("https://10.0.0.5:8443", None),
            ("http://10.0.0.5", Some("insecure_platform_url")),
            ("http://192.168.1.2:8620", Some("insecure_platform_url")),
            ("http://example.com", Some("insecure_platform_url")),
            (
                "http://localhost.example.com",
                Some("insecure_platform_url"),
            ),
            (
                "http://127.0.0.1.example.com",
                Some("insecure_platform_url"),
            ),
            ("http://[::2]:1", Some("insecure_platform_url")),
            ("http://0.0.0.0:8620", Some("insecure_platform_url")),
            ("ftp://127.0.0.1/", Some("bad_platform_url")),
            ("ftp://example.org", Some("bad_platform_url")),
            ("not a url", Some("bad_platform_url")),
        ];
        for (url, want) in table {
            let got = PlatformClient::new(url).err().map(|e| e.code().to_string());
            assert_eq!(got.as_deref(), *want, "{url}");
        }
        let err = PlatformClient::new("http://10.0.0.5").err().unwrap();
        assert!(err.to_string().contains("https"), "{err}");
        assert!(err.to_string().contains("明文"), "{err}");
    }

    #[test]
    fn with_base_url_checks_the_new_address_too() {
        let client = PlatformClient::new("http://127.0.0.1:8620").unwrap();
        assert!(client.with_base_url("http://127.0.0.1:9000").is_ok());
        assert!(client.with_base_url("https://platform.example").is_ok());
        let err = client
            .with_base_url("http://platform.example")
            .err()
            .unwrap();
        assert_eq!(err.code(), "insecure_platform_url");
    }
}

impl From<ClientError> for pingshen_api::ipc::AppError {
    fn from(e: ClientError) -> Self {
        pingshen_api::ipc::AppError::new(e.code(), e.to_string())
    }
}
