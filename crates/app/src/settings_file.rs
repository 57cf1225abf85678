//! The desktop's saved settings (`settings.toml` in the configuration
//! folder) and the checks every value passes before it is saved.
//!
//! The file lives outside the data folder because the data folder is one of
//! the settings. Missing keys mean "the default"; unknown keys are kept out
//! of the way (a newer build may have written them) but not lost: saving
//! rewrites only the keys this build knows and leaves the rest.
//!
//! The checks are the same for the first-run setup and the 设置 screen, so
//! a value that one accepts the other accepts too. Each refusal has a stable
//! code and a Chinese sentence that says what to do.

use crate::AppError;
use pingshen_client::PlatformClient;
use std::path::{Path, PathBuf};

pub const FILE_NAME: &str = "settings.toml";

/// The keys this build reads and writes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SavedSettings {
    pub platform_url: Option<String>,
    pub pkcs11_module: Option<String>,
    pub data_dir: Option<PathBuf>,
    pub language: Option<Language>,
    pub log_level: Option<LogLevel>,
}

/// The interface languages this build has. Only Simplified Chinese so far:
/// the setting exists so that a file written by a later build with more
/// languages is understood, not silently dropped.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Language {
    #[default]
    ZhCn,
}

impl Language {
    pub const ALL: &'static [Language] = &[Language::ZhCn];

    pub fn code(self) -> &'static str {
        match self {
            Language::ZhCn => "zh-CN",
        }
    }

    pub fn parse(text: &str) -> Result<Self, AppError> {
        match text.trim() {
            "zh-CN" | "zh_CN" | "zh-Hans" => Ok(Language::ZhCn),
            other => Err(AppError::new(
                "bad_setting",
                format!("不支持的界面语言：{other}（本版本可选：简体中文 zh-CN）"),
            )),
        }
    }
}

/// How much the desktop writes to its log file.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub enum LogLevel {
    Error,
    #[default]
    Warn,
    Info,
    Debug,
}

impl LogLevel {
    pub const ALL: &'static [LogLevel] = &[
        LogLevel::Error,
        LogLevel::Warn,
        LogLevel::Info,
        LogLevel::Debug,
    ];

    pub fn code(self) -> &'static str {
        match self {
            LogLevel::Error => "error",
            LogLevel::Warn => "warn",
            LogLevel::Info => "info",
            LogLevel::Debug => "debug",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            LogLevel::Error => "仅错误",
            LogLevel::Warn => "警告及以上",
            LogLevel::Info => "一般信息",
            LogLevel::Debug => "调试（排查问题时使用）",
        }
    }

    pub fn parse(text: &str) -> Result<Self, AppError> {
        match text.trim().to_ascii_lowercase().as_str() {
            "error" => Ok(LogLevel::Error),
            "warn" | "warning" => Ok(LogLevel::Warn),
            "info" => Ok(LogLevel::Info),
            "debug" => Ok(LogLevel::Debug),
            other => Err(AppError::new(
                "bad_setting",
                format!("无效的日志级别：{other}（可选：error、warn、info、debug）"),
            )),
        }
    }
}

/// The configuration folder: `$XDG_CONFIG_HOME/pingshen`, else
/// `~/.config/pingshen`.
pub fn default_config_dir(env: impl Fn(&str) -> Option<String>) -> Option<PathBuf> {
    if let Some(xdg) = env("XDG_CONFIG_HOME").filter(|s| !s.is_empty()) {
        return Some(PathBuf::from(xdg).join("pingshen"));
    }
    env("HOME")
        .filter(|s| !s.is_empty())
        .map(|h| PathBuf::from(h).join(".config/pingshen"))
}

fn invalid(path: &Path, why: impl std::fmt::Display) -> AppError {
    AppError::new(
        "settings_file_invalid",
        format!("设置文件 {} 无法读取：{why}", path.display()),
    )
}

/// Reads the file; a missing file is empty settings. A value that fails its
/// check makes the whole file invalid: the caller shows the error and runs
/// as on a first start rather than half-configured.
pub fn load(path: &Path) -> Result<SavedSettings, AppError> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(SavedSettings::default()),
        Err(e) => return Err(invalid(path, e)),
    };
    let table: toml::Table = text.parse().map_err(|e| invalid(path, e))?;
    let text_of = |key: &str| -> Result<Option<String>, AppError> {
        match table.get(key) {
            None => Ok(None),
            Some(toml::Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(invalid(path, format!("{key} 应为文本"))),
        }
    };
    let recheck = |e: AppError| invalid(path, e.message);
    Ok(SavedSettings {
        platform_url: text_of("platform_url")?
            .map(|u| check_platform_url(&u))
            .transpose()
            .map_err(recheck)?,
        pkcs11_module: text_of("pkcs11_module")?,
        data_dir: text_of("data_dir")?
            .map(|d| absolute_dir(&d))
            .transpose()
            .map_err(recheck)?,
        language: text_of("language")?
            .map(|l| Language::parse(&l))
            .transpose()
            .map_err(recheck)?,
        log_level: text_of("log_level")?
            .map(|l| LogLevel::parse(&l))
            .transpose()
            .map_err(recheck)?,
    })
}

/// Writes `settings` into the file (creating its folder), keeping keys this
/// build does not know. Atomic: a crash leaves the old file or the new one.
pub fn save(path: &Path, settings: &SavedSettings) -> Result<(), AppError> {
    let mut table: toml::Table = std::fs::read_to_string(path)
        .ok()
        .and_then(|t| t.parse().ok())
        .unwrap_or_default();
    let mut put = |key: &str, value: Option<String>| match value {
        Some(v) => {
            table.insert(key.into(), toml::Value::String(v));
        }
        None => {
            table.remove(key);
        }
    };
    put("platform_url", settings.platform_url.clone());
    put("pkcs11_module", settings.pkcs11_module.clone());
    put(
        "data_dir",
        settings.data_dir.as_ref().map(|d| d.display().to_string()),
    );
    put("language", settings.language.map(|l| l.code().to_string()));
    put(
        "log_level",
        settings.log_level.map(|l| l.code().to_string()),
    );
    let text = format!(
        "# 评审客户端设置（由首次设置和“设置”页面写入）\n{}",
        toml::to_string(&table).map_err(|e| AppError::new("internal_error", e.to_string()))?
    );
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| {
            AppError::new(
                "io_error",
                format!("无法创建设置文件夹 {}：{e}", dir.display()),
            )
        })?;
    }
    crate::trust_files::write_atomically(path, text.as_bytes())
}

/// A platform address the client will talk to: https, or http to this
/// machine only (the sandbox). Returns it trimmed, without a trailing `/`.
pub fn check_platform_url(text: &str) -> Result<String, AppError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(AppError::new("bad_setting", "请填写交易平台地址"));
    }
    PlatformClient::new(text).map_err(AppError::from)?;
    Ok(text.trim_end_matches('/').to_string())
}

/// A PKCS#11 module the login screen may load: an absolute path to a
/// readable shared library that exports `C_GetFunctionList`. The library is
/// not loaded here (a vendor's module may take seconds or print to the
/// console): its bytes are read and checked.
pub fn check_token_module(text: &str) -> Result<String, AppError> {
    let text = text.trim();
    let bad = |why: String| AppError::new("bad_token_module", why);
    if text.is_empty() {
        return Err(bad("请选择或填写 USB Key 驱动（PKCS#11 模块）的路径".into()));
    }
    let path = Path::new(text);
    if !path.is_absolute() {
        return Err(bad(format!("驱动路径须为绝对路径：{text}")));
    }
    let bytes = std::fs::read(path).map_err(|e| {
        bad(match e.kind() {
            std::io::ErrorKind::NotFound => format!("找不到驱动文件：{text}"),
            _ => format!("无法读取驱动文件 {text}：{e}"),
        })
    })?;
    if !bytes.starts_with(b"\x7fELF") {
        return Err(bad(format!("{text} 不是共享库文件")));
    }
    if !contains(&bytes, b"C_GetFunctionList") {
        return Err(bad(format!(
            "{text} 不是 PKCS#11 驱动（没有 C_GetFunctionList 入口）"
        )));
    }
    Ok(text.to_string())
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn absolute_dir(text: &str) -> Result<PathBuf, AppError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(AppError::new("bad_setting", "请填写数据目录"));
    }
    let path = PathBuf::from(text);
    if !path.is_absolute() {
        return Err(AppError::new(
            "bad_setting",
            format!("数据目录须为绝对路径：{text}"),
        ));
    }
    Ok(path)
}

/// A data folder the app can use: absolute, creatable, writable (checked by
/// writing and removing a probe file).
pub fn check_data_dir(text: &str) -> Result<PathBuf, AppError> {
    let path = absolute_dir(text)?;
    let unusable = |e: std::io::Error| {
        AppError::new(
            "data_dir_unusable",
            format!("数据目录 {} 不可用：{e}", path.display()),
        )
    };
    if path.exists() && !path.is_dir() {
        return Err(AppError::new(
            "data_dir_unusable",
            format!("{} 已存在且不是文件夹", path.display()),
        ));
    }
    std::fs::create_dir_all(&path).map_err(unusable)?;
    let probe = path.join(".pingshen-write-probe");
    std::fs::write(&probe, b"probe").map_err(unusable)?;
    std::fs::remove_file(&probe).map_err(unusable)?;
    Ok(path)
}

/// Certificate files (.p12/.pfx) a person is likely to have been given:
/// in the certificate folder, and directly in the home folder and its
/// usual download, desktop and document folders (English and Chinese
/// names). Not recursive: a home folder may be large.
pub fn find_certificate_files(home: Option<&Path>, cert_dir: &Path) -> Vec<(PathBuf, bool)> {
    let mut folders: Vec<(PathBuf, bool)> = vec![(cert_dir.to_path_buf(), true)];
    if let Some(home) = home {
        folders.push((home.to_path_buf(), false));
        for sub in ["Downloads", "Desktop", "Documents", "下载", "桌面", "文档"] {
            folders.push((home.join(sub), false));
        }
    }
    let mut seen = std::collections::BTreeSet::new();
    let mut found = Vec::new();
    for (folder, in_cert_dir) in folders {
        let Ok(entries) = std::fs::read_dir(&folder) else {
            continue;
        };
        let mut files: Vec<PathBuf> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| {
                p.is_file()
                    && p.extension().and_then(|e| e.to_str()).is_some_and(|e| {
                        e.eq_ignore_ascii_case("p12") || e.eq_ignore_ascii_case("pfx")
                    })
            })
            .collect();
        files.sort();
        for file in files {
            let key = std::fs::canonicalize(&file).unwrap_or_else(|_| file.clone());
            if seen.insert(key) {
                found.push((file, in_cert_dir));
            }
        }
    }
    found
}

/// Copies certificate files into the certificate folder (the login screen
/// lists that folder). A file of the same name that differs is not
/// overwritten: the copy gets a numbered name.
pub fn import_certificates(files: &[PathBuf], cert_dir: &Path) -> Result<Vec<PathBuf>, AppError> {
    let io = |p: &Path, e: std::io::Error| {
        AppError::new("io_error", format!("无法复制证书文件 {}：{e}", p.display()))
    };
    std::fs::create_dir_all(cert_dir).map_err(|e| io(cert_dir, e))?;
    let mut copied = Vec::new();
    for file in files {
        let is_cert = file
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| e.eq_ignore_ascii_case("p12") || e.eq_ignore_ascii_case("pfx"));
        if !is_cert {
            return Err(AppError::new(
                "bad_setting",
                format!("{} 不是证书文件（.p12/.pfx）", file.display()),
            ));
        }
        let bytes = std::fs::read(file).map_err(|e| io(file, e))?;
        let name = file
            .file_name()
            .ok_or_else(|| AppError::new("bad_setting", "证书文件路径无效"))?;
        let mut target = cert_dir.join(name);
        let mut n = 1;
        while target.exists() {
            if std::fs::read(&target).ok().as_deref() == Some(&bytes[..]) {
                break;
            }
            n += 1;
            let stem = file.file_stem().unwrap_or(name).to_string_lossy();
            let ext = file.extension().unwrap_or_default().to_string_lossy();
            target = cert_dir.join(format!("{stem}-{n}.{ext}"));
        }
        if !target.exists() {
            crate::trust_files::write_atomically(&target, &bytes)?;
        }
        copied.push(target);
    }
    Ok(copied)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn platform_addresses() {
        let table: &[(&str, Result<&str, &str>)] = &[
            (
                "https://ggzy.wuhan.gov.cn/",
                Ok("https://ggzy.wuhan.gov.cn"),
            ),
            (
                "  https://ggzy.example/pingshen/ ",
                Ok("https://ggzy.example/pingshen"),
            ),
            ("http://127.0.0.1:8620", Ok("http://127.0.0.1:8620")),
            ("http://localhost:8620/", Ok("http://localhost:8620")),
            ("http://[::1]:8620", Ok("http://[::1]:8620")),
            ("", Err("bad_setting")),
            ("   ", Err("bad_setting")),
            ("http://ggzy.example", Err("insecure_platform_url")),
            ("http://192.168.1.10:8620", Err("insecure_platform_url")),
            ("ftp://ggzy.example", Err("bad_platform_url")),
            ("ggzy.example", Err("bad_platform_url")),
        ];
        for (input, want) in table {
            let got = check_platform_url(input);
            match (want, &got) {
                (Ok(w), Ok(g)) => assert_eq!(g, w, "{input}"),
                (Err(code), Err(e)) => {
                    assert_eq!(e.code.as_str(), *code, "{input}");
                    assert!(!e.message.is_empty());
                }
                _ => panic!("{input}: want {want:?}, got {got:?}"),
            }
        }
    }

    #[test]
    fn levels_and_languages() {
        assert_eq!(LogLevel::parse("INFO").unwrap(), LogLevel::Info);
        assert_eq!(LogLevel::parse("warning").unwrap(), LogLevel::Warn);
        assert_eq!(
            LogLevel::parse("trace").unwrap_err().code.as_str(),
            "bad_setting"
        );
        for l in LogLevel::ALL {
            assert_eq!(LogLevel::parse(l.code()).unwrap(), *l);
        }
        assert_eq!(Language::parse("zh-CN").unwrap(), Language::ZhCn);
        let e = Language::parse("en-US").unwrap_err();
        assert!(e.message.contains("简体中文"), "{}", e.message);
    }

    #[test]
    fn token_modules_are_checked_by_their_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let good = dir.path().join("libgood-pkcs11.so");
        std::fs::write(&good, b"\x7fELF....C_GetFunctionList....").unwrap();
        let not_p11 = dir.path().join("libz.so");
        std::fs::write(&not_p11, b"\x7fELF....inflate....").unwrap();
        let text = dir.path().join("readme.so");
        std::fs::write(&text, b"C_GetFunctionList").unwrap();
        assert_eq!(
            check_token_module(good.to_str().unwrap()).unwrap(),
            good.to_str().unwrap()
        );
        for (input, part) in [
            (not_p11.display().to_string(), "不是 PKCS#11 驱动"),
            (text.display().to_string(), "不是共享库"),
            (dir.path().join("none.so").display().to_string(), "找不到"),
            ("libsofthsm2.so".to_string(), "绝对路径"),
            ("".to_string(), "请选择"),
        ] {
            let e = check_token_module(&input).unwrap_err();
            assert_eq!(e.code.as_str(), "bad_token_module", "{input}");
            assert!(e.message.contains(part), "{input}: {}", e.message);
        }
    }

    #[test]
    fn data_dirs_must_be_absolute_and_writable() {
        let dir = tempfile::tempdir().unwrap();
        let fresh = dir.path().join("a/b");
        assert_eq!(check_data_dir(fresh.to_str().unwrap()).unwrap(), fresh);
        assert!(fresh.is_dir());
        assert!(
            std::fs::read_dir(&fresh).unwrap().next().is_none(),
            "no probe left"
        );
        let file = dir.path().join("file");
        std::fs::write(&file, b"x").unwrap();
        assert_eq!(
            check_data_dir(file.to_str().unwrap())
                .unwrap_err()
                .code
                .as_str(),
            "data_dir_unusable"
        );
        assert_eq!(
            check_data_dir("relative/dir").unwrap_err().code.as_str(),
            "bad_setting"
        );
    }

    #[test]
    fn the_file_round_trips_and_keeps_unknown_keys() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("conf/settings.toml");
        assert_eq!(load(&path).unwrap(), SavedSettings::default());
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, "theme = \"dark\"\n").unwrap();
        let saved = SavedSettings {
            platform_url: Some("https://ggzy.example".into()),
            pkcs11_module: Some("/usr/lib/softhsm/libsofthsm2.so".into()),
            data_dir: Some(PathBuf::from("/srv/pingshen")),
            language: Some(Language::ZhCn),
            log_level: Some(LogLevel::Debug),
        };
        save(&path, &saved).unwrap();
        assert_eq!(load(&path).unwrap(), saved);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains("theme = \"dark\""), "{text}");
        save(&path, &SavedSettings::default()).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(!text.contains("platform_url"), "{text}");
    }

    #[test]
    fn a_bad_file_is_an_error_that_names_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.toml");
        for text in [
            "platform_url = ",
            "platform_url = 5",
            "platform_url = \"http://ggzy.example\"",
            "log_level = \"loud\"",
            "data_dir = \"relative\"",
        ] {
            std::fs::write(&path, text).unwrap();
            let e = load(&path).unwrap_err();
            assert_eq!(e.code.as_str(), "settings_file_invalid", "{text}");
            assert!(e.message.contains("settings.toml"), "{}", e.message);
        }
    }

    #[test]
    fn certificate_files_are_found_once_and_imported_without_overwriting() {
        let home = tempfile::tempdir().unwrap();
        let certs = home.path().join("certs");
        std::fs::create_dir_all(&certs).unwrap();
        std::fs::create_dir_all(home.path().join("下载")).unwrap();
        std::fs::write(certs.join("old.p12"), b"old").unwrap();
        std::fs::write(home.path().join("下载/张伟.PFX"), b"new").unwrap();
        std::fs::write(home.path().join("下载/notes.txt"), b"x").unwrap();
        std::fs::write(home.path().join("old.p12"), b"other").unwrap();
        let found = find_certificate_files(Some(home.path()), &certs);
        let names: Vec<(String, bool)> = found
            .iter()
            .map(|(p, c)| {
                (
                    p.strip_prefix(home.path()).unwrap().display().to_string(),
                    *c,
                )
            })
            .collect();
        assert_eq!(
            names,
            vec![
                ("certs/old.p12".to_string(), true),
                ("old.p12".to_string(), false),
                ("下载/张伟.PFX".to_string(), false),
            ]
        );
        let copied = import_certificates(
            &[
                home.path().join("old.p12"),
                home.path().join("下载/张伟.PFX"),
            ],
            &certs,
        )
        .unwrap();
        assert_eq!(copied[0], certs.join("old-2.p12"));
        assert_eq!(std::fs::read(certs.join("old.p12")).unwrap(), b"old");
        assert_eq!(std::fs::read(&copied[1]).unwrap(), b"new");
        // Importing the same file again copies nothing new.
        let again = import_certificates(&[home.path().join("old.p12")], &certs).unwrap();
        assert_eq!(again[0], certs.join("old-2.p12"));
        assert!(import_certificates(&[home.path().join("下载/notes.txt")], &certs).is_err());
    }
}
