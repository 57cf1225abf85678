//! 澄清: the panel's questions to bidders and their answers (verified), and
//! the leader's new question, signed and sent through the outbox.

use crate::state::DesktopState;
use pingshen_api::ipc::{AppError, ClarificationPage, QuestionDraft};
use pingshen_app::clarification;

#[tauri::command]
pub async fn clarification_page(
    state: tauri::State<'_, DesktopState>,
    project: String,
) -> Result<ClarificationPage, AppError> {
    state
        .with_session(|o| {
            let project = project.clone();
            async move { clarification::page(&o.store, o.client.as_ref(), &o.trust, &project).await }
        })
        .await
}

#[tauri::command]
pub async fn ask_clarification(
    state: tauri::State<'_, DesktopState>,
    project: String,
    draft: QuestionDraft,
) -> Result<String, AppError> {
    state
        .with_key(move |store, key, me| clarification::ask(store, key, &project, me, &draft))
        .await
}
