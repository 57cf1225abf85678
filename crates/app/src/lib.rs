//! The desktop's application logic, without Tauri.
//!
//! `src-tauri` adapts these functions into commands; tests drive them
//! directly against a real platform. Everything here works through
//! `pingshen-client` (HTTP), `pingshen-store` (the encrypted local store) and
//! `pingshen-pki` (verification), never through the webview.

pub mod clarification;
pub mod diagnostics;
mod error;
pub mod evaluation;
pub mod login;
pub mod motions;
pub mod notes;
pub mod outbox;
mod pipelined_writer;
mod platform_identity;
pub mod project_list;
pub mod ranges;
mod rate;
pub mod screening;
pub mod settings_file;
pub mod setup;
pub mod sync;
pub mod token_modules;
pub mod trust_files;
pub mod update;
pub mod witness;
pub mod witness_report;
pub mod workspace;

pub use error::AppError;

/// Locks the person's store; a poisoned lock (a panic while it was held)
/// is an error the UI shows, never a second panic.
pub fn lock(
    store: &std::sync::Mutex<pingshen_store::Store>,
) -> Result<std::sync::MutexGuard<'_, pingshen_store::Store>, AppError> {
    store
        .lock()
        .map_err(|_| AppError::new("internal_error", "本地数据库锁已损坏，请重启客户端"))
}
pub use platform_identity::PlatformTrust;
