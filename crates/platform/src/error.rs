use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use pingshen_api::{ApiError, ErrorBody};

/// Everything a platform handler can refuse or fail with. Each variant maps
/// to one HTTP status and one stable code; messages are Chinese.
#[derive(Debug, thiserror::Error)]
pub enum PlatformError {
    #[error("{what}不存在")]
    NotFound { what: String },
    #[error("{message}")]
    BadRequest { code: &'static str, message: String },
    #[error("数据目录不可用：{path}（{reason}）")]
    DataDir { path: String, reason: String },
    /// A certificate or signature was refused; `code` is the pki crate's
    /// stable code (e.g. `expired`, `revoked`, `bad_signature`).
    #[error("{message}")]
    Pki { code: &'static str, message: String },
    /// A refusal with its own status and code: authentication or
    /// authorisation (401, 403), the project's state or a conflicting
    /// document (409, 410), a range (416), limits (413, 414, 415, 431).
    #[error("{message}")]
    Refused {
        status: StatusCode,
        code: &'static str,
        message: String,
    },
    #[error("数据库错误：{0}")]
    Db(#[from] crate::db::sql::DbError),
    #[error("内部错误：{0}")]
    Internal(String),
}

impl PlatformError {
    pub fn code(&self) -> &'static str {
        match self {
            PlatformError::NotFound { .. } => "not_found",
            PlatformError::BadRequest { code, .. } => code,
            PlatformError::DataDir { .. } => "data_dir_unusable",
            PlatformError::Pki { code, .. } | PlatformError::Refused { code, .. } => code,
            PlatformError::Db(_) => "storage_error",
            PlatformError::Internal(_) => "internal_error",
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            PlatformError::NotFound { .. } => StatusCode::NOT_FOUND,
            PlatformError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            PlatformError::Pki { .. } => StatusCode::UNAUTHORIZED,
            PlatformError::Refused { status, .. } => *status,
            PlatformError::DataDir { .. } | PlatformError::Db(_) | PlatformError::Internal(_) => {
                StatusCode::INTERNAL_SERVER_ERROR
            }
        }
    }

    pub fn not_found(what: impl Into<String>) -> Self {
        PlatformError::NotFound { what: what.into() }
    }

    pub fn unauthenticated(code: &'static str, message: impl Into<String>) -> Self {
        PlatformError::Refused {
            status: StatusCode::UNAUTHORIZED,
            code,
            message: message.into(),
        }
    }

    pub fn forbidden(code: &'static str, message: impl Into<String>) -> Self {
        PlatformError::Refused {
            status: StatusCode::FORBIDDEN,
            code,
            message: message.into(),
        }
    }

    /// A coded 409: the request is sound but the project's state refuses it.
    pub fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        PlatformError::Refused {
            status: StatusCode::CONFLICT,
            code,
            message: message.into(),
        }
    }

    /// A coded refusal with any status (e.g. 413, 414, 415, 431).
    pub fn refused(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        PlatformError::Refused {
            status,
            code,
            message: message.into(),
        }
    }

    /// A coded 410: what was asked for is withdrawn for good (an archived
    /// project's documents), so a client should forget its copy.
    pub fn gone(code: &'static str, message: impl Into<String>) -> Self {
        PlatformError::Refused {
            status: StatusCode::GONE,
            code,
            message: message.into(),
        }
    }

    pub fn from_pki(e: pingshen_pki::PkiError) -> Self {
        PlatformError::Pki {
            code: e.code(),
            message: e.message_zh(),
        }
    }

    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        PlatformError::BadRequest {
            code,
            message: message.into(),
        }
    }
}

impl IntoResponse for PlatformError {
    fn into_response(self) -> Response {
        let status = self.status();
        if status.is_server_error() {
            tracing::error!(code = self.code(), error = %self, "request failed");
        }
        let body = ErrorBody {
            error: ApiError::new(self.code(), self.to_string()),
        };
        (status, axum::Json(body)).into_response()
    }
}
