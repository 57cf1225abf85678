//! 表决: the panel's motions (verified and recounted), proposing one and
//! voting, both signed and sent through the outbox.

use crate::state::DesktopState;
use pingshen_api::ipc::{AppError, MotionDraft, MotionsPage};
use pingshen_app::motions;

#[tauri::command]
pub async fn motions_page(
    state: tauri::State<'_, DesktopState>,
    project: String,
) -> Result<MotionsPage, AppError> {
    state
        .with_session(|o| {
            let project = project.clone();
            async move {
                motions::page(
                    &o.store,
                    o.client.as_ref(),
                    &o.trust,
                    &project,
                    &o.person.id,
                )
                .await
            }
        })
        .await
}

#[tauri::command]
pub async fn propose_motion(
    state: tauri::State<'_, DesktopState>,
    project: String,
    draft: MotionDraft,
) -> Result<String, AppError> {
    state
        .with_key(move |store, key, me| motions::propose(store, key, &project, me, &draft))
        .await
}

#[tauri::command]
pub async fn vote_motion(
    state: tauri::State<'_, DesktopState>,
    project: String,
    motion: String,
    option: String,
) -> Result<String, AppError> {
    state
        .with_key(move |store, key, me| motions::vote(store, key, &project, me, &motion, &option))
        .await
}
