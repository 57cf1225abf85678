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
    let (store, _, online) = state.store().await?;
    let client = if online {
        Some(state.client().await?)
    } else {
        None
    };
    let list = match pingshen_app::project_list::list(&store, client.as_ref()).await {
        Err(e) if e.code == "session_expired" || e.code == "unauthenticated" => {
            state.renew_session().await?;
            let client = state.client().await?;
            pingshen_app::project_list::list(&store, Some(&client)).await
        }
        other => other,
    }
    .map_err(AppError::from)?;
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
    if let Ok((store, _, _)) = state.store().await {
        let archived = list.to_vec();
        let purged = tokio::task::spawn_blocking(move || {
            let store = store
                .lock()
                .map_err(|_| AppError::new("internal_error", "本地数据库锁已损坏"))?;
            pingshen_app::workspace::purge_archived(&store, &archived).map_err(AppError::from)
        })
        .await
        .map_err(crate::error::from_join)
        .and_then(|r| r);
        if let Err(e) = purged {
            eprintln!("警告：清除已归档项目失败：{}（{}）", e.message, e.code);
        }
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
