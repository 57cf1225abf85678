use crate::state::DesktopState;
use pingshen_api::ipc::AppError;
use pingshen_api::{ProjectDetail, ProjectSummary};

#[tauri::command]
pub async fn list_projects(
    state: tauri::State<'_, DesktopState>,
) -> Result<Vec<ProjectSummary>, AppError> {
    state.call(|c| async move { c.projects().await }).await
}

#[tauri::command]
pub async fn get_project(
    state: tauri::State<'_, DesktopState>,
    id: String,
) -> Result<ProjectDetail, AppError> {
    state
        .call(|c| {
            let id = id.clone();
            async move { c.project(&id).await }
        })
        .await
}
