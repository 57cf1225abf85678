//! Types crossing the Tauri IPC between the desktop shell and the UI.
//!
//! Command names live here once, so the shell and the UI cannot drift apart.

use serde::{Deserialize, Serialize};

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
}

/// Names of the desktop's commands.
pub mod cmd {
    pub const APP_INFO: &str = "app_info";
    pub const PLATFORM_HEALTH: &str = "platform_health";
    pub const LIST_PROJECTS: &str = "list_projects";
    pub const GET_PROJECT: &str = "get_project";
}
