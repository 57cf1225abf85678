//! 串标分析: run the screens over the project's synced documents, list the
//! panel's decisions, and record one (the leader, signed, via the outbox).

use crate::commands::expert::with_key;
use crate::error::from_join;
use crate::state::DesktopState;
use pingshen_api::ipc::{AppError, FlagDecisionRequest, ScreenPage};
use pingshen_app::screening::{self, KIND_SCREEN_DECISION};

#[tauri::command]
pub async fn screen_page(
    state: tauri::State<'_, DesktopState>,
    project: String,
) -> Result<ScreenPage, AppError> {
    let (store, person, online) = state.store().await?;
    let client = if online {
        Some(state.client().await?)
    } else {
        None
    };
    let ws = pingshen_app::workspace::load(&store, client.as_ref(), &project, &person.id)
        .await
        .map_err(AppError::from)?;
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
    let (store2, detail, p) = (store.clone(), ws.project.clone(), project.clone());
    let (report, pending) = tokio::task::spawn_blocking(move || {
        let store = store2
            .lock()
            .map_err(|_| AppError::new("internal_error", "本地数据库锁已损坏"))?;
        let report = screening::run(&store, &detail, rules.as_ref()).map_err(AppError::from)?;
        let pending: Vec<String> = store
            .outbox()
            .list(&p)
            .map_err(|e| AppError::new(e.code(), e.message_zh()))?
            .into_iter()
            .filter(|e| e.kind == KIND_SCREEN_DECISION && e.receipt.is_none())
            .map(|e| e.submission_id)
            .collect();
        Ok::<_, AppError>((report, pending))
    })
    .await
    .map_err(from_join)??;
    // The recorded decisions are for the leader (and staff) only: a member's
    // page shows the flags without them rather than failing on `not_leader`.
    let (decisions, online) = match &client {
        Some(_) if !is_leader => (Vec::new(), true),
        Some(_) => {
            let found = state
                .call(|c| {
                    let p = project.clone();
                    async move { c.screen_decisions(&p).await }
                })
                .await;
            match found {
                Ok(d) => (d.decisions, true),
                Err(e) if e.code == "platform_unreachable" || e.code == "platform_timeout" => {
                    (Vec::new(), false)
                }
                Err(e) => return Err(e),
            }
        }
        None => (Vec::new(), false),
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
    with_key(&state, move |store, key, me| {
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
