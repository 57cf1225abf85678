//! The desktop's one error type is the IPC's: a stable code the UI may
//! branch on and a Chinese message it shows as is
//! (`pingshen_api::ipc::AppError`). The client, store and pki crates convert
//! their errors into it, so `?` works across the app and a command returns
//! what the app returned.

pub use pingshen_api::ipc::AppError;
