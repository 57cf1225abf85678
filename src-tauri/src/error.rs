//! The shell's own failures as the one IPC error type (the crates' errors
//! convert with `From`).

use pingshen_api::ipc::AppError;

/// A blocking task that panicked or was cancelled: never a panic in front of
/// the user, a message instead.
pub fn from_join(e: tokio::task::JoinError) -> AppError {
    AppError::new("internal_error", format!("后台任务异常结束：{e}"))
}
