use crate::state::DesktopState;
use pingshen_api::ipc::{AppError, ProjectList};
use pingshen_api::{ProjectDetail, ProjectSummary};

#[tauri::command]
pub async fn list_projects(
    state: tauri::State<'_, DesktopState>,
) -> Result<Vec<ProjectSummary>, AppError> {
    let list = state.call(|c| async move { c.projects().await }).await?;
    purge_archived(&state, &list).await;
    Ok(list)
}

/// The person's projects with how much of each is on this computer: the
/// platform's list when it answers, this computer's copy when it does not
/// (offline start, lost link), never an error page for a person who synced.
#[tauri::command]
pub async fn my_projects(state: tauri::State<'_, DesktopState>) -> Result<ProjectList, AppError> {
    let list = state
        .with_session(|o| async move {
            pingshen_app::project_list::list(&o.store, o.client.as_ref()).await
        })
        .await?;
    if list.online {
        let summaries: Vec<ProjectSummary> =
            list.projects.iter().map(|p| p.summary.clone()).collect();
        purge_archived(&state, &summaries).await;
    }
    Ok(list)
}

/// Archived projects leave no bid document or page text behind.
async fn purge_archived(state: &DesktopState, list: &[ProjectSummary]) {
    if list
        .iter()
        .any(|p| p.stage == pingshen_api::Stage::Archived)
    {
        // Chunks read early may belong to an archived project: forget them all.
        state.early.clear();
    }
    let archived = list.to_vec();
    let purged = state
        .with_store(move |s| pingshen_app::workspace::purge_archived(s, &archived))
        .await;
    if let Err(e) = purged {
        eprintln!("警告：清除已归档项目失败：{}（{}）", e.message, e.code);
    }
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
