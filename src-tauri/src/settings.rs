//! Where the app points and where it keeps data. Precedence: command-line
//! argument, then environment, then the settings file the first-run setup
//! and the 设置 screen write (`pingshen_app::settings_file`), then default —
//! so a centre's launcher and the tests can fix any value.

use pingshen_api::SettingSource;
use pingshen_app::settings_file::{self, Language, LogLevel, SavedSettings};
use std::path::PathBuf;

/// The sandbox's address, used until a platform is configured (the
/// first-run setup asks for one before anything talks to it).
pub const DEFAULT_PLATFORM_URL: &str = "http://127.0.0.1:8620";
pub const DEFAULT_PKCS11_MODULE: &str = "/usr/lib/softhsm/libsofthsm2.so";
pub const DEFAULT_IDLE_LOCK_MINUTES: u32 = 10;

/// Where each editable setting's value came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sources {
    pub platform_url: SettingSource,
    pub pkcs11_module: SettingSource,
    pub data_dir: SettingSource,
    pub language: SettingSource,
    pub log_level: SettingSource,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    pub platform_url: String,
    pub data_dir: PathBuf,
    /// Folder the login screen lists .p12/.pfx files from.
    pub cert_dir: PathBuf,
    /// Recognised CAs (CA互认): `trust/*.pem` and `crl/*.crl` below this folder
    /// (or PEM files directly in it). Verifies the platform's manifests and
    /// receipts, offline too.
    pub trust_dir: PathBuf,
    pub pkcs11_module: String,
    pub idle_lock_minutes: u32,
    /// The platform's signing-certificate fingerprint, as the centre
    /// configured it (`--platform-cert`, `PINGSHEN_PLATFORM_CERT_SHA256`).
    /// Without it the first contact pins what the platform presents.
    pub platform_cert: Option<String>,
    pub language: Language,
    pub log_level: LogLevel,
    /// The settings file (`--config-dir`, `PINGSHEN_CONFIG_DIR`, else the
    /// XDG configuration folder).
    pub config_file: PathBuf,
    /// What the file held when the app started.
    pub saved: SavedSettings,
    pub sources: Sources,
    /// Why the settings file was ignored, if it was.
    pub file_problem: Option<String>,
}

impl Settings {
    /// `args` are the process arguments without the program name; `env`
    /// looks up an environment variable.
    pub fn resolve(
        args: impl IntoIterator<Item = String>,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, String> {
        let mut platform_url = None;
        let mut data_dir = None;
        let mut cert_dir = None;
        let mut trust_dir = None;
        let mut platform_cert = None;
        let mut config_dir = None;
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            let (key, inline) = match arg.split_once('=') {
                Some((k, v)) => (k.to_string(), Some(v.to_string())),
                None => (arg.clone(), None),
            };
            let mut value = || {
                inline
                    .clone()
                    .or_else(|| args.next())
                    .ok_or_else(|| format!("参数 {key} 缺少取值"))
            };
            match key.as_str() {
                "--platform-url" => platform_url = Some(value()?),
                "--data-dir" => data_dir = Some(PathBuf::from(value()?)),
                "--cert-dir" => cert_dir = Some(PathBuf::from(value()?)),
                "--trust-dir" => trust_dir = Some(PathBuf::from(value()?)),
                "--platform-cert" => platform_cert = Some(value()?),
                "--config-dir" => config_dir = Some(PathBuf::from(value()?)),
                // WebKit and the test driver may pass their own switches.
                other if other.starts_with("--") => {}
                other => return Err(format!("无法识别的参数：{other}")),
            }
        }
        let config_dir = config_dir
            .or_else(|| env("PINGSHEN_CONFIG_DIR").map(PathBuf::from))
            .or_else(|| settings_file::default_config_dir(&env))
            .ok_or_else(|| {
                "无法确定设置文件位置：请设置 PINGSHEN_CONFIG_DIR 或 --config-dir".to_string()
            })?;
        let config_file = config_dir.join(settings_file::FILE_NAME);
        // A file that cannot be read is reported and ignored: the person
        // then sees the first-run setup, which writes a good one.
        let (saved, file_problem) = match settings_file::load(&config_file) {
            Ok(saved) => (saved, None),
            Err(e) => (SavedSettings::default(), Some(e.message)),
        };

        let (platform_url, platform_url_source) = pick(
            platform_url,
            env("PINGSHEN_PLATFORM_URL"),
            saved.platform_url.clone(),
            || DEFAULT_PLATFORM_URL.to_string(),
        );
        let (data_dir, data_dir_source) = match pick(
            data_dir,
            env("PINGSHEN_DATA_DIR").map(PathBuf::from),
            saved.data_dir.clone(),
            || PathBuf::new(),
        ) {
            (_, SettingSource::Default) => (default_data_dir(&env)?, SettingSource::Default),
            chosen => chosen,
        };
        let cert_dir = cert_dir
            .or_else(|| env("PINGSHEN_CERT_DIR").map(PathBuf::from))
            .unwrap_or_else(|| data_dir.join("certs"));
        let trust_dir = trust_dir
            .or_else(|| env("PINGSHEN_TRUST_DIR").map(PathBuf::from))
            .unwrap_or_else(|| data_dir.join("trust"));
        let (pkcs11_module, pkcs11_module_source) = pick(
            None,
            env("PINGSHEN_PKCS11_MODULE"),
            saved.pkcs11_module.clone(),
            || DEFAULT_PKCS11_MODULE.to_string(),
        );
        let idle_lock_minutes =
            match env("PINGSHEN_IDLE_LOCK_MINUTES") {
                Some(v) => v.parse::<u32>().ok().filter(|m| *m >= 1).ok_or_else(|| {
                    format!("PINGSHEN_IDLE_LOCK_MINUTES 无效：{v}（应为正整数分钟）")
                })?,
                None => DEFAULT_IDLE_LOCK_MINUTES,
            };
        let platform_cert = platform_cert.or_else(|| env("PINGSHEN_PLATFORM_CERT_SHA256"));
        let env_level = env("PINGSHEN_LOG_LEVEL")
            .map(|l| LogLevel::parse(&l).map_err(|e| format!("PINGSHEN_LOG_LEVEL：{}", e.message)))
            .transpose()?;
        let (log_level, log_level_source) =
            pick(None, env_level, saved.log_level, LogLevel::default);
        let (language, language_source) = pick(None, None, saved.language, Language::default);
        Ok(Self {
            platform_url,
            data_dir,
            cert_dir,
            trust_dir,
            pkcs11_module,
            idle_lock_minutes,
            platform_cert,
            language,
            log_level,
            config_file,
            saved,
            sources: Sources {
                platform_url: platform_url_source,
                pkcs11_module: pkcs11_module_source,
                data_dir: data_dir_source,
                language: language_source,
                log_level: log_level_source,
            },
            file_problem,
        })
    }

    /// True until someone has said which platform to talk to: the UI then
    /// shows the first-run setup before anything else.
    pub fn needs_setup(&self) -> bool {
        self.sources.platform_url == SettingSource::Default
    }

    /// The desktop's log file (its level is a setting).
    pub fn log_file(&self) -> PathBuf {
        self.data_dir.join("logs").join("pingshen-desktop.log")
    }
}

/// The first value present, by precedence, and where it came from.
fn pick<T>(
    argument: Option<T>,
    environment: Option<T>,
    file: Option<T>,
    default: impl FnOnce() -> T,
) -> (T, SettingSource) {
    match (argument, environment, file) {
        (Some(v), _, _) => (v, SettingSource::Argument),
        (None, Some(v), _) => (v, SettingSource::Environment),
        (None, None, Some(v)) => (v, SettingSource::File),
        (None, None, None) => (default(), SettingSource::Default),
    }
}

fn default_data_dir(env: &impl Fn(&str) -> Option<String>) -> Result<PathBuf, String> {
    if let Some(xdg) = env("XDG_DATA_HOME").filter(|s| !s.is_empty()) {
        return Ok(PathBuf::from(xdg).join("pingshen"));
    }
    env("HOME")
        .map(|h| PathBuf::from(h).join(".local/share/pingshen"))
        .ok_or_else(|| "无法确定数据目录：请设置 PINGSHEN_DATA_DIR 或 --data-dir".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env_of(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |k| {
            pairs
                .iter()
                .find(|(key, _)| *key == k)
                .map(|(_, v)| v.to_string())
        }
    }

    fn args(a: &[&str]) -> Vec<String> {
        a.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn arguments_beat_environment_which_beats_defaults() {
        let env = env_of(&[
            ("PINGSHEN_PLATFORM_URL", "http://env:1"),
            ("HOME", "/home/e"),
        ]);
        let s = Settings::resolve(args(&[]), &env).unwrap();
        assert_eq!(s.platform_url, "http://env:1");
        assert_eq!(s.data_dir, PathBuf::from("/home/e/.local/share/pingshen"));

        let s = Settings::resolve(
            args(&["--platform-url", "http://arg:2", "--data-dir=/d"]),
            &env,
        )
        .unwrap();
        assert_eq!(s.platform_url, "http://arg:2");
        assert_eq!(s.data_dir, PathBuf::from("/d"));

        let s = Settings::resolve(args(&[]), env_of(&[("HOME", "/h")])).unwrap();
        assert_eq!(s.platform_url, DEFAULT_PLATFORM_URL);
    }

    #[test]
    fn missing_values_and_stray_words_are_errors() {
        let env = env_of(&[("HOME", "/h")]);
        assert!(Settings::resolve(args(&["--platform-url"]), &env).is_err());
        assert!(Settings::resolve(args(&["stray"]), &env).is_err());
        assert!(Settings::resolve(args(&[]), env_of(&[])).is_err());
    }

    fn env_with(pairs: Vec<(&'static str, String)>) -> impl Fn(&str) -> Option<String> {
        move |k| {
            pairs
                .iter()
                .find(|(key, _)| *key == k)
                .map(|(_, v)| v.clone())
        }
    }

    #[test]
    fn the_settings_file_comes_after_arguments_and_environment() {
        let dir = tempfile::tempdir().unwrap();
        let conf = dir.path().join("conf");
        let saved = SavedSettings {
            platform_url: Some("https://ggzy.example".into()),
            pkcs11_module: Some("/opt/key/libkey-p11.so".into()),
            data_dir: Some(dir.path().join("data")),
            language: None,
            log_level: Some(LogLevel::Debug),
        };
        settings_file::save(&conf.join("settings.toml"), &saved).unwrap();
        let conf_s = conf.display().to_string();

        let s = Settings::resolve(
            args(&[]),
            env_with(vec![("PINGSHEN_CONFIG_DIR", conf_s.clone())]),
        )
        .unwrap();
        assert!(!s.needs_setup());
        assert_eq!(s.platform_url, "https://ggzy.example");
        assert_eq!(s.sources.platform_url, SettingSource::File);
        assert_eq!(s.pkcs11_module, "/opt/key/libkey-p11.so");
        assert_eq!(s.data_dir, dir.path().join("data"));
        assert_eq!(s.cert_dir, dir.path().join("data/certs"));
        assert_eq!(s.log_level, LogLevel::Debug);
        assert_eq!(s.sources.language, SettingSource::Default);
        assert_eq!(s.saved, saved);

        let s = Settings::resolve(
            args(&[
                "--config-dir",
                &conf_s,
                "--platform-url",
                "http://127.0.0.1:1",
            ]),
            env_with(vec![
                ("PINGSHEN_PKCS11_MODULE", "/env/p11.so".into()),
                ("PINGSHEN_LOG_LEVEL", "error".into()),
            ]),
        )
        .unwrap();
        assert_eq!(s.platform_url, "http://127.0.0.1:1");
        assert_eq!(s.sources.platform_url, SettingSource::Argument);
        assert_eq!(s.pkcs11_module, "/env/p11.so");
        assert_eq!(s.sources.pkcs11_module, SettingSource::Environment);
        assert_eq!(s.log_level, LogLevel::Error);
    }

    #[test]
    fn without_a_platform_or_with_a_bad_file_the_setup_runs() {
        let dir = tempfile::tempdir().unwrap();
        let home = dir.path().display().to_string();
        let s = Settings::resolve(args(&[]), env_with(vec![("HOME", home.clone())])).unwrap();
        assert!(s.needs_setup());
        assert_eq!(
            s.config_file,
            dir.path().join(".config/pingshen/settings.toml")
        );
        assert_eq!(s.file_problem, None);

        std::fs::create_dir_all(dir.path().join(".config/pingshen")).unwrap();
        std::fs::write(&s.config_file, "platform_url = \"http://ggzy.example\"").unwrap();
        let s = Settings::resolve(args(&[]), env_with(vec![("HOME", home)])).unwrap();
        assert!(s.needs_setup());
        let problem = s.file_problem.unwrap();
        assert!(problem.contains("settings.toml"), "{problem}");
        assert!(Settings::resolve(
            args(&[]),
            env_with(vec![
                ("HOME", "/h".into()),
                ("PINGSHEN_LOG_LEVEL", "loud".into())
            ])
        )
        .is_err());
    }
}
