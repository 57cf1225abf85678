//! Project sync: fetch and verify the platform-signed manifest, download
//! every file with bounded concurrency into the encrypted cache, resume
//! interrupted files, verify each file's size, SHA-256 and SM3, then extract
//! and index the text of each as soon as it is verified. A file that does
//! not match is never shown: it is fetched once more from scratch, then
//! reported by name. The viewer may read ranges of a file still on its way
//! ([`crate::ranges`]); the sync then gives the link way.

use crate::lock;
use crate::pipelined_writer::PipelinedWriter;
use crate::ranges::EarlyReads;
use crate::rate::RateMeter;
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
use std::time::Instant;

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
    /// The viewer's early reads, which the sync gives way to.
    pub early: Arc<EarlyReads>,
}

impl SyncContext {
    pub fn new(
        store: Arc<Mutex<Store>>,
        client: PlatformClient,
        trust: Arc<PlatformTrust>,
        platform_id: String,
    ) -> Self {
        SyncContext {
            store,
            client,
            trust,
            platform_id,
            early: Arc::default(),
        }
    }
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
    /// Files finished (verified or given up) so far.
    pub files_done: usize,
    /// Files whose text is searchable so far.
    pub files_indexed: usize,
    /// Bytes of this run's files (files verified earlier do not count).
    pub bytes_total: u64,
    pub bytes_done: u64,
    /// Over the last few seconds; `None` until there is a second of data.
    pub bytes_per_sec: Option<u64>,
    /// At the current rate; `None` when unknown (no rate, or nothing arriving).
    pub seconds_left: Option<u64>,
    /// Name of the file being worked on.
    pub current: Option<String>,
}

impl SyncProgress {
    fn starting(project: &str) -> Self {
        SyncProgress {
            project: project.to_string(),
            phase: SyncPhase::Manifest,
            files_total: 0,
            files_done: 0,
            files_indexed: 0,
            bytes_total: 0,
            bytes_done: 0,
            bytes_per_sec: None,
            seconds_left: None,
            current: None,
        }
    }
}

/// A file that could not be made available.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FailedFile {
    pub file_id: String,
    pub name: String,
    pub code: pingshen_api::ErrorCode,
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

/// Stops a background task when the sync ends, however it ends.
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Counters of one sync run, shared by its download tasks.
struct Tracker {
    project: String,
    files_total: usize,
    bytes_total: u64,
    files_done: AtomicUsize,
    files_indexed: AtomicUsize,
    bytes_done: AtomicU64,
    fetched: AtomicU64,
    meter: Mutex<RateMeter>,
    early: Arc<EarlyReads>,
    progress: ProgressFn,
}

impl Tracker {
    fn emit(&self, phase: SyncPhase, current: Option<String>) {
        let now = Instant::now();
        let bytes_done = self.bytes_done.load(Ordering::Relaxed);
        let (rate, left) = match self.meter.lock() {
            Ok(m) => (
                m.bytes_per_sec(now),
                m.time_left(now, self.bytes_total.saturating_sub(bytes_done)),
            ),
            Err(_) => (None, None),
        };
        (self.progress)(SyncProgress {
            project: self.project.clone(),
            phase,
            files_total: self.files_total,
            files_done: self.files_done.load(Ordering::Relaxed),
            files_indexed: self.files_indexed.load(Ordering::Relaxed),
            bytes_total: self.bytes_total,
            bytes_done,
            bytes_per_sec: rate.map(|r| r as u64),
            seconds_left: left.map(|d| d.as_secs()),
            current,
        })
    }

    /// `n` more bytes of the file are in the cache; `fetched` when they
    /// came over the link now (not from an earlier, resumed run).
    fn add_bytes(&self, n: u64, fetched: bool, current: &str) {
        self.bytes_done.fetch_add(n, Ordering::Relaxed);
        if fetched {
            self.fetched.fetch_add(n, Ordering::Relaxed);
            self.sample();
        }
        self.emit(SyncPhase::Downloading, Some(current.to_string()));
    }

    /// Records what crossed the line by now: the sync's bytes and the
    /// viewer's (they share it, so the rate and the time left count both).
    fn sample(&self) {
        let total = self.fetched.load(Ordering::Relaxed) + self.early.fetched();
        if let Ok(mut m) = self.meter.lock() {
            m.record(Instant::now(), total);
        }
    }
}

/// Syncs a project's documents and indexes their text. Each file is
/// indexed as soon as it is verified, so search covers what has arrived
/// while the rest still downloads.
pub async fn sync_project(
    ctx: &SyncContext,
    project: &str,
    extractor: Arc<Extractor>,
    progress: ProgressFn,
) -> Result<SyncReport, AppError> {
    progress(SyncProgress::starting(project));
    let manifest = fetch_manifest(ctx, project).await?;

    let (todo, already_indexed) = {
        let store = lock(&ctx.store)?;
        let docs = store.documents();
        let mut todo = Vec::new();
        let mut indexed = 0;
        for f in &manifest.files {
            let doc = docs.get(project, &f.file_id)?;
            match doc {
                Some(d) if d.state == DocState::Verified => {
                    indexed += usize::from(d.page_count.is_some());
                }
                _ => todo.push(f.clone()),
            }
        }
        (todo, indexed)
    };
    let files_total = manifest.files.len();
    let tracker = Arc::new(Tracker {
        project: project.to_string(),
        files_total,
        bytes_total: todo.iter().map(|f| f.size).sum(),
        files_done: AtomicUsize::new(files_total - todo.len()),
        files_indexed: AtomicUsize::new(already_indexed),
        bytes_done: AtomicU64::new(0),
        fetched: AtomicU64::new(0),
        meter: Mutex::new(RateMeter::new(Instant::now())),
        early: ctx.early.clone(),
        progress,
    });
    tracker.emit(SyncPhase::Downloading, None);
    // Once a second even when nothing arrives (a stall, the viewer using the
    // line): the rate falls and the time left grows as they really do.
    let ticker = {
        let tracker = tracker.clone();
        AbortOnDrop(tokio::spawn(async move {
            loop {
                tokio::time::sleep(std::time::Duration::from_secs(1)).await;
                tracker.sample();
                tracker.emit(SyncPhase::Downloading, None);
            }
        }))
    };

    let semaphore = Arc::new(tokio::sync::Semaphore::new(CONCURRENT_DOWNLOADS));
    let mut tasks = tokio::task::JoinSet::new();
    for f in todo {
        let ctx = ctx.clone();
        let project = project.to_string();
        let (semaphore, tracker, extractor) =
            (semaphore.clone(), tracker.clone(), extractor.clone());
        tasks.spawn(async move {
            let permit = semaphore.acquire_owned().await;
            let on_bytes = |n: u64, fetched: bool| tracker.add_bytes(n, fetched, &f.name);
            let result = download_verified(&ctx, &project, &f, &on_bytes).await;
            // Extraction needs no line: the next download starts meanwhile.
            drop(permit);
            tracker.files_done.fetch_add(1, Ordering::Relaxed);
            // Shown as done when verified, not only once its text is read.
            tracker.emit(SyncPhase::Downloading, Some(f.name.clone()));
            if result.is_ok() && index_file(&ctx, &project, &f.file_id, extractor).await? {
                tracker.files_indexed.fetch_add(1, Ordering::Relaxed);
            }
            tracker.emit(SyncPhase::Downloading, Some(f.name.clone()));
            Ok::<_, AppError>((f, result))
        });
    }
    let mut report = SyncReport {
        files: files_total,
        ..Default::default()
    };
    let mut first_offline_error = None;
    while let Some(joined) = tasks.join_next().await {
        let (f, result) = joined.map_err(|e| AppError::new("internal_error", e.to_string()))??;
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
    drop(ticker);
    report.bytes_fetched = tracker.fetched.load(Ordering::Relaxed);
    report.verified = {
        let store = lock(&ctx.store)?;
        let docs = store.documents().list(project)?;
        docs.iter()
            .filter(|d| d.state == DocState::Verified)
            .count()
    };
    tracker.files_done.store(report.verified, Ordering::Relaxed);
    report.failed.sort_by(|a, b| a.file_id.cmp(&b.file_id));

    tracker.emit(SyncPhase::Indexing, None);
    // Files verified earlier but never indexed (an interrupted run).
    let late = index_project(ctx, project, extractor).await?;
    let indexed = tracker.files_indexed.fetch_add(late, Ordering::Relaxed) + late;
    report.indexed = indexed.saturating_sub(already_indexed);
    tracker.emit(SyncPhase::Done, None);
    // A sync cut by the network is an error the caller can retry; the
    // finished files and whole chunks of unfinished ones stay.
    if let Some(e) = first_offline_error {
        return Err(e);
    }
    Ok(report)
}

fn is_offline(e: &AppError) -> bool {
    e.code.is_offline()
}

/// Downloads one file into the encrypted cache, resuming from the last
/// whole chunk, and verifies it; on a mismatch, fetches it once more from
/// scratch. Whenever the viewer needs the link ([`crate::ranges`]), the
/// download drops its connection and continues from the same byte once the
/// viewer is done.
async fn download_verified(
    ctx: &SyncContext,
    project: &str,
    f: &ManifestFile,
    on_bytes: &(dyn Fn(u64, bool) + Sync),
) -> Result<(), AppError> {
    // Bytes of this file already counted towards progress.
    let mut counted = 0u64;
    for attempt in 0..2 {
        let mut writer = PipelinedWriter::start({
            let store = lock(&ctx.store)?;
            store
                .documents()
                .set_state(project, &f.file_id, DocState::Partial)?;
            if attempt == 0 {
                BlobWriter::resume(&store, project, &f.file_id)?
            } else {
                BlobWriter::create(&store, project, &f.file_id)?
            }
        });
        if let Err(e) = fetch_into(ctx, project, f, &mut writer, &mut counted, on_bytes).await {
            // No thread may still append to the file when a retry opens it.
            let _ = writer.stop().await;
            return Err(e);
        }
        let digests = writer.finish().await?;
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

/// Fetches the rest of `f` into `writer`, from where it stands, stepping
/// aside whenever the viewer needs the link.
async fn fetch_into(
    ctx: &SyncContext,
    project: &str,
    f: &ManifestFile,
    writer: &mut PipelinedWriter,
    counted: &mut u64,
    on_bytes: &(dyn Fn(u64, bool) + Sync),
) -> Result<(), AppError> {
    loop {
        ctx.early.foreground.wait_idle().await;
        let from = writer.written_len();
        let mut download = ctx
            .client
            .download(project, &f.file_id, from, &f.sha256)
            .await?;
        if download.offset != from {
            // The platform sent the whole file (its copy changed, or it
            // ignored the range): start over.
            drop(writer.stop().await?);
            *writer = PipelinedWriter::start({
                let store = lock(&ctx.store)?;
                BlobWriter::create(&store, project, &f.file_id)?
            });
        }
        // Bytes already stored count towards progress, not towards fetching.
        if download.offset > *counted {
            on_bytes(download.offset - *counted, false);
            *counted = download.offset;
        }
        let mut yielded = false;
        while let Some(chunk) = download.chunk().await? {
            let len = chunk.len() as u64;
            writer.write(chunk).await?;
            on_bytes(len, true);
            *counted += len;
            if ctx.early.foreground.busy() {
                yielded = true;
                break;
            }
        }
        // Stepped aside with bytes still to come: continue from here
        // later. (Stepped aside after the last byte: the file is done;
        // asking for the range after its end would be refused.)
        if !yielded || writer.written_len() >= f.size {
            break;
        }
    }
    Ok(())
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
        if index_file(ctx, project, &file_id, extractor.clone()).await? {
            indexed += 1;
        }
    }
    Ok(indexed)
}

/// Extracts and indexes one verified document, unless it already is.
/// Returns whether it was indexed now.
async fn index_file(
    ctx: &SyncContext,
    project: &str,
    file_id: &str,
    extractor: Arc<Extractor>,
) -> Result<bool, AppError> {
    let mut reader = {
        let store = lock(&ctx.store)?;
        let done = store
            .documents()
            .get(project, file_id)?
            .is_none_or(|d| d.state != DocState::Verified || d.page_count.is_some());
        if done {
            return Ok(false);
        }
        BlobReader::open(&store, project, file_id)?
    };
    // Decrypting the whole file takes tens of milliseconds: off the async
    // threads and without the store's lock, so that the downloads running
    // meanwhile are not held up. The worker process gets the plaintext on
    // a pipe: never a file.
    let extracted = tokio::task::spawn_blocking(move || {
        reader.read_all().map(|bytes| extractor.extract(&bytes))
    })
    .await
    .map_err(|e| AppError::new("internal_error", e.to_string()))??;
    let extraction = match extracted {
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
                file_id,
                &PdfInfo {
                    metadata_json: None,
                    outline_json: None,
                    page_count: Some(0),
                },
            )?;
            return Ok(true);
        }
    };
    let store = lock(&ctx.store)?;
    let docs = store.documents();
    docs.index_pages(
        project,
        file_id,
        extraction.pages.iter().map(PageInput::from),
    )?;
    docs.set_pdf_info(
        project,
        file_id,
        &PdfInfo {
            metadata_json: serde_json::to_string(&extraction.metadata).ok(),
            outline_json: serde_json::to_string(&extraction.outline).ok(),
            page_count: Some(extraction.pages.len() as u32 + extraction.failed_pages.len() as u32),
        },
    )?;
    Ok(true)
}
