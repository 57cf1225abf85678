//! The witness's logging screen (见证专家): the page, recording a signed
//! entry, and syncing the log. Adapters into `pingshen_app::witness`.

use crate::state::DesktopState;
use pingshen_api::ipc::{AppError, WitnessDraft, WitnessEntryInfo, WitnessPage, WitnessReportInfo};
use pingshen_pki::OffsetDateTime;
use std::sync::atomic::{AtomicI64, Ordering};

/// The last measured platform clock offset (ms); `i64::MIN` until measured.
/// Entries recorded offline use it, and say so through their offset.
static CLOCK_OFFSET_MS: AtomicI64 = AtomicI64::new(i64::MIN);

fn last_offset() -> Option<i64> {
    match CLOCK_OFFSET_MS.load(Ordering::Relaxed) {
        i64::MIN => None,
        v => Some(v),
    }
}

#[tauri::command]
pub async fn witness_page(
    state: tauri::State<'_, DesktopState>,
    project: String,
) -> Result<WitnessPage, AppError> {
    let project = &project;
    let page = state
        .with_session(|o| async move {
            let online = o.client.as_ref().map(|c| (c, o.trust.as_ref()));
            pingshen_app::witness::page(&o.store, online, project, last_offset()).await
        })
        .await?;
    if let Some(offset) = page.clock_offset_ms {
        CLOCK_OFFSET_MS.store(offset, Ordering::Relaxed);
    }
    Ok(page)
}

/// Signs and stores the next entry; then tries to send it at once.
#[tauri::command]
pub async fn witness_record(
    state: tauri::State<'_, DesktopState>,
    project: String,
    draft: WitnessDraft,
) -> Result<WitnessEntryInfo, AppError> {
    let offset = last_offset().unwrap_or(0);
    let p = project.clone();
    let recorded = state
        .with_key(move |store, key, me| {
            pingshen_app::witness::record(
                store,
                key,
                &p,
                me,
                &draft,
                offset,
                OffsetDateTime::now_utc(),
            )
        })
        .await?;
    // Best effort: offline, the entry waits for the next sync.
    let _ = witness_sync(state, project).await;
    Ok(recorded)
}

/// Sends entries the platform does not have yet; returns how many wait.
#[tauri::command]
pub async fn witness_sync(
    state: tauri::State<'_, DesktopState>,
    project: String,
) -> Result<usize, AppError> {
    let (store, _, online) = state.store().await?;
    if !online {
        return state
            .with_store(move |s| Ok(s.witness_log().unsynced(&project)?.len()))
            .await;
    }
    let client = state.client().await?;
    let outcome = pingshen_app::witness::sync(&store, &client, &state.trust(), &project).await?;
    Ok(outcome.pending)
}

/// Renders the witness report of the project's log, signs its hash with the
/// witness's key and writes both under `<data dir>/reports/<project>/`.
#[tauri::command]
pub async fn witness_report(
    state: tauri::State<'_, DesktopState>,
    project: String,
) -> Result<WitnessReportInfo, AppError> {
    let (_, person, _) = state.store().await?;
    let out_dir = state.settings.data_dir.join("reports").join(&project);
    // The platform's time, as the entries carry it.
    let signed_at = pingshen_witness_time(last_offset().unwrap_or(0));
    let files = state
        .with_key(move |store, key, me| {
            let cert = key.certificate();
            let issuer = pingshen_pki::CertInfo::of(cert)
                .ok()
                .and_then(|i| i.issuer_cn.or(Some(i.issuer)))
                .unwrap_or_default();
            let algorithm = key.algorithm().to_string();
            pingshen_app::witness_report::make(
                store,
                key,
                &project,
                &pingshen_app::witness_report::WitnessSigner {
                    id: me,
                    name: &person.name,
                    issuer: &issuer,
                    algorithm: &algorithm,
                },
                &out_dir,
                signed_at,
            )
        })
        .await?;
    Ok(WitnessReportInfo {
        pdf_path: files.pdf.display().to_string(),
        signature_path: files.signature.display().to_string(),
        sha256: files.sha256,
        entries: files.entries,
    })
}

fn pingshen_witness_time(offset_ms: i64) -> OffsetDateTime {
    let now = OffsetDateTime::now_utc();
    let nanos = now.unix_timestamp_nanos() + i128::from(offset_ms) * 1_000_000;
    OffsetDateTime::from_unix_timestamp_nanos(nanos).unwrap_or(now)
}
