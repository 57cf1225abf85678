//! Project sync: fetch and verify the platform-signed manifest, download
//! every file with bounded concurrency into the encrypted cache, resume
//! interrupted files, verify each file's size, SHA-256 and SM3, then extract
//! and index the text. A file that does not match is never shown: it is
//! fetched once more from scratch, then reported by name.

use crate::{AppError, PlatformTrust};
use pingshen_api::{Manifest, ManifestFile, MANIFEST_TYP};
use pingshen_client::PlatformClient;
use pingshen_docs::Extractor;
use pingshen_store::{
    BlobReader, BlobWriter, DocState, ManifestEntry, PageInput, PdfInfo, ProjectPart, Store,
};
use serde::Serialize;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// Files downloaded at once: enough to hide latency, few enough not to
/// starve a poor link.
pub const CONCURRENT_DOWNLOADS: usize = 3;

/// What a sync needs. Cheap to clone; the store is shared behind a mutex
/// and locked only for short database steps, never across a download.
#[derive(Clone)]
pub struct SyncContext {
    pub store: Arc<Mutex<Store>>,
    pub client: PlatformClient,
    pub trust: Arc<PlatformTrust>,
    /// The platform the manifest must come from (`/health`'s `platform_id`).
    pub platform_id: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SyncPhase {
    Manifest,
    Downloading,
    Indexing,
    Done,
}

/// Progress as the UI shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SyncProgress {
    pub project: String,
    pub phase: SyncPhase,
    pub files_total: usize,
    pub files_done: usize,
    pub bytes_total: u64,
    pub bytes_done: u64,
    /// Name of the file being worked on.
    pub current: Option<String>,
}

/// A file that could not be made available.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FailedFile {
    pub file_id: String,
    pub name: String,
    pub code: String,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct SyncReport {
    pub files: usize,
    pub verified: usize,
    /// Bytes fetched from the platform in this run (resumes fetch less).
    pub bytes_fetched: u64,
    pub failed: Vec<FailedFile>,
    pub indexed: usize,
}

pub type ProgressFn = Arc<dyn Fn(SyncProgress) + Send + Sync>;

fn lock(store: &Mutex<Store>) -> Result<std::sync::MutexGuard<'_, Store>, AppError> {
    store
        .lock()
        .map_err(|_| AppError::new("internal_error", "本地数据库锁已损坏，请重启客户端"))
}

/// Fetches and verifies the manifest, then stores it and its entries.
pub async fn fetch_manifest(ctx: &SyncContext, project: &str) -> Result<Manifest, AppError> {
    let env = ctx.client.manifest(project).await?;
    let verified = ctx.trust.verify_platform_document(&env, MANIFEST_TYP)?;
    let manifest: Manifest = serde_json::from_value(verified.payload)
        .map_err(|e| AppError::new("bad_manifest", format!("文件清单内容无效：{e}")))?;
    if manifest.project_id != project || manifest.platform_id != ctx.platform_id {
        return Err(AppError::new(
            "manifest_mismatch",
            "文件清单不属于本项目或本平台，已拒绝",
        ));
    }
    let store = lock(&ctx.store)?;
    let json =
        serde_json::to_string(&env).map_err(|e| AppError::new("internal_error", e.to_string()))?;
    store
        .projects()
        .put(project, ProjectPart::Manifest, &json)?;
    for f in &manifest.files {
        store.documents().upsert(&entry(project, f))?;
    }
    Ok(manifest)
}

fn entry(project: &str, f: &ManifestFile) -> ManifestEntry {
    ManifestEntry {
        project: project.to_string(),
        file_id: f.file_id.clone(),
        bidder: f.bidder_id.clone(),
        kind: serde_json::to_value(f.kind)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default(),
        name: f.name.clone(),
        size: f.size,
        sha256: f.sha256.clone(),
        sm3: f.sm3.clone(),
    }
}

/// Syncs a project's documents and indexes their text.
pub async fn sync_project(
    ctx: &SyncContext,
    project: &str,
    extractor: Arc<Extractor>,
    progress: ProgressFn,
) -> Result<SyncReport, AppError> {
    let report_progress = |phase, files_total, files_done, bytes_total, bytes_done, current| {
        progress(SyncProgress {
            project: project.to_string(),
            phase,
            files_total,
            files_done,
            bytes_total,
            bytes_done,
            current,
        })
    };
    report_progress(SyncPhase::Manifest, 0, 0, 0, 0, None);
    let manifest = fetch_manifest(ctx, project).await?;

    let todo: Vec<ManifestFile> = {
        let store = lock(&ctx.store)?;
        let docs = store.documents();
        let mut todo = Vec::new();
        for f in &manifest.files {
            let verified = docs
                .get(project, &f.file_id)?
                .is_some_and(|d| d.state == DocState::Verified);
            if !verified {
                todo.push(f.clone());
            }
        }
        todo
    };
    let files_total = manifest.files.len();
    let already = files_total - todo.len();
    let bytes_total: u64 = todo.iter().map(|f| f.size).sum();
    let bytes_done = Arc::new(AtomicU64::new(0));
    let files_done = Arc::new(AtomicUsize::new(already));
    let fetched = Arc::new(AtomicU64::new(0));
    report_progress(
        SyncPhase::Downloading,
        files_total,
        already,
        bytes_total,
        0,
        None,
    );

    let semaphore = Arc::new(tokio::sync::Semaphore::new(CONCURRENT_DOWNLOADS));
    let mut tasks = tokio::task::JoinSet::new();
    for f in todo {
        let ctx = ctx.clone();
        let project = project.to_string();
        let semaphore = semaphore.clone();
        let (bytes_done, files_done, fetched, progress) = (
            bytes_done.clone(),
            files_done.clone(),
            fetched.clone(),
            progress.clone(),
        );
        tasks.spawn(async move {
            let _permit = semaphore.acquire_owned().await;
            let on_bytes = |n: u64, counted_as_fetch: bool| {
                let done = bytes_done.fetch_add(n, Ordering::Relaxed) + n;
                if counted_as_fetch {
                    fetched.fetch_add(n, Ordering::Relaxed);
                }
                progress(SyncProgress {
                    project: project.clone(),
                    phase: SyncPhase::Downloading,
                    files_total,
                    files_done: files_done.load(Ordering::Relaxed),
                    bytes_total,
                    bytes_done: done,
                    current: Some(f.name.clone()),
                });
            };
            let result = download_verified(&ctx, &project, &f, &on_bytes).await;
            files_done.fetch_add(1, Ordering::Relaxed);
            (f, result)
        });
    }
    let mut report = SyncReport {
        files: files_total,
        ..Default::default()
    };
    let mut first_offline_error = None;
    while let Some(joined) = tasks.join_next().await {
        let (f, result) = joined.map_err(|e| AppError::new("internal_error", e.to_string()))?;
        if let Err(e) = result {
            if is_offline(&e) && first_offline_error.is_none() {
                first_offline_error = Some(e.clone());
            }
            report.failed.push(FailedFile {
                file_id: f.file_id.clone(),
                name: f.name.clone(),
                code: e.code,
                message: e.message,
            });
        }
    }
    report.bytes_fetched = fetched.load(Ordering::Relaxed);
    report.verified = {
        let store = lock(&ctx.store)?;
        let docs = store.documents().list(project)?;
        docs.iter()
            .filter(|d| d.state == DocState::Verified)
            .count()
    };
    report.failed.sort_by(|a, b| a.file_id.cmp(&b.file_id));

    let done = bytes_done.load(Ordering::Relaxed);
    report_progress(
        SyncPhase::Indexing,
        files_total,
        report.verified,
        bytes_total,
        done,
        None,
    );
    report.indexed = index_project(ctx, project, extractor).await?;
    report_progress(
        SyncPhase::Done,
        files_total,
        report.verified,
        bytes_total,
        done,
        None,
    );
    // A sync cut by the network is an error the caller can retry; the
    // finished files and whole chunks of unfinished ones stay.
    if let Some(e) = first_offline_error {
        return Err(e);
    }
    Ok(report)
}

fn is_offline(e: &AppError) -> bool {
    matches!(e.code.as_str(), "platform_unreachable" | "platform_timeout")
}

/// Downloads one file into the encrypted cache, resuming from the last
/// whole chunk, and verifies it; on a mismatch, fetches it once more from
/// scratch.
async fn download_verified(
    ctx: &SyncContext,
    project: &str,
    f: &ManifestFile,
    on_bytes: &(dyn Fn(u64, bool) + Sync),
) -> Result<(), AppError> {
    for attempt in 0..2 {
        let mut writer = {
            let store = lock(&ctx.store)?;
            store
                .documents()
                .set_state(project, &f.file_id, DocState::Partial)?;
            if attempt == 0 {
                BlobWriter::resume(&store, project, &f.file_id)?
            } else {
                BlobWriter::create(&store, project, &f.file_id)?
            }
        };
        let mut from = writer.stored_len();
        let mut download = ctx
            .client
            .download(project, &f.file_id, from, &f.sha256)
            .await?;
        if download.offset != from {
            // The platform sent the whole file (its copy changed, or it
            // ignored the range): start over.
            writer = {
                let store = lock(&ctx.store)?;
                BlobWriter::create(&store, project, &f.file_id)?
            };
            from = 0;
        }
        // Bytes already stored count towards progress, not towards fetching.
        on_bytes(from, false);
        while let Some(chunk) = download.chunk().await? {
            writer.write(&chunk)?;
            on_bytes(chunk.len() as u64, true);
        }
        let digests = writer.finish()?;
        let ok = digests.size == f.size && digests.sha256 == f.sha256 && digests.sm3 == f.sm3;
        let store = lock(&ctx.store)?;
        if ok {
            store
                .documents()
                .set_state(project, &f.file_id, DocState::Verified)?;
            return Ok(());
        }
        tracing::warn!(file = %f.file_id, attempt, "downloaded file does not match the manifest");
        store
            .documents()
            .set_state(project, &f.file_id, DocState::Failed)?;
    }
    Err(AppError::new(
        "file_mismatch",
        format!(
            "文件“{}”与平台签名清单不符（已重新下载一次），不予显示",
            f.name
        ),
    ))
}

/// Extracts and indexes the text of every verified document not indexed
/// yet. Returns how many were indexed now.
pub async fn index_project(
    ctx: &SyncContext,
    project: &str,
    extractor: Arc<Extractor>,
) -> Result<usize, AppError> {
    let pending: Vec<String> = {
        let store = lock(&ctx.store)?;
        store
            .documents()
            .list(project)?
            .into_iter()
            .filter(|d| d.state == DocState::Verified && d.page_count.is_none())
            .map(|d| d.entry.file_id)
            .collect()
    };
    let mut indexed = 0;
    for file_id in pending {
        let bytes = {
            let store = lock(&ctx.store)?;
            let mut reader = BlobReader::open(&store, project, &file_id)?;
            reader.read_all()?
        };
        let ex = extractor.clone();
        // The worker process gets the plaintext on a pipe: never a file.
        let extraction = match tokio::task::spawn_blocking(move || ex.extract(&bytes))
            .await
            .map_err(|e| AppError::new("internal_error", e.to_string()))?
        {
            Ok(x) => x,
            Err(e) => {
                // One unreadable file (not a PDF, or beyond repair) must not
                // keep the others from being indexed, nor be retried on every
                // sync: it is recorded with no text, and stays viewable as
                // far as the viewer can show it.
                tracing::warn!(project, file_id, code = e.code(), "text extraction failed");
                let store = lock(&ctx.store)?;
                store.documents().set_pdf_info(
                    project,
                    &file_id,
                    &PdfInfo {
                        metadata_json: None,
                        outline_json: None,
                        page_count: Some(0),
                    },
                )?;
                continue;
            }
        };
        let store = lock(&ctx.store)?;
        let docs = store.documents();
        docs.index_pages(
            project,
            &file_id,
            extraction.pages.iter().map(PageInput::from),
        )?;
        docs.set_pdf_info(
            project,
            &file_id,
            &PdfInfo {
                metadata_json: serde_json::to_string(&extraction.metadata).ok(),
                outline_json: serde_json::to_string(&extraction.outline).ok(),
                page_count: Some(
                    extraction.pages.len() as u32 + extraction.failed_pages.len() as u32,
                ),
            },
        )?;
        indexed += 1;
    }
    Ok(indexed)
}
