//! The expert's project page: gathered from the platform when reachable
//! (and cached in the encrypted store), from the store alone when not.

use crate::lock;
use crate::{evaluation, AppError, PlatformTrust};
use pingshen_api::ipc::{DocumentInfo, LocateHit, OutboxItem, RulesInfo, SearchHit, Workspace};
use pingshen_api::{DeclarationDecision, PanelStatus, ProjectDetail, PublishedRules, Receipt};
use pingshen_client::PlatformClient;
use pingshen_store::{DocState, ProjectPart, Query, Store};
use std::sync::Mutex;

fn to_json<T: serde::Serialize>(v: &T) -> Result<String, AppError> {
    serde_json::to_string(v).map_err(|e| AppError::new("internal_error", e.to_string()))
}

/// What the platform says about the project now (`None` when unreachable),
/// each part verified before it is believed: the project against the
/// platform's signed opening record, the rules by their staff signature,
/// receipt and hash.
struct Fresh {
    detail: ProjectDetail,
    /// `Err`: the platform served rules that did not verify.
    rules: Option<Result<PublishedRules, AppError>>,
    panel: PanelStatus,
    /// The platform-signed credit records, verified, when published.
    credit: Option<pingshen_api::CreditRecords>,
    /// Bids the panel rejected by vote (verified and counted here).
    rejected: Vec<pingshen_rules::motion::PanelRejection>,
}

async fn fetch(
    client: &PlatformClient,
    trust: &PlatformTrust,
    platform_id: Option<&str>,
    project: &str,
) -> Result<Option<Fresh>, AppError> {
    let detail = match client.project(project).await {
        Ok(d) => d,
        Err(e) if e.is_offline() => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    let opening = match client.opening_record(project).await {
        Ok(r) => r,
        Err(e) if e.is_offline() => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    trust.verify_opening(&opening.envelope, &detail)?;
    let rules = match client.rules(project).await {
        Ok(r) => Some(trust.verify_rules(&r, project, platform_id).map(|_| r)),
        Err(e) if e.code() == "not_found" => None,
        Err(e) if e.is_offline() => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    let panel = match client.panel(project).await {
        Ok(p) => p,
        Err(e) if e.is_offline() => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    let credit = match client.credit_record(project).await {
        Ok(r) => Some(verified_credit(trust, &r.envelope, project)?),
        Err(e) if e.code() == "not_found" => None,
        Err(e) if e.is_offline() => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    let rejected = match crate::motions::rejections(client, trust, project).await {
        Ok(r) => r,
        Err(e) if e.code.is_offline() => return Ok(None),
        Err(e) => return Err(e),
    };
    Ok(Some(Fresh {
        detail,
        rules,
        panel,
        credit,
        rejected,
    }))
}

/// The credit records as the pinned platform certificate signed them, for
/// this project; refused otherwise (`bad_document`).
fn verified_credit(
    trust: &PlatformTrust,
    env: &pingshen_api::SignedEnvelope,
    project: &str,
) -> Result<pingshen_api::CreditRecords, AppError> {
    let v = trust.verify_platform_document(env, pingshen_api::CREDIT_RECORD_TYP)?;
    let doc: pingshen_api::CreditRecordDoc = serde_json::from_slice(&v.payload_bytes)
        .map_err(|e| AppError::new("bad_document", format!("信用记录内容无效：{e}")))?;
    if doc.project_id != project {
        return Err(AppError::new(
            "bad_document",
            format!("平台提供的信用记录属于项目 {}，不是本项目", doc.project_id),
        ));
    }
    Ok(doc.records)
}

/// Loads the project page. With `client` the platform is asked first and
/// the answers are cached; without it (or when it is unreachable) the cached
/// copy is used, so the expert keeps working offline.
pub async fn load(
    store: &Mutex<Store>,
    client: Option<(&PlatformClient, &PlatformTrust, Option<&str>)>,
    project: &str,
    me: &str,
) -> Result<Workspace, AppError> {
    let fresh = match client {
        Some((c, trust, platform_id)) => fetch(c, trust, platform_id, project).await?,
        None => None,
    };
    let store = lock(store)?;
    evaluation::reconcile(&store, project)?;
    let projects = store.projects();
    if let Some(f) = &fresh {
        projects.put(project, ProjectPart::Detail, &to_json(&f.detail)?)?;
        // Only rules that verified are kept, so offline the expert scores
        // by exactly what staff signed.
        if let Some(Ok(r)) = &f.rules {
            projects.put(project, ProjectPart::Rules, &to_json(r)?)?;
        }
        // Verified above; offline the grid computes from the same.
        if let Some(c) = &f.credit {
            projects.put(project, ProjectPart::Credit, &to_json(c)?)?;
        }
        projects.put(project, ProjectPart::Rejections, &to_json(&f.rejected)?)?;
    }
    let cached = projects.get(project)?;
    let detail: ProjectDetail = match (
        &fresh,
        cached.as_ref().and_then(|c| c.detail_json.as_deref()),
    ) {
        (Some(f), _) => f.detail.clone(),
        (None, Some(json)) => serde_json::from_str(json)
            .map_err(|e| AppError::new("internal_error", format!("本地项目缓存损坏：{e}")))?,
        (None, None) => {
            return Err(AppError::new(
                "not_synced",
                "该项目尚未在本机同步过，请连接评标平台后再打开",
            ))
        }
    };
    let rules_error = fresh
        .as_ref()
        .and_then(|f| f.rules.as_ref())
        .and_then(|r| r.as_ref().err())
        .map(|e| pingshen_api::ipc::AppError::new(e.code.clone(), e.message.clone()));
    let published: Option<PublishedRules> = match &fresh {
        Some(f) => f.rules.clone().and_then(Result::ok),
        None => cached_part(cached.as_ref().and_then(|c| c.rules_json.as_deref())),
    };
    let outbox_entries = store.outbox().list(project)?;
    let declaration = fresh
        .as_ref()
        .and_then(|f| f.panel.members.iter().find(|m| m.id == me))
        .and_then(|m| m.declaration)
        .or_else(|| queued_declaration(&outbox_entries));
    let documents = store
        .documents()
        .list(project)?
        .into_iter()
        .map(|d| DocumentInfo {
            file_id: d.entry.file_id,
            bidder_id: d.entry.bidder,
            kind: d.entry.kind,
            name: d.entry.name,
            size: d.entry.size,
            state: d.state.as_str().to_string(),
            pages: d.page_count,
        })
        .collect();
    let status = evaluation::sheet_status(&store, project)?;
    let cells = evaluation::cells(&store, project)?;
    let outbox = outbox_entries
        .iter()
        .map(|e| OutboxItem {
            submission_id: e.submission_id.clone(),
            kind: e.kind.clone(),
            delivered: e.state == pingshen_store::OutboxState::Delivered,
            attempts: e.attempts,
            last_error: e.last_error.clone(),
            created_at: e.created_at,
            received_at: e.receipt.as_deref().and_then(receipt_time),
            refused: (e.state == pingshen_store::OutboxState::Refused).then(|| {
                pingshen_api::ipc::AppError::new(
                    e.last_error.clone().unwrap_or_default(),
                    e.refusal.clone().unwrap_or_default(),
                )
            }),
        })
        .collect();
    Ok(Workspace {
        me: me.to_string(),
        project: detail,
        rules: published.map(|r| RulesInfo {
            version: r.version,
            sha256: r.sha256,
            toml: r.rules_toml,
            published_by_name: r.published_by_name,
            published_at: r.published_at,
        }),
        rules_error,
        online: fresh.is_some(),
        credit: match &fresh {
            Some(f) => f.credit.clone(),
            None => cached_part(cached.as_ref().and_then(|c| c.credit_json.as_deref())),
        },
        rejected: match &fresh {
            Some(f) => f.rejected.clone(),
            None => cached_part(cached.as_ref().and_then(|c| c.rejected_json.as_deref()))
                .unwrap_or_default(),
        },
        panel: fresh.map(|f| f.panel),
        declaration,
        documents,
        sheet_version: status.version,
        sheet_editable: status.editable,
        cells,
        outbox,
    })
}

/// A part of the project cache, as stored after it verified.
fn cached_part<T: serde::de::DeserializeOwned>(json: Option<&str>) -> Option<T> {
    json.and_then(|j| serde_json::from_str(j).ok())
}

fn payload_of(envelope_json: &[u8]) -> Option<serde_json::Value> {
    use base64::Engine;
    let env: pingshen_api::SignedEnvelope = serde_json::from_slice(envelope_json).ok()?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(env.payload)
        .ok()?;
    serde_json::from_slice(&bytes).ok()
}

fn queued_declaration(entries: &[pingshen_store::OutboxEntry]) -> Option<DeclarationDecision> {
    entries
        .iter()
        .filter(|e| e.kind == evaluation::KIND_DECLARATION)
        .find_map(|e| serde_json::from_value(payload_of(&e.body)?.get("decision")?.clone()).ok())
}

fn receipt_time(receipt_envelope: &[u8]) -> Option<time::OffsetDateTime> {
    let r: Receipt = serde_json::from_value(payload_of(receipt_envelope)?).ok()?;
    Some(r.received_at)
}

/// Full-text search over the project's verified documents.
pub fn search(
    store: &Store,
    project: &str,
    text: &str,
    bidder: Option<String>,
    file_id: Option<String>,
) -> Result<Vec<SearchHit>, AppError> {
    let mut q = Query::new(text).limit(100);
    if let Some(b) = bidder {
        q = q.bidder(b);
    }
    if let Some(f) = file_id {
        q = q.doc(f);
    }
    Ok(store
        .documents()
        .search(project, &q)?
        .into_iter()
        .map(|h| SearchHit {
            file_id: h.doc,
            bidder_id: h.bidder,
            page: h.page,
            snippet: h.snippet,
            highlights: h.highlights.into_iter().map(|r| (r.start, r.end)).collect(),
        })
        .collect())
}

/// The words of a factor's name worth looking for: 施工方案与技术措施 →
/// 施工方案, 技术措施.
pub fn factor_terms(name: &str) -> Vec<String> {
    name.split(|c: char| "与和及、，,（）() /".contains(c))
        .map(str::trim)
        .filter(|t| t.chars().count() >= 2)
        .map(str::to_string)
        .collect()
}

/// Where each bidder addresses a factor: bookmark entries whose title names
/// it, then the best search hits per bid.
pub fn locate(store: &Store, project: &str, factor_name: &str) -> Result<Vec<LocateHit>, AppError> {
    let terms = factor_terms(factor_name);
    let docs = store.documents();
    let mut out = Vec::new();
    for d in docs.list(project)? {
        if d.state != DocState::Verified || d.entry.kind != "bid" {
            continue;
        }
        let info = docs.pdf_info(project, &d.entry.file_id)?;
        let outline: Vec<serde_json::Value> = info
            .outline_json
            .as_deref()
            .and_then(|j| serde_json::from_str(j).ok())
            .unwrap_or_default();
        for entry in outline {
            let title = entry
                .get("title")
                .and_then(|t| t.as_str())
                .unwrap_or_default();
            let page = entry.get("page").and_then(|p| p.as_u64());
            if let Some(page) = page {
                if terms.iter().any(|t| title.contains(t.as_str())) {
                    out.push(LocateHit {
                        bidder_id: d.entry.bidder.clone(),
                        file_id: d.entry.file_id.clone(),
                        page: page as u32,
                        source: "outline".into(),
                        title: title.to_string(),
                    });
                }
            }
        }
        for term in &terms {
            let hits = docs.search(
                project,
                &Query::new(term.as_str())
                    .doc(d.entry.file_id.clone())
                    .limit(3),
            )?;
            for h in hits {
                if !out
                    .iter()
                    .any(|o| o.file_id == d.entry.file_id && o.page == h.page)
                {
                    out.push(LocateHit {
                        bidder_id: d.entry.bidder.clone(),
                        file_id: d.entry.file_id.clone(),
                        page: h.page,
                        source: "search".into(),
                        title: format!(
                            "“{term}”：{}",
                            h.snippet.chars().take(40).collect::<String>()
                        ),
                    });
                }
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::factor_terms;

    #[test]
    fn factor_names_split_into_terms() {
        assert_eq!(factor_terms("施工方案与技术措施"), ["施工方案", "技术措施"]);
        assert_eq!(
            factor_terms("文明施工、扬尘控制与环境保护措施"),
            ["文明施工", "扬尘控制", "环境保护措施"]
        );
        assert_eq!(factor_terms("工期"), ["工期"]);
    }
}

/// Bid documents are confidential and kept only while they are needed: once
/// the platform reports a project archived (已归档), everything local about
/// it — documents, page text and index, notes, drafts — is purged. Receipts
/// and the witness log stay (they are the person's own proof). A purge
/// waits while a submission of the project is undelivered. Returns what was
/// purged, per project.
pub fn purge_archived(
    store: &Store,
    projects: &[pingshen_api::ProjectSummary],
) -> Result<Vec<(String, pingshen_store::PurgeReport)>, AppError> {
    let mut out = Vec::new();
    for p in projects {
        if p.stage != pingshen_api::Stage::Archived {
            continue;
        }
        let held =
            store.projects().get(&p.id)?.is_some() || !store.documents().list(&p.id)?.is_empty();
        if !held {
            continue;
        }
        match store.purge_project(&p.id) {
            Ok(report) => {
                tracing::info!(project = %p.id, documents = report.documents, "archived project purged");
                out.push((p.id.clone(), report));
            }
            Err(e) if e.code() == "purge_blocked" => {
                tracing::warn!(project = %p.id, "archived project kept until its submissions are delivered");
            }
            Err(e) => return Err(e.into()),
        }
    }
    Ok(out)
}

/// Writes a signed submission (as signed, with the platform's refusal if
/// any) to `dir`, e.g. to hand a refused sheet to the trading centre.
/// Answers the file written.
pub fn export_submission(
    store: &Store,
    project: &str,
    submission_id: &str,
    dir: &std::path::Path,
) -> Result<std::path::PathBuf, AppError> {
    let entry = store
        .outbox()
        .get(submission_id)?
        .filter(|e| e.project == project)
        .ok_or_else(|| AppError::new("not_found", "本项目没有这项提交"))?;
    let envelope: serde_json::Value = serde_json::from_slice(&entry.body)
        .map_err(|e| AppError::new("internal_error", format!("待发送内容损坏：{e}")))?;
    let doc = serde_json::json!({
        "format": "pingshen.submission-export/1",
        "project_id": project,
        "submission_id": entry.submission_id,
        "kind": entry.kind,
        "endpoint": entry.endpoint,
        "signed_envelope": envelope,
        "refused": entry.refusal.as_ref().map(|m| serde_json::json!({
            "code": entry.last_error,
            "message": m,
        })),
    });
    let path = dir.join(format!("{}-{}.json", entry.kind, entry.submission_id));
    let bytes = serde_json::to_vec_pretty(&doc)
        .map_err(|e| AppError::new("internal_error", e.to_string()))?;
    std::fs::create_dir_all(dir)
        .and_then(|_| std::fs::write(&path, bytes))
        .map_err(|e| AppError::new("export_failed", format!("无法写入 {}：{e}", path.display())))?;
    Ok(path)
}
