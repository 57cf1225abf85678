//! Types crossing the Tauri IPC between the desktop shell and the UI.
//!
//! Command names live here once, so the shell and the UI cannot drift apart.

use crate::{CertSummary, Person};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// The one error type every desktop command returns: a stable `code` the UI
/// may branch on, and a Chinese `message` it shows as is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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

impl std::fmt::Display for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}（{}）", self.message, self.code)
    }
}

/// Where the app is pointed and where it keeps its data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppInfo {
    pub version: String,
    pub platform_url: String,
    pub data_dir: String,
    /// Folder searched for .p12/.pfx files on the login screen.
    pub cert_dir: String,
    /// Default PKCS#11 module offered on the login screen.
    pub pkcs11_module: String,
}

/// Where the person's private key is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum KeySource {
    /// A PKCS#12 file (.p12 / .pfx), protected by a password.
    P12 { path: String },
    /// A PKCS#11 token (USB key), protected by a PIN.
    Pkcs11 {
        module: String,
        token_label: String,
        /// CKA_ID of the key and certificate, hex.
        key_id: String,
    },
}

/// Arguments of the `login` command. The PIN crosses the IPC once and is
/// zeroised on the Rust side as soon as the key is open.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginRequest {
    pub source: KeySource,
    pub pin: String,
}

impl std::fmt::Debug for LoginRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoginRequest")
            .field("source", &self.source)
            .field("pin", &"<redacted>")
            .finish()
    }
}

/// Who is logged in, and how.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginState {
    pub person: Person,
    pub certificate: CertSummary,
    /// True when the platform accepted the login; false when the local data
    /// was unlocked offline by proving possession of the key.
    pub online: bool,
    #[serde(with = "time::serde::rfc3339::option")]
    pub session_expires_at: Option<OffsetDateTime>,
    /// Minutes of inactivity after which the app locks.
    pub idle_lock_minutes: u32,
}

/// A certificate file found in the configured certificate folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdentityFile {
    pub path: String,
    pub file_name: String,
}

/// Names of the desktop's commands.
pub mod cmd {
    pub const APP_INFO: &str = "app_info";
    pub const PLATFORM_HEALTH: &str = "platform_health";
    pub const LIST_IDENTITY_FILES: &str = "list_identity_files";
    pub const LOGIN: &str = "login";
    pub const LOGIN_STATE: &str = "login_state";
    pub const LOCK: &str = "lock";
    pub const LOGOUT: &str = "logout";
    pub const LIST_PROJECTS: &str = "list_projects";
    pub const GET_PROJECT: &str = "get_project";
}
