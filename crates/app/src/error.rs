/// An application error: a stable code and a Chinese message, as the UI shows it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}（{code}）")]
pub struct AppError {
    pub code: String,
    pub message: String,
}

impl AppError {
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            code: code.into(),
            message: message.into(),
        }
    }
}

impl From<pingshen_client::ClientError> for AppError {
    fn from(e: pingshen_client::ClientError) -> Self {
        AppError::new(e.code(), e.to_string())
    }
}

impl From<pingshen_store::StoreError> for AppError {
    fn from(e: pingshen_store::StoreError) -> Self {
        AppError::new(e.code(), e.message_zh())
    }
}

impl From<pingshen_pki::PkiError> for AppError {
    fn from(e: pingshen_pki::PkiError) -> Self {
        AppError::new(e.code(), e.message_zh())
    }
}

impl From<AppError> for pingshen_api::ipc::AppError {
    fn from(e: AppError) -> Self {
        pingshen_api::ipc::AppError::new(e.code, e.message)
    }
}
