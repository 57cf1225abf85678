//! The expert's workspace: declaration, leader vote, document sync and
//! search, autosaved scoring, signed submission.

use crate::state::DesktopState;
use pingshen_api::ipc::{
    AppError, Cell, LocateHit, NoteInfo, SearchHit, SyncProgressEvent, SyncSummary, Workspace,
};
use pingshen_api::{DeclarationDecision, PanelSummary};
use pingshen_app::sync::{self, SyncProgress};
use pingshen_app::{evaluation, notes};
use std::sync::Arc;
use tauri::Emitter;

#[tauri::command]
pub async fn workspace(
    state: tauri::State<'_, DesktopState>,
    project: String,
) -> Result<Workspace, AppError> {
    load_workspace(&state, &project).await
}

/// The project page, from the platform (verified) when online, from the
/// store when not.
pub(crate) async fn load_workspace(
    state: &DesktopState,
    project: &str,
) -> Result<Workspace, AppError> {
    state
        .with_session(|o| async move {
            let online = o
                .client
                .as_ref()
                .map(|c| (c, o.trust.as_ref(), o.platform_id.as_deref()));
            pingshen_app::workspace::load(&o.store, online, project, &o.person.id).await
        })
        .await
}

#[tauri::command]
pub async fn declare(
    state: tauri::State<'_, DesktopState>,
    project: String,
    recuse: bool,
    reason: Option<String>,
) -> Result<String, AppError> {
    let decision = if recuse {
        DeclarationDecision::Recuse
    } else {
        DeclarationDecision::NoConflict
    };
    state
        .with_key(move |store, signer, me| {
            evaluation::declare(store, signer, &project, me, decision, reason)
        })
        .await
}

#[tauri::command]
pub async fn vote_leader(
    state: tauri::State<'_, DesktopState>,
    project: String,
    candidate: String,
) -> Result<String, AppError> {
    state
        .with_key(move |store, signer, me| {
            evaluation::vote(store, signer, &project, me, &candidate)
        })
        .await
}

/// Sends what is queued now (instead of waiting for the next round).
#[tauri::command]
pub async fn send_now(state: tauri::State<'_, DesktopState>) -> Result<u64, AppError> {
    let (store, trust) = (state.online().await?.store, state.trust());
    let report = state
        .call(|client| {
            let (store, trust) = (store.clone(), trust.clone());
            async move { pingshen_app::outbox::drain(&store, &client, &trust).await }
        })
        .await?;
    if let Some((_, code, message)) = report.refused.first() {
        return Err(AppError::new(code.clone(), message.clone()));
    }
    Ok(report.pending)
}

#[tauri::command]
pub async fn sync_project(
    app: tauri::AppHandle,
    state: tauri::State<'_, DesktopState>,
    project: String,
) -> Result<SyncSummary, AppError> {
    let ctx = state.sync_context().await?;
    let extractor = Arc::new(
        pingshen_docs::Extractor::new().map_err(|e| AppError::new(e.code(), e.to_string()))?,
    );
    let emitter = app.clone();
    let last = Arc::new(std::sync::Mutex::new(std::time::Instant::now()));
    let progress: sync::ProgressFn = Arc::new(move |p: SyncProgress| {
        // At most ~20 events a second, plus every phase change and the end.
        let mut last = last.lock().unwrap_or_else(|e| e.into_inner());
        let phase_end = p.phase != sync::SyncPhase::Downloading || p.bytes_done == p.bytes_total;
        if !phase_end && last.elapsed() < std::time::Duration::from_millis(50) {
            return;
        }
        *last = std::time::Instant::now();
        let _ = emitter.emit(
            pingshen_api::ipc::events::SYNC_PROGRESS,
            SyncProgressEvent {
                project: p.project,
                phase: serde_json::to_value(p.phase)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default(),
                files_total: p.files_total,
                files_done: p.files_done,
                files_indexed: p.files_indexed,
                bytes_total: p.bytes_total,
                bytes_done: p.bytes_done,
                bytes_per_sec: p.bytes_per_sec,
                seconds_left: p.seconds_left,
                current: p.current,
            },
        );
    });
    let report = sync::sync_project(&ctx, &project, extractor, progress).await?;
    Ok(SyncSummary {
        files: report.files,
        verified: report.verified,
        indexed: report.indexed,
        failed: report
            .failed
            .into_iter()
            .map(|f| (f.name, f.message))
            .collect(),
    })
}

#[tauri::command]
pub async fn search_documents(
    state: tauri::State<'_, DesktopState>,
    project: String,
    text: String,
    bidder: Option<String>,
    file_id: Option<String>,
) -> Result<Vec<SearchHit>, AppError> {
    state
        .with_store(move |s| pingshen_app::workspace::search(s, &project, &text, bidder, file_id))
        .await
}

#[tauri::command]
pub async fn locate_factor(
    state: tauri::State<'_, DesktopState>,
    project: String,
    factor_name: String,
) -> Result<Vec<LocateHit>, AppError> {
    state
        .with_store(move |s| pingshen_app::workspace::locate(s, &project, &factor_name))
        .await
}

/// Autosave: durable when this returns.
#[tauri::command]
pub async fn save_cell(
    state: tauri::State<'_, DesktopState>,
    project: String,
    cell: Cell,
) -> Result<(), AppError> {
    state
        .with_store(move |s| evaluation::save_cell(s, &project, &cell))
        .await
}

/// Signs the sheet by the rules and bidders cached with the project and
/// queues it; the sender delivers it (now, or when the platform is back).
/// Returns the submission id.
#[tauri::command]
pub async fn submit_sheet(
    state: tauri::State<'_, DesktopState>,
    project: String,
) -> Result<String, AppError> {
    state
        .with_key(move |store, signer, me| {
            evaluation::submit_cached(store, signer, &project, me).map(|q| q.submission_id)
        })
        .await
}

#[tauri::command]
pub async fn begin_revision(
    state: tauri::State<'_, DesktopState>,
    project: String,
) -> Result<u32, AppError> {
    state
        .with_store(move |s| evaluation::begin_revision(s, &project))
        .await
}

#[tauri::command]
pub async fn list_notes(
    state: tauri::State<'_, DesktopState>,
    project: String,
) -> Result<Vec<NoteInfo>, AppError> {
    state.with_store(move |s| notes::list(s, &project)).await
}

#[tauri::command]
pub async fn add_note(
    state: tauri::State<'_, DesktopState>,
    project: String,
    file_id: String,
    page: u32,
    kind: String,
    text: String,
) -> Result<NoteInfo, AppError> {
    state
        .with_store(move |s| notes::add(s, &project, &file_id, page, &kind, &text))
        .await
}

#[tauri::command]
pub async fn delete_note(state: tauri::State<'_, DesktopState>, id: i64) -> Result<(), AppError> {
    state.with_store(move |s| notes::delete(s, id)).await
}

#[tauri::command]
pub async fn panel_summary(
    state: tauri::State<'_, DesktopState>,
    project: String,
) -> Result<PanelSummary, AppError> {
    state
        .call(|c| {
            let project = project.clone();
            async move { c.summary(&project).await }
        })
        .await
}

/// Writes a signed submission (a refused one, typically) to
/// `<data dir>/exports/<project>/` and answers the file's path.
#[tauri::command]
pub async fn export_submission(
    state: tauri::State<'_, DesktopState>,
    project: String,
    submission_id: String,
) -> Result<String, AppError> {
    let dir = state.settings.data_dir.join("exports").join(&project);
    state
        .with_store(move |s| {
            pingshen_app::workspace::export_submission(s, &project, &submission_id, &dir)
                .map(|p| p.display().to_string())
        })
        .await
}
