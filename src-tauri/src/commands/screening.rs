//! 串标分析: run the screens over the project's synced documents, list the
//! panel's decisions, and record one (the leader, signed, via the outbox).

use crate::state::DesktopState;
use pingshen_api::ipc::{AppError, FlagDecisionRequest, ScreenPage};
use pingshen_app::screening::{self, KIND_SCREEN_DECISION};

#[tauri::command]
pub async fn screen_page(
    state: tauri::State<'_, DesktopState>,
    project: String,
) -> Result<ScreenPage, AppError> {
    let (_, person, _) = state.store().await?;
    let ws = crate::commands::expert::load_workspace(&state, &project).await?;
    let rules = ws
        .rules
        .as_ref()
        .and_then(|r| pingshen_rules::Rules::from_toml(&r.toml).ok());
    let is_leader = ws
        .panel
        .as_ref()
        .and_then(|p| p.leader.as_deref())
        .is_some_and(|l| l == person.id);
    // The screens read every page of every bid: off the async threads.
    let (detail, p) = (ws.project.clone(), project.clone());
    let (report, pending) = state
        .with_store(move |store| {
            let report = screening::run(store, &detail, rules.as_ref())?;
            let pending: Vec<String> = store
                .outbox()
                .list(&p)?
                .into_iter()
                .filter(|e| e.kind == KIND_SCREEN_DECISION && e.receipt.is_none())
                .map(|e| e.submission_id)
                .collect();
            Ok((report, pending))
        })
        .await?;
    // The panel's recorded decisions are the leader's (and staff's) to read.
    let (decisions, online) = if ws.online && is_leader {
        let found = state
            .call(|c| {
                let p = project.clone();
                async move { c.screen_decisions(&p).await }
            })
            .await;
        match found {
            Ok(d) => (d.decisions, true),
            Err(e) if e.code.is_offline() => (Vec::new(), false),
            Err(e) => return Err(e),
        }
    } else {
        (Vec::new(), ws.online)
    };
    Ok(ScreenPage {
        report_json: serde_json::to_string(&report)
            .map_err(|e| AppError::new("internal_error", e.to_string()))?,
        decisions,
        pending,
        is_leader,
        online,
    })
}

/// Signs the panel's decision on a flag as the leader and queues it; the
/// sender delivers it (now, or when the platform is back).
#[tauri::command]
pub async fn decide_flag(
    state: tauri::State<'_, DesktopState>,
    project: String,
    request: FlagDecisionRequest,
) -> Result<String, AppError> {
    state
        .with_key(move |store, key, me| {
            screening::decide(
                store,
                key,
                &project,
                me,
                &request.flag_id,
                &request.flag_kind,
                request.involved,
                request.verdict,
                &request.reason,
            )
        })
        .await
}
