//! First-run setup and the 设置 screen. These commands work before the
//! desktop's state exists (they use only the [`Gate`]).

use crate::gate::Gate;
use crate::settings::Settings;
use pingshen_api::ipc::AppError;
use pingshen_api::{
    PlatformIdentity, SettingSource, SettingValue, SettingsChange, SettingsView, SetupAnswers,
    SetupDetection, SetupStatus,
};
use pingshen_app::settings_file::{self, Language, LogLevel};
use pingshen_app::setup;
use pingshen_app::trust_files::TrustFiles;
use std::path::{Path, PathBuf};

#[tauri::command]
pub fn setup_status(gate: tauri::State<'_, Gate>) -> SetupStatus {
    SetupStatus {
        needed: !gate.ready(),
        notice: gate.settings().file_problem,
    }
}

#[tauri::command]
pub async fn check_platform(url: String) -> Result<PlatformIdentity, AppError> {
    setup::identify(&url).await
}

#[tauri::command]
pub async fn detect(gate: tauri::State<'_, Gate>) -> Result<SetupDetection, AppError> {
    let cert_dir = gate.settings().cert_dir;
    let home = std::env::var_os("HOME").map(PathBuf::from);
    tokio::task::spawn_blocking(move || setup::detect(Path::new("/"), home.as_deref(), &cert_dir))
        .await
        .map_err(crate::error::from_join)
}

#[tauri::command]
pub async fn finish_setup(
    app: tauri::AppHandle,
    gate: tauri::State<'_, Gate>,
    answers: SetupAnswers,
) -> Result<(), AppError> {
    if gate.ready() {
        return Err(AppError::new(
            "bad_setting",
            "首次设置已完成；如需更改，请打开“设置”",
        ));
    }
    let identity = setup::confirm(&answers.platform_url, &answers.confirmed_fingerprint).await?;
    let mut settings = gate.settings();
    let module = match answers.pkcs11_module.as_deref() {
        Some(m) if settings.sources.pkcs11_module.editable() => {
            Some(settings_file::check_token_module(m)?)
        }
        _ => None,
    };
    pin(&settings, &settings.data_dir, &identity.fingerprint)?;
    let files: Vec<PathBuf> = answers
        .import_certificates
        .iter()
        .map(PathBuf::from)
        .collect();
    settings_file::import_certificates(&files, &settings.cert_dir)?;

    let mut saved = settings.saved.clone();
    saved.platform_url = Some(identity.url.clone());
    if let Some(m) = &module {
        saved.pkcs11_module = Some(m.clone());
        settings.pkcs11_module = m.clone();
        settings.sources.pkcs11_module = SettingSource::File;
    }
    settings_file::save(&settings.config_file, &saved)?;
    settings.saved = saved;
    settings.platform_url = identity.url.clone();
    settings.sources.platform_url = SettingSource::File;
    settings.file_problem = None;
    gate.update(|s| *s = settings);
    tracing::info!(platform = %identity.platform_id, "first-run setup finished");
    gate.open(&app)
}

#[tauri::command]
pub fn get_settings(gate: tauri::State<'_, Gate>) -> SettingsView {
    view(&gate.settings())
}

#[tauri::command]
pub async fn save_settings(
    gate: tauri::State<'_, Gate>,
    change: SettingsChange,
) -> Result<SettingsView, AppError> {
    let current = gate.settings();
    // What the file holds now (it may have been saved since the start).
    let mut saved = settings_file::load(&current.config_file).unwrap_or(current.saved.clone());
    let mut identity = None;
    if let Some(url) = &change.platform_url {
        editable(current.sources.platform_url, "交易平台地址")?;
        let fingerprint = change.confirmed_fingerprint.as_deref().ok_or_else(|| {
            AppError::new(
                "fingerprint_not_confirmed",
                "更换交易平台前，请先检查新平台并确认其证书指纹",
            )
        })?;
        let id = setup::confirm(url, fingerprint).await?;
        saved.platform_url = Some(id.url.clone());
        identity = Some(id);
    }
    if let Some(m) = &change.pkcs11_module {
        editable(current.sources.pkcs11_module, "USB Key 驱动")?;
        saved.pkcs11_module = Some(settings_file::check_token_module(m)?);
    }
    if let Some(d) = &change.data_dir {
        editable(current.sources.data_dir, "数据目录")?;
        saved.data_dir = Some(settings_file::check_data_dir(d)?);
    }
    if let Some(l) = &change.language {
        editable(current.sources.language, "界面语言")?;
        saved.language = Some(Language::parse(l)?);
    }
    if let Some(l) = &change.log_level {
        editable(current.sources.log_level, "日志级别")?;
        saved.log_level = Some(LogLevel::parse(l)?);
    }
    if let Some(id) = &identity {
        // The new platform is pinned where the data will be after the
        // restart, so its first login is checked against what the person
        // confirmed here.
        let data_dir = match current.sources.data_dir {
            s if s.editable() => saved.data_dir.clone().unwrap_or(current.data_dir.clone()),
            _ => current.data_dir.clone(),
        };
        pin(&current, &data_dir, &id.fingerprint)?;
    }
    if identity.is_none() && change.data_dir.is_some() {
        carry_over(&current, saved.data_dir.as_deref())?;
    }
    settings_file::save(&current.config_file, &saved)?;
    // The driver and the log level apply at once; the platform and the
    // data folder at the next start (the view lists them as pending).
    gate.update(|s| {
        if let Some(m) = &saved.pkcs11_module {
            if s.sources.pkcs11_module.editable() {
                s.pkcs11_module = m.clone();
                s.sources.pkcs11_module = SettingSource::File;
            }
        }
        if let Some(l) = saved.log_level {
            if s.sources.log_level.editable() {
                s.log_level = l;
                s.sources.log_level = SettingSource::File;
                crate::logging::set_level(l);
            }
        }
        if let Some(l) = saved.language {
            if s.sources.language.editable() {
                s.language = l;
                s.sources.language = SettingSource::File;
            }
        }
    });
    tracing::info!("settings saved");
    Ok(view(&gate.settings()))
}

/// A new data folder gets the platform's pin (so the next login is checked
/// against what the person confirmed, not trusted anew) and, when they sit
/// in the old data folder, the certificate files and recognised CAs. Files
/// already there are kept. The evaluation data stays in the old folder.
fn carry_over(current: &Settings, new_dir: Option<&Path>) -> Result<(), AppError> {
    let Some(new_dir) = new_dir.filter(|d| *d != current.data_dir) else {
        return Ok(());
    };
    if current.platform_cert.is_none() {
        let fresh = TrustFiles::new(new_dir, None);
        if let (Some(pinned), None) = (
            TrustFiles::new(&current.data_dir, None).pinned(),
            fresh.pinned(),
        ) {
            fresh.accept(&pinned, time::OffsetDateTime::now_utc())?;
        }
    }
    for folder in [&current.cert_dir, &current.trust_dir] {
        if let Ok(rest) = folder.strip_prefix(&current.data_dir) {
            copy_missing(folder, &new_dir.join(rest))?;
        }
    }
    Ok(())
}

fn copy_missing(from: &Path, to: &Path) -> Result<(), AppError> {
    let io = |p: &Path, e: std::io::Error| {
        AppError::new(
            "io_error",
            format!("无法复制到新数据目录 {}：{e}", p.display()),
        )
    };
    let Ok(entries) = std::fs::read_dir(from) else {
        return Ok(());
    };
    std::fs::create_dir_all(to).map_err(|e| io(to, e))?;
    for entry in entries.flatten() {
        let (src, dst) = (entry.path(), to.join(entry.file_name()));
        if src.is_dir() {
            copy_missing(&src, &dst)?;
        } else if src.is_file() && !dst.exists() {
            std::fs::copy(&src, &dst).map_err(|e| io(&dst, e))?;
        }
    }
    Ok(())
}

#[tauri::command]
pub fn restart(app: tauri::AppHandle) {
    tracing::info!("restart asked for by the person");
    super::update::relaunch(&app)
}

fn editable(source: SettingSource, label: &str) -> Result<(), AppError> {
    if source.editable() {
        Ok(())
    } else {
        Err(AppError::new(
            "bad_setting",
            format!(
                "“{label}”由{}指定，在此修改无效；请联系交易中心或更改程序的启动方式",
                source.label()
            ),
        ))
    }
}

/// Pins the platform certificate the person confirmed, in `data_dir`. A
/// fingerprint the centre configured cannot be replaced: the confirmed one
/// must be it.
fn pin(settings: &Settings, data_dir: &Path, fingerprint: &str) -> Result<(), AppError> {
    if let Some(preset) = &settings.platform_cert {
        if setup::normalise(preset) != setup::normalise(fingerprint) {
            return Err(AppError::new(
                "platform_cert_changed",
                format!(
                    "该平台的证书指纹与交易中心配置的不一致（配置：{}），已拒绝",
                    setup::grouped(preset)
                ),
            ));
        }
        return Ok(());
    }
    std::fs::create_dir_all(data_dir).map_err(|e| {
        AppError::new(
            "data_dir_unusable",
            format!("无法创建数据目录 {}：{e}", data_dir.display()),
        )
    })?;
    TrustFiles::new(data_dir, None).accept(fingerprint, time::OffsetDateTime::now_utc())
}

fn view(s: &Settings) -> SettingsView {
    let file = settings_file::load(&s.config_file).unwrap_or_default();
    let mut pending = Vec::new();
    if s.sources.platform_url.editable()
        && file
            .platform_url
            .as_deref()
            .is_some_and(|u| u != s.platform_url)
    {
        pending.push(format!(
            "交易平台地址将改为 {}",
            file.platform_url.clone().unwrap_or_default()
        ));
    }
    if s.sources.data_dir.editable() && file.data_dir.as_ref().is_some_and(|d| *d != s.data_dir) {
        pending.push(format!(
            "数据目录将改为 {}（原目录中的数据不会移动）",
            file.data_dir
                .as_ref()
                .map(|d| d.display().to_string())
                .unwrap_or_default()
        ));
    }
    let value = |value: String, source| SettingValue { value, source };
    SettingsView {
        file: s.config_file.display().to_string(),
        platform_url: value(s.platform_url.clone(), s.sources.platform_url),
        platform_fingerprint: s
            .platform_cert
            .clone()
            .or_else(|| TrustFiles::new(&s.data_dir, None).pinned()),
        pkcs11_module: value(s.pkcs11_module.clone(), s.sources.pkcs11_module),
        data_dir: value(s.data_dir.display().to_string(), s.sources.data_dir),
        language: value(s.language.code().to_string(), s.sources.language),
        log_level: value(s.log_level.code().to_string(), s.sources.log_level),
        log_file: s.log_file().display().to_string(),
        pending_restart: pending,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pingshen_app::settings_file::SavedSettings;

    #[test]
    fn settings_fixed_by_the_launcher_cannot_be_changed_here() {
        assert!(editable(SettingSource::File, "x").is_ok());
        assert!(editable(SettingSource::Default, "x").is_ok());
        for source in [SettingSource::Argument, SettingSource::Environment] {
            let e = editable(source, "数据目录").unwrap_err();
            assert_eq!(e.code.as_str(), "bad_setting");
            assert!(e.message.contains(source.label()), "{}", e.message);
        }
    }

    #[test]
    fn a_saved_but_not_yet_used_platform_is_pending() {
        let dir = tempfile::tempdir().unwrap();
        let conf = dir.path().display().to_string();
        let env = |k: &str| match k {
            "PINGSHEN_CONFIG_DIR" => Some(conf.clone()),
            "HOME" => Some("/h".to_string()),
            _ => None,
        };
        let s = Settings::resolve(Vec::<String>::new(), env).unwrap();
        assert!(view(&s).pending_restart.is_empty());
        settings_file::save(
            &s.config_file,
            &SavedSettings {
                platform_url: Some("https://ggzy.example".into()),
                ..Default::default()
            },
        )
        .unwrap();
        let v = view(&s);
        assert_eq!(v.pending_restart.len(), 1, "{:?}", v.pending_restart);
        assert!(v.pending_restart[0].contains("https://ggzy.example"));
        assert_eq!(v.platform_url.source, SettingSource::Default);
    }
}
