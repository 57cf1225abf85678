use pingshen_api::ApiError;

/// Why a platform call did not succeed. [`ClientError::code`] is stable; the
/// Display text is Chinese for people.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error("平台地址无效：{url}（{reason}）")]
    BadUrl { url: String, reason: String },
    /// Plain http to a host that is not this machine: the bearer token would
    /// cross the network in the clear.
    #[error("平台地址 {url} 未加密：除本机（127.0.0.1、::1、localhost）外必须使用 https，以免登录令牌以明文在网络上传输")]
    InsecureUrl { url: String },
    #[error("无法连接评标平台（{url}），请检查网络或平台地址")]
    Unreachable { url: String },
    #[error("评标平台响应超时（{url}）")]
    Timeout { url: String },
    /// The connection broke while the answer was arriving: a reset, or a
    /// body cut short of its length. The line, not the platform, failed.
    #[error("与评标平台的连接在传输途中中断（{url}），请稍后重试")]
    Interrupted { url: String },
    #[error("{}", .error.message)]
    Platform { status: u16, error: ApiError },
    #[error("平台返回的内容无法识别：{reason}")]
    BadResponse { reason: String },
    /// The local key could not sign (wrong PIN, token removed, ...).
    #[error("{message}")]
    Signing { code: &'static str, message: String },
    #[error("客户端内部错误：{0}")]
    Internal(String),
}

impl ClientError {
    pub fn code(&self) -> &str {
        match self {
            ClientError::BadUrl { .. } => "bad_platform_url",
            ClientError::InsecureUrl { .. } => "insecure_platform_url",
            ClientError::Unreachable { .. } => "platform_unreachable",
            ClientError::Timeout { .. } => "platform_timeout",
            ClientError::Interrupted { .. } => "platform_interrupted",
            ClientError::Platform { error, .. } => error.code.as_str(),
            ClientError::BadResponse { .. } => "bad_response",
            ClientError::Signing { code, .. } => code,
            ClientError::Internal(_) => "internal_error",
        }
    }

    /// True when the platform could not be reached at all: the caller may
    /// carry on offline and retry later.
    pub fn is_offline(&self) -> bool {
        matches!(
            self,
            ClientError::Unreachable { .. }
                | ClientError::Timeout { .. }
                | ClientError::Interrupted { .. }
        )
    }

    pub(crate) fn from_send(url: &url::Url, e: reqwest::Error) -> Self {
        let url = url.origin().ascii_serialization();
        if e.is_timeout() {
            ClientError::Timeout { url }
        } else if e.is_connect() || e.is_request() {
            ClientError::Unreachable { url }
        } else if broke_in_transit(&e) {
            ClientError::Interrupted { url }
        } else if e.is_decode() || e.is_body() {
            ClientError::BadResponse {
                reason: e.to_string(),
            }
        } else {
            ClientError::Unreachable { url }
        }
    }
}

/// Whether reading an answer failed because the connection did (a reset, or
/// fewer bytes than the promised length), not because what arrived was
/// malformed. reqwest reports both as decode errors of the body; the cause
/// below tells them apart.
fn broke_in_transit(e: &reqwest::Error) -> bool {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(c) = cause {
        if c.downcast_ref::<reqwest::Error>()
            .is_some_and(|r| r.is_body())
            || c.is::<std::io::Error>()
        {
            return true;
        }
        cause = c.source();
    }
    false
}
