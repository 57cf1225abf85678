//! The person's project list: the platform's when it answers (each line
//! kept in the store), this computer's copy when it does not — so that an
//! expert who starts the app on a train sees the projects they synced, how
//! much of each is here, and when the platform last answered.

use crate::lock;
use crate::AppError;
use pingshen_api::ipc::{ProjectEntry, ProjectList, SyncState};
use pingshen_api::{ProjectDetail, ProjectSummary};
use pingshen_client::PlatformClient;
use pingshen_store::{DocState, ProjectPart, Store};
use std::sync::Mutex;

/// The list, from the platform when `client` reaches it.
pub async fn list(
    store: &Mutex<Store>,
    client: Option<&PlatformClient>,
) -> Result<ProjectList, AppError> {
    let fresh = match client {
        Some(c) => match c.projects().await {
            Ok(list) => Some(list),
            Err(e) if e.is_offline() => None,
            Err(e) => return Err(e.into()),
        },
        None => None,
    };
    let store = lock(store)?;
    let online = fresh.is_some();
    let summaries = match fresh {
        Some(list) => {
            for p in &list {
                let json = serde_json::to_string(p)
                    .map_err(|e| AppError::new("internal_error", e.to_string()))?;
                store.projects().put(&p.id, ProjectPart::Summary, &json)?;
            }
            list
        }
        None => cached(&store)?,
    };
    let projects = summaries
        .into_iter()
        .map(|summary| entry(&store, summary))
        .collect::<Result<_, _>>()?;
    Ok(ProjectList { online, projects })
}

/// The projects this computer knows: their last list line, or the detail
/// of a project opened before list lines were kept.
fn cached(store: &Store) -> Result<Vec<ProjectSummary>, AppError> {
    let mut out = Vec::new();
    for id in store.projects().list()? {
        let Some(c) = store.projects().get(&id)? else {
            continue;
        };
        let summary = c
            .summary_json
            .as_deref()
            .and_then(|j| serde_json::from_str::<ProjectSummary>(j).ok())
            .or_else(|| {
                c.detail_json
                    .as_deref()
                    .and_then(|j| serde_json::from_str::<ProjectDetail>(j).ok())
                    .map(|d| d.summary)
            });
        out.extend(summary);
    }
    Ok(out)
}

fn entry(store: &Store, summary: ProjectSummary) -> Result<ProjectEntry, AppError> {
    let documents = store.documents().list(&summary.id)?;
    let verified = documents
        .iter()
        .filter(|d| d.state == DocState::Verified)
        .count();
    let sync = if documents.is_empty() || verified == 0 {
        SyncState::Never
    } else if verified == documents.len() {
        SyncState::Full
    } else {
        SyncState::Partial
    };
    let last_contact = store.projects().get(&summary.id)?.map(|c| c.updated_at);
    Ok(ProjectEntry {
        summary,
        sync,
        documents_verified: verified,
        documents_total: documents.len(),
        last_contact,
    })
}
