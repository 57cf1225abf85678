//! The diagnostics a help desk asks for (关于/诊断): what the desktop shows
//! on its about page and writes into the bundle the person sends. Filled by
//! `pingshen_app::diagnostics` from an allow-list: counts, states, codes,
//! paths chosen by the installer and public project numbers — never a PIN,
//! a key, a token, document text, a file name, a price or a score.

use serde::{Deserialize, Serialize};

/// The bundle's format, for whoever reads it later.
pub const DIAGNOSTICS_FORMAT: &str = "pingshen-diagnostics/1";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostics {
    pub format: String,
    #[serde(with = "time::serde::rfc3339")]
    pub generated_at: time::OffsetDateTime,
    pub app: AppFacts,
    pub settings: SettingsFacts,
    pub platform: PlatformCheck,
    pub token_modules: Vec<TokenModule>,
    /// How many .p12/.pfx files the login screen would offer (not their
    /// names: they often carry a person's name).
    pub certificate_files: usize,
    /// `None` when nobody is logged in (the store is locked).
    pub projects: Option<Vec<ProjectFacts>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppFacts {
    pub version: String,
    /// The build's commit (`unknown` when built outside git).
    pub commit: String,
    /// `PRETTY_NAME` of /etc/os-release.
    pub os: Option<String>,
    pub kernel: Option<String>,
    pub arch: String,
    /// How this copy was installed (how an update would be applied).
    pub install: crate::InstallKind,
    /// Ids (hex SHA-256 of the public key) of the update keys this build
    /// trusts: a help desk compares them with the centre's.
    pub update_keys: Vec<String>,
    /// Whether one of them is the public demo key (a test build).
    pub demo_update_key: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettingsFacts {
    /// Scheme, host, port and path only (no user, password or query).
    pub platform_url: String,
    pub data_dir: String,
    pub cert_dir: String,
    pub pkcs11_module: String,
    pub pkcs11_module_present: bool,
}

/// Whether the platform answered when the diagnostics were made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlatformCheck {
    pub reachable: bool,
    /// The error code when it did not answer (e.g. `platform_unreachable`).
    pub error_code: Option<String>,
    /// Its identity as it announced it (public).
    pub platform_id: Option<String>,
    pub answered_in_ms: Option<u64>,
}

/// A PKCS#11 module (USB-key driver) found on this computer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenModule {
    /// Absolute path of the shared library.
    pub path: String,
    /// Where it was learnt: `p11-kit` (a registry file) or `installed` (a
    /// library in a module folder).
    pub source: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjectFacts {
    /// The public project number (项目编号).
    pub id: String,
    pub documents_total: usize,
    pub documents_verified: usize,
    pub documents_failed: usize,
    /// When the platform last answered about this project.
    #[serde(with = "time::serde::rfc3339::option")]
    pub last_contact: Option<time::OffsetDateTime>,
    pub outbox_pending: usize,
    pub outbox_delivered: usize,
    pub outbox_refused: usize,
    /// The failure codes of pending submissions (codes only, never text).
    pub outbox_errors: Vec<String>,
}
