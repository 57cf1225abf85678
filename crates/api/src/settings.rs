//! The desktop's settings as the first-run setup and the 设置 screen see
//! them (IPC types; the file itself is `pingshen_app::settings_file`).

use crate::TokenModule;
use serde::{Deserialize, Serialize};

/// Where a setting's current value comes from. Arguments and environment
/// variables are how a centre or a test fixes a value: the screens show
/// such a value but saving a different one changes nothing until they go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SettingSource {
    Argument,
    Environment,
    File,
    Default,
}

impl SettingSource {
    /// How the screens name it.
    pub fn label(self) -> &'static str {
        match self {
            SettingSource::Argument => "启动参数",
            SettingSource::Environment => "环境变量",
            SettingSource::File => "设置文件",
            SettingSource::Default => "默认值",
        }
    }

    /// Whether the settings file decides this value.
    pub fn editable(self) -> bool {
        matches!(self, SettingSource::File | SettingSource::Default)
    }
}

/// One setting: the value in force now and where it comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettingValue {
    pub value: String,
    pub source: SettingSource,
}

/// Everything the 设置 screen shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettingsView {
    /// The settings file (`settings.toml`).
    pub file: String,
    pub platform_url: SettingValue,
    /// The pinned platform certificate (SHA-256, hex), if any.
    pub platform_fingerprint: Option<String>,
    pub pkcs11_module: SettingValue,
    pub data_dir: SettingValue,
    /// `zh-CN`.
    pub language: SettingValue,
    /// `error`, `warn`, `info` or `debug`.
    pub log_level: SettingValue,
    /// The log file the level applies to.
    pub log_file: String,
    /// What was saved but takes effect only after a restart.
    pub pending_restart: Vec<String>,
}

/// The first thing the UI asks: is there a platform to talk to yet?
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetupStatus {
    /// True until a platform address is configured (first run).
    pub needed: bool,
    /// A problem with the saved settings the person should know about
    /// (e.g. the file could not be read and was ignored).
    pub notice: Option<String>,
}

/// A platform as it presented itself to `check_platform`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlatformIdentity {
    /// The address as it will be saved.
    pub url: String,
    pub platform_id: String,
    pub platform_name: String,
    pub api_version: String,
    /// SHA-256 (hex, lower case) of the platform's signing certificate: the
    /// person compares it with the one the centre published.
    pub fingerprint: String,
    /// The platform's clock minus this computer's, in seconds.
    pub clock_offset_seconds: i64,
}

/// A certificate file (.p12/.pfx) found on this computer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FoundCertificateFile {
    pub path: String,
    pub file_name: String,
    /// Already in the certificate folder the login screen lists.
    pub in_cert_dir: bool,
}

/// What the setup found on this computer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetupDetection {
    pub token_modules: Vec<TokenModule>,
    pub certificate_files: Vec<FoundCertificateFile>,
    /// The folder the login screen lists certificate files from.
    pub cert_dir: String,
}

/// The first-run answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetupAnswers {
    pub platform_url: String,
    /// The fingerprint the person confirmed; the platform must still
    /// present exactly this one when the answers are saved.
    pub confirmed_fingerprint: String,
    /// The USB-key driver to offer at login; `None` keeps the default.
    pub pkcs11_module: Option<String>,
    /// Certificate files to copy into the certificate folder.
    pub import_certificates: Vec<String>,
}

/// A change made on the 设置 screen: `None` leaves a setting as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettingsChange {
    pub platform_url: Option<String>,
    /// Required with a new `platform_url`: the fingerprint the person
    /// confirmed for it.
    pub confirmed_fingerprint: Option<String>,
    pub pkcs11_module: Option<String>,
    pub data_dir: Option<String>,
    pub language: Option<String>,
    pub log_level: Option<String>,
}
