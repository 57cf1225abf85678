use crate::state::DesktopState;
use pingshen_api::ipc::{AppError, AppInfo};
use pingshen_api::Health;

#[tauri::command]
pub fn app_info(state: tauri::State<'_, DesktopState>) -> AppInfo {
    let s = &state.settings;
    AppInfo {
        version: env!("CARGO_PKG_VERSION").to_string(),
        platform_url: s.platform_url.clone(),
        data_dir: s.data_dir.display().to_string(),
        cert_dir: s.cert_dir.display().to_string(),
        pkcs11_module: s.pkcs11_module.clone(),
    }
}

#[tauri::command]
pub async fn platform_health(state: tauri::State<'_, DesktopState>) -> Result<Health, AppError> {
    state.anonymous.health().await.map_err(AppError::from)
}
