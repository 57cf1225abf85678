//! 关于/诊断: the facts a help desk needs, and the bundle the person sends
//! them (`pingshen_app::diagnostics` decides what may be in it).

use crate::state::DesktopState;
use pingshen_api::ipc::AppError;
use pingshen_api::{Diagnostics, PlatformCheck};
use pingshen_app::diagnostics::{self, Setup};
use std::path::Path;
use std::time::Instant;

/// The build's version: what a centre stamped (`PINGSHEN_VERSION` at build
/// time, `scripts/package`), else the workspace's. Updates compare with it.
pub const VERSION: &str = match option_env!("PINGSHEN_VERSION") {
    Some(v) => v,
    None => env!("CARGO_PKG_VERSION"),
};

/// The build's commit, when `build.rs` could ask git.
pub const COMMIT: &str = match option_env!("PINGSHEN_COMMIT") {
    Some(c) => c,
    None => "unknown",
};

async fn gather(state: &DesktopState) -> Result<Diagnostics, AppError> {
    let asked = Instant::now();
    let platform = match state.anonymous.health().await {
        Ok(h) => PlatformCheck {
            reachable: true,
            error_code: None,
            platform_id: Some(h.platform_id),
            answered_in_ms: Some(asked.elapsed().as_millis() as u64),
        },
        Err(e) => PlatformCheck {
            reachable: false,
            error_code: Some(e.code().to_string()),
            platform_id: None,
            answered_in_ms: None,
        },
    };
    // Locked (nobody logged in): the facts without the projects.
    let store = state.store().await.ok().map(|(store, _, _)| store);
    let s = state.settings.clone();
    tokio::task::spawn_blocking(move || {
        let install = super::update::install_kind();
        let setup = Setup {
            app_version: VERSION,
            commit: COMMIT,
            platform_url: &s.platform_url,
            data_dir: &s.data_dir,
            cert_dir: &s.cert_dir,
            pkcs11_module: &s.pkcs11_module,
            install: &install,
        };
        let store = store.as_deref().map(pingshen_app::lock).transpose()?;
        diagnostics::collect(&setup, platform, store.as_deref(), Path::new("/"))
    })
    .await
    .map_err(crate::error::from_join)?
}

#[tauri::command]
pub async fn diagnostics(state: tauri::State<'_, DesktopState>) -> Result<Diagnostics, AppError> {
    gather(&state).await
}

/// Writes the bundle into `<data dir>/diagnostics/` and returns its path.
#[tauri::command]
pub async fn export_diagnostics(state: tauri::State<'_, DesktopState>) -> Result<String, AppError> {
    let d = gather(&state).await?;
    let dir = state.settings.data_dir.join("diagnostics");
    std::fs::create_dir_all(&dir).map_err(|e| {
        AppError::new(
            "io_error",
            format!("无法创建诊断文件目录 {}：{e}", dir.display()),
        )
    })?;
    let stamp = d
        .generated_at
        .format(time::macros::format_description!(
            "[year][month][day]-[hour][minute][second]"
        ))
        .map_err(|e| AppError::new("internal_error", e.to_string()))?;
    let path = dir.join(format!("pingshen-diagnostics-{stamp}.json"));
    diagnostics::write_bundle(&d, &path)?;
    Ok(path.display().to_string())
}
