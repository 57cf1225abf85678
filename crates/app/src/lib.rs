//! The desktop's application logic, without Tauri.
//!
//! `src-tauri` adapts these functions into commands; tests drive them
//! directly against a real platform. Everything here works through
//! `pingshen-client` (HTTP), `pingshen-store` (the encrypted local store) and
//! `pingshen-pki` (verification), never through the webview.

mod error;
pub mod evaluation;
pub mod outbox;
mod platform_identity;
pub mod project_list;
pub mod screening;
pub mod sync;
pub mod trust_files;
pub mod witness;
pub mod witness_report;
pub mod workspace;

pub use error::AppError;
pub use platform_identity::PlatformTrust;
