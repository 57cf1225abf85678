//! The desktop's Tauri commands. Each adapts IPC arguments into a call on a
//! crate and maps its error into [`AppError`].

use crate::error::from_client;
use crate::settings::Settings;
use pingshen_api::ipc::{AppError, AppInfo};
use pingshen_api::{Health, ProjectDetail, ProjectSummary};
use pingshen_client::PlatformClient;

pub struct DesktopState {
    settings: Settings,
    client: PlatformClient,
}

impl DesktopState {
    pub fn new(settings: Settings) -> Result<Self, AppError> {
        std::fs::create_dir_all(&settings.data_dir).map_err(|e| {
            AppError::new(
                "data_dir_unusable",
                format!("无法创建数据目录 {}：{e}", settings.data_dir.display()),
            )
        })?;
        let client = PlatformClient::new(&settings.platform_url).map_err(from_client)?;
        Ok(Self { settings, client })
    }
}

#[tauri::command]
pub fn app_info(state: tauri::State<'_, DesktopState>) -> AppInfo {
    AppInfo {
        version: env!("CARGO_PKG_VERSION").to_string(),
        platform_url: state.settings.platform_url.clone(),
        data_dir: state.settings.data_dir.display().to_string(),
    }
}

#[tauri::command]
pub async fn platform_health(state: tauri::State<'_, DesktopState>) -> Result<Health, AppError> {
    state.client.health().await.map_err(from_client)
}

#[tauri::command]
pub async fn list_projects(
    state: tauri::State<'_, DesktopState>,
) -> Result<Vec<ProjectSummary>, AppError> {
    state.client.projects().await.map_err(from_client)
}

#[tauri::command]
pub async fn get_project(
    state: tauri::State<'_, DesktopState>,
    id: String,
) -> Result<ProjectDetail, AppError> {
    state.client.project(&id).await.map_err(from_client)
}
