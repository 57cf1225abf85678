//! Mapping of crate errors into the one IPC error type.

use pingshen_api::ipc::AppError;
use pingshen_client::ClientError;
use pingshen_pki::PkiError;

pub fn from_client(e: ClientError) -> AppError {
    AppError::new(e.code(), e.to_string())
}

pub fn from_pki(e: PkiError) -> AppError {
    AppError::new(e.code(), e.message_zh())
}

/// A blocking task that panicked or was cancelled: never a panic in front of
/// the user, a message instead.
pub fn from_join(e: tokio::task::JoinError) -> AppError {
    AppError::new("internal_error", format!("后台任务异常结束：{e}"))
}
