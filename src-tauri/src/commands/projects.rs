use crate::state::DesktopState;
use pingshen_api::ipc::AppError;
use pingshen_api::{ProjectDetail, ProjectSummary};

#[tauri::command]
pub async fn list_projects(
    state: tauri::State<'_, DesktopState>,
) -> Result<Vec<ProjectSummary>, AppError> {
    let list = state.call(|c| async move { c.projects().await }).await?;
    // Archived projects leave no bid document or page text behind.
    if let Ok((store, _, _)) = state.store().await {
        let archived = list.clone();
        let purged = tokio::task::spawn_blocking(move || {
            let store = store
                .lock()
                .map_err(|_| AppError::new("internal_error", "本地数据库锁已损坏"))?;
            pingshen_app::workspace::purge_archived(&store, &archived).map_err(AppError::from)
        })
        .await
        .map_err(crate::error::from_join)?;
        if let Err(e) = purged {
            eprintln!("警告：清除已归档项目失败：{}（{}）", e.message, e.code);
        }
    }
    Ok(list)
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
