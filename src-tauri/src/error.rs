//! Mapping of crate errors into the one IPC error type.

use pingshen_api::ipc::AppError;
use pingshen_client::ClientError;

pub fn from_client(e: ClientError) -> AppError {
    AppError::new(e.code(), e.to_string())
}
