//! 软件更新: check the platform for a signed update, install it
//! (`pingshen_app::update`), and start the new version.

use crate::state::DesktopState;
use pingshen_api::ipc::AppError;
use pingshen_api::{UpdateCheck, UpdateInstalled};
use pingshen_app::update::{self, ThisCopy};
use std::path::Path;

/// How this copy was installed: from an AppImage, by the .deb, or neither.
pub fn install_kind() -> pingshen_api::InstallKind {
    let exe = std::env::current_exe().unwrap_or_default();
    pingshen_update::detect_install(
        std::env::var_os("APPIMAGE").as_deref(),
        &exe,
        Path::new("/var/lib/dpkg/info"),
    )
}

/// What this copy is: its version, how it was installed, where downloads go.
fn this_copy(state: &DesktopState) -> ThisCopy {
    ThisCopy {
        version: super::diagnostics::VERSION.to_string(),
        install: install_kind(),
        arch: pingshen_update::ARCH.to_string(),
        download_dir: state.settings.data_dir.join("cache").join("updates"),
        // A centre may name its desktops' installer (e.g. deepin-deb-installer);
        // xdg-open opens whichever package installer the desktop has.
        deb_installer: std::env::var("PINGSHEN_DEB_INSTALLER")
            .ok()
            .map(|v| v.split_whitespace().map(str::to_string).collect::<Vec<_>>())
            .filter(|v| !v.is_empty())
            .unwrap_or_else(|| vec!["xdg-open".to_string()]),
    }
}

#[tauri::command]
pub async fn check_update(state: tauri::State<'_, DesktopState>) -> Result<UpdateCheck, AppError> {
    update::check(&state.anonymous, &this_copy(&state)).await
}

/// Installs `version` (the one the person was shown). An AppImage is
/// replaced and the app starts again from it; a .deb is handed to the
/// system installer and the app keeps running.
#[tauri::command]
pub async fn install_update(
    app: tauri::AppHandle,
    state: tauri::State<'_, DesktopState>,
    version: String,
) -> Result<UpdateInstalled, AppError> {
    // Counted in the logged-in person's store; before login it cannot be.
    let store = state.store().await.ok().map(|(store, _, _)| store);
    let pending = move || -> Result<Option<u64>, AppError> {
        match &store {
            None => Ok(None),
            Some(s) => Ok(Some(pingshen_app::lock(s)?.outbox().pending_count()?)),
        }
    };
    let copy = this_copy(&state);
    let installed = update::install(&state.anonymous, &copy, &version, pending).await?;
    if let UpdateInstalled::Restarting { .. } = installed {
        // Answer the page first, so it can say that the app restarts.
        let app = app.clone();
        tauri::async_runtime::spawn(async move {
            tokio::time::sleep(std::time::Duration::from_millis(400)).await;
            relaunch(&app);
        });
    }
    Ok(installed)
}

/// Starts this program again and exits. From an AppImage the image itself
/// is started (the running copy lives in the old image's mount, which goes
/// away with this process, and after an update the image holds the new
/// version); otherwise Tauri re-executes this binary.
pub fn relaunch(app: &tauri::AppHandle) {
    if let Some(image) = std::env::var_os("APPIMAGE") {
        let started = std::process::Command::new(&image)
            .args(std::env::args_os().skip(1))
            // The new runtime sets these for its own mount.
            .env_remove("APPIMAGE")
            .env_remove("APPDIR")
            .env_remove("ARGV0")
            .spawn();
        match started {
            Ok(child) => {
                tracing::info!(pid = child.id(), "started the AppImage again");
                app.exit(0);
                return;
            }
            Err(e) => tracing::error!(error = %e, "cannot start the AppImage again"),
        }
    }
    app.restart()
}
