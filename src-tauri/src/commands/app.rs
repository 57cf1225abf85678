use crate::state::DesktopState;
use pingshen_api::ipc::{AppError, AppInfo};
use pingshen_api::Health;

/// From the settings in force (the USB-key driver chosen in 设置 applies at
/// once).
#[tauri::command]
pub fn app_info(gate: tauri::State<'_, crate::gate::Gate>) -> AppInfo {
    let s = &gate.settings();
    AppInfo {
        version: crate::commands::diagnostics::VERSION.to_string(),
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
