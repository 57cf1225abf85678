//! The parent side: runs a worker process per document with a memory limit
//! and timeouts, restarts it after the page that killed it, and assembles an
//! [`Extraction`].

use crate::error::{ExtractError, PageFailureCode};
use crate::model::{Extraction, Metadata, OutlineEntry, PageFailure, PageText, TextSource};
use crate::normalize::nfkc;
use crate::ocr::Ocr;
use crate::protocol::Message;
use crate::quality::{assess, Quality};
use crate::worker::{looks_like_pdf, WorkerOptions};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::thread;
use std::time::{Duration, Instant};

/// Extracts text, metadata and outline from PDF bytes in isolated workers.
#[derive(Debug, Clone)]
pub struct Extractor {
    worker: PathBuf,
    load_timeout: Duration,
    page_timeout: Duration,
    document_timeout: Duration,
    memory_limit: u64,
    max_input: usize,
    max_page_content: usize,
    max_restarts: u32,
    parallelism: usize,
    ocr: Option<Ocr>,
}

impl Extractor {
    /// Workers are this executable re-run in worker mode; its `main` must call
    /// [`crate::worker::run_if_requested`] first.
    pub fn new() -> Result<Self, ExtractError> {
        let exe = std::env::current_exe().map_err(|e| ExtractError::WorkerSpawn(e.to_string()))?;
        Ok(Self::with_worker(exe))
    }

    /// Workers are the given executable (which must honour the worker flag).
    pub fn with_worker(worker: impl Into<PathBuf>) -> Self {
        let cores = thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1);
        Extractor {
            worker: worker.into(),
            load_timeout: Duration::from_secs(30),
            page_timeout: Duration::from_secs(10),
            document_timeout: Duration::from_secs(300),
            memory_limit: 2 << 30,
            max_input: 512 << 20,
            max_page_content: 64 << 20,
            max_restarts: 8,
            parallelism: cores.clamp(1, 2),
            ocr: None,
        }
    }

    /// Longest a worker may take to parse the file before the first page.
    pub fn load_timeout(mut self, limit: Duration) -> Self {
        self.load_timeout = limit;
        self
    }

    /// Longest a worker may spend on one page before it is killed.
    pub fn page_timeout(mut self, limit: Duration) -> Self {
        self.page_timeout = limit;
        self
    }

    /// Longest the whole document may take, restarts included.
    pub fn document_timeout(mut self, limit: Duration) -> Self {
        self.document_timeout = limit;
        self
    }

    /// Address-space limit of a worker (RLIMIT_AS), in bytes.
    pub fn memory_limit(mut self, bytes: u64) -> Self {
        self.memory_limit = bytes;
        self
    }

    /// OCR for pages without a text layer (e.g. `Ocr::detect()`, which is
    /// `None` where tesseract with chi_sim is not installed).
    pub fn ocr(mut self, ocr: Option<Ocr>) -> Self {
        self.ocr = ocr;
        self
    }

    /// How many workers run at once in [`Extractor::extract_many`].
    pub fn parallelism(mut self, workers: usize) -> Self {
        self.parallelism = workers.max(1);
        self
    }

    /// Extracts several documents, `parallelism` at a time; results are in
    /// input order.
    pub fn extract_many(&self, pdfs: &[&[u8]]) -> Vec<Result<Extraction, ExtractError>> {
        let next = AtomicUsize::new(0);
        let mut results: Vec<Option<Result<Extraction, ExtractError>>> = vec![None; pdfs.len()];
        let slots: Vec<_> = results.iter_mut().map(std::sync::Mutex::new).collect();
        thread::scope(|scope| {
            for _ in 0..self.parallelism.min(pdfs.len()) {
                scope.spawn(|| loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= pdfs.len() {
                        break;
                    }
                    let result = self.extract(pdfs[i]);
                    **slots[i].lock().unwrap_or_else(|p| p.into_inner()) = Some(result);
                });
            }
        });
        drop(slots);
        results
            .into_iter()
            .map(|r| r.unwrap_or_else(|| Err(ExtractError::WorkerCrashed("not run".into()))))
            .collect()
    }

    /// Extracts one document. Page-level problems are reported inside the
    /// `Extraction`; an `Err` means nothing could be read at all.
    pub fn extract(&self, pdf: &[u8]) -> Result<Extraction, ExtractError> {
        if pdf.len() > self.max_input {
            return Err(ExtractError::TooLarge {
                size: pdf.len(),
                limit: self.max_input,
            });
        }
        if !looks_like_pdf(pdf) {
            return Err(ExtractError::NotPdf);
        }
        let deadline = Instant::now() + self.document_timeout;
        let mut state = Assembly::default();
        let mut from_page = 1;
        let mut restarts = 0;
        loop {
            let end = self.session(pdf, from_page, deadline, &mut state)?;
            let Some(page_count) = state.page_count else {
                // Died before describing the document: nothing to salvage.
                return Err(end.document_error());
            };
            match end {
                SessionEnd::Done => break,
                SessionEnd::Died { reason, page } => {
                    let culprit = page.unwrap_or_else(|| state.last_page() + 1);
                    if culprit <= page_count {
                        state.fail(culprit, reason.page_code(), reason.detail());
                    } else {
                        state
                            .warnings
                            .push(format!("outline unreadable: {}", reason.detail()));
                    }
                    from_page = culprit + 1;
                    restarts += 1;
                    let out_of_time = Instant::now() >= deadline;
                    if from_page > page_count {
                        break;
                    }
                    if restarts > self.max_restarts || out_of_time {
                        for n in from_page..=page_count {
                            state.fail(n, PageFailureCode::Abandoned, "restart limit or deadline");
                        }
                        break;
                    }
                }
            }
        }
        let mut extraction = state.finish();
        if let Some(ocr) = &self.ocr {
            recognise(ocr, pdf, &mut extraction);
        }
        Ok(extraction)
    }

    /// Runs one worker from `from_page` until it finishes, dies or hangs.
    fn session(
        &self,
        pdf: &[u8],
        from_page: u32,
        deadline: Instant,
        state: &mut Assembly,
    ) -> Result<SessionEnd, ExtractError> {
        let options = WorkerOptions {
            from_page,
            max_page_content: self.max_page_content,
            max_input: self.max_input,
        };
        let mut child = self.spawn(&options)?;
        let mut stdin = child.stdin.take().expect("stdin is piped");
        let stdout = child.stdout.take().expect("stdout is piped");
        let mut stderr = child.stderr.take().expect("stderr is piped");
        let (lines_tx, lines) = mpsc::channel();
        thread::scope(|scope| {
            // A worker that dies early closes its stdin: the write error is expected.
            scope.spawn(move || {
                let _ = stdin.write_all(pdf);
            });
            scope.spawn(move || {
                for line in BufReader::new(stdout).split(b'\n') {
                    let Ok(line) = line else { break };
                    if lines_tx.send(line).is_err() {
                        break;
                    }
                }
            });
            let stderr_tail = scope.spawn(move || tail_of(&mut stderr, 4096));
            let result = self.follow(&lines, deadline, state, &mut child);
            // Make sure the reader threads end: the worker must be gone.
            kill_group(&mut child);
            let status = child.wait();
            drop(lines);
            let tail = stderr_tail.join().unwrap_or_default();
            result.map(|outcome| match outcome {
                Followed::Done => SessionEnd::Done,
                Followed::Hung(page) => SessionEnd::Died {
                    reason: DeathReason::Timeout,
                    page,
                },
                Followed::Closed(page) => SessionEnd::Died {
                    reason: DeathReason::from_exit(status.ok(), &tail),
                    page,
                },
            })
        })
    }

    fn spawn(&self, options: &WorkerOptions) -> Result<Child, ExtractError> {
        let mut command = Command::new(&self.worker);
        command
            .args(options.to_args())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let memory = self.memory_limit;
        // SAFETY: only async-signal-safe calls (setrlimit) run between fork and exec.
        unsafe {
            command.pre_exec(move || {
                let limit = libc::rlimit {
                    rlim_cur: memory,
                    rlim_max: memory,
                };
                if libc::setrlimit(libc::RLIMIT_AS, &limit) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                // Own process group, so that killing it also ends anything
                // the worker started.
                libc::setpgid(0, 0);
                // No core dumps: they would hold confidential bid text.
                let none = libc::rlimit {
                    rlim_cur: 0,
                    rlim_max: 0,
                };
                libc::setrlimit(libc::RLIMIT_CORE, &none);
                Ok(())
            });
        }
        command
            .spawn()
            .map_err(|e| ExtractError::WorkerSpawn(format!("{}: {e}", self.worker.display())))
    }

    /// Reads messages until the worker is done, closes its stream or is silent
    /// for too long.
    fn follow(
        &self,
        lines: &Receiver<Vec<u8>>,
        deadline: Instant,
        state: &mut Assembly,
        child: &mut Child,
    ) -> Result<Followed, ExtractError> {
        let mut in_progress: Option<u32> = None;
        loop {
            let allowance = if state.page_count.is_none() {
                self.load_timeout
            } else {
                self.page_timeout
            };
            let now = Instant::now();
            let wait = allowance.min(deadline.saturating_duration_since(now));
            let line = match lines.recv_timeout(wait) {
                Ok(line) => line,
                Err(RecvTimeoutError::Timeout) => {
                    kill_group(child);
                    return Ok(Followed::Hung(in_progress));
                }
                Err(RecvTimeoutError::Disconnected) => return Ok(Followed::Closed(in_progress)),
            };
            let message: Message = serde_json::from_slice(&line).map_err(|e| {
                kill_group(child);
                ExtractError::Protocol(e.to_string())
            })?;
            match message {
                Message::Document {
                    metadata,
                    page_count,
                    warnings,
                } => {
                    state.describe(*metadata, page_count, warnings);
                }
                Message::Outline { outline, warning } => {
                    state.outline = outline;
                    state.warnings.extend(warning);
                }
                Message::PageStart { number } => in_progress = Some(number),
                Message::Page { page } => {
                    in_progress = None;
                    state.pages.insert(page.number, page);
                }
                Message::PageFailed { number, detail } => {
                    in_progress = None;
                    state.fail(number, PageFailureCode::Unreadable, &detail);
                }
                Message::Done => return Ok(Followed::Done),
                Message::Fatal { code, detail } => return Err(fatal_error(&code, detail)),
            }
        }
    }
}

/// Replaces the text of `needs_ocr` pages with OCR output when that output
/// is usable; otherwise the page stays marked.
fn recognise(ocr: &Ocr, pdf: &[u8], extraction: &mut Extraction) {
    for page in extraction.pages.iter_mut().filter(|p| p.needs_ocr) {
        match ocr.page_text(pdf, page.number) {
            Ok(text) => {
                let text = nfkc(&text);
                if assess(&text) == Quality::Usable {
                    page.text = text;
                    page.source = TextSource::Ocr;
                    page.needs_ocr = false;
                }
            }
            Err(e) => extraction
                .warnings
                .push(format!("OCR of page {} failed: {e}", page.number)),
        }
    }
}

/// Kills the worker's process group (the worker and anything it started).
fn kill_group(child: &mut Child) {
    if let Ok(pid) = i32::try_from(child.id()) {
        // SAFETY: signals a process group this extractor created (setpgid in
        // pre_exec makes the worker's pid its group id).
        unsafe {
            libc::kill(-pid, libc::SIGKILL);
        }
    }
    let _ = child.kill();
}

fn fatal_error(code: &str, detail: String) -> ExtractError {
    match code {
        "not_pdf" => ExtractError::NotPdf,
        "encrypted" => ExtractError::Encrypted,
        "damaged" => ExtractError::Damaged(detail),
        "too_large" => ExtractError::TooLarge { size: 0, limit: 0 },
        _ => ExtractError::Protocol(format!("{code}: {detail}")),
    }
}

/// The last `limit` bytes the worker wrote to stderr (panic and abort notes).
fn tail_of(stream: &mut impl Read, limit: usize) -> String {
    let mut tail = Vec::new();
    let mut buf = [0u8; 4096];
    while let Ok(n) = stream.read(&mut buf) {
        if n == 0 {
            break;
        }
        tail.extend_from_slice(&buf[..n]);
        if tail.len() > limit {
            tail.drain(..tail.len() - limit);
        }
    }
    String::from_utf8_lossy(&tail).into_owned()
}

enum Followed {
    Done,
    /// No message in time; the page in progress, if any.
    Hung(Option<u32>),
    /// The stream closed without `Done`; the page in progress, if any.
    Closed(Option<u32>),
}

enum SessionEnd {
    Done,
    Died {
        reason: DeathReason,
        page: Option<u32>,
    },
}

impl SessionEnd {
    fn document_error(&self) -> ExtractError {
        match self {
            SessionEnd::Done => {
                ExtractError::Protocol("finished without describing the document".into())
            }
            SessionEnd::Died { reason, .. } => match reason {
                DeathReason::Timeout => ExtractError::WorkerTimeout,
                DeathReason::OutOfMemory => ExtractError::WorkerOutOfMemory,
                DeathReason::Crashed(detail) => ExtractError::WorkerCrashed(detail.clone()),
            },
        }
    }
}

#[derive(Debug, Clone)]
enum DeathReason {
    Timeout,
    OutOfMemory,
    Crashed(String),
}

impl DeathReason {
    fn from_exit(status: Option<std::process::ExitStatus>, stderr_tail: &str) -> Self {
        // Rust aborts with "memory allocation of N bytes failed" when
        // RLIMIT_AS refuses an allocation.
        if stderr_tail.contains("memory allocation of") || stderr_tail.contains("out of memory") {
            return DeathReason::OutOfMemory;
        }
        let detail = match status {
            Some(s) if s.signal().is_some() => format!("signal {}", s.signal().unwrap_or_default()),
            Some(s) => format!("exit status {}", s.code().unwrap_or_default()),
            None => "unknown".to_string(),
        };
        DeathReason::Crashed(detail)
    }

    fn page_code(&self) -> PageFailureCode {
        match self {
            DeathReason::Timeout => PageFailureCode::PageTimeout,
            DeathReason::OutOfMemory => PageFailureCode::OutOfMemory,
            DeathReason::Crashed(_) => PageFailureCode::WorkerCrashed,
        }
    }

    fn detail(&self) -> &str {
        match self {
            DeathReason::Timeout => "worker killed after the page timeout",
            DeathReason::OutOfMemory => "worker hit its memory limit",
            DeathReason::Crashed(detail) => detail,
        }
    }
}

/// What the workers reported so far for one document.
#[derive(Default)]
struct Assembly {
    metadata: Metadata,
    outline: Vec<OutlineEntry>,
    warnings: Vec<String>,
    page_count: Option<u32>,
    pages: BTreeMap<u32, PageText>,
    failed: BTreeMap<u32, PageFailure>,
}

impl Assembly {
    fn describe(&mut self, metadata: Metadata, page_count: u32, warnings: Vec<String>) {
        // A restarted worker describes the document again: keep the first.
        if self.page_count.is_none() {
            self.metadata = metadata;
            self.warnings = warnings;
            self.page_count = Some(page_count);
        }
    }

    fn fail(&mut self, number: u32, code: PageFailureCode, detail: &str) {
        self.failed.insert(
            number,
            PageFailure {
                number,
                code,
                message: code.message_zh().to_string(),
                detail: detail.to_string(),
            },
        );
    }

    fn last_page(&self) -> u32 {
        let read = self.pages.keys().next_back().copied().unwrap_or(0);
        let failed = self.failed.keys().next_back().copied().unwrap_or(0);
        read.max(failed)
    }

    fn finish(self) -> Extraction {
        Extraction {
            metadata: self.metadata,
            outline: self.outline,
            pages: self.pages.into_values().collect(),
            failed_pages: self.failed.into_values().collect(),
            warnings: self.warnings,
        }
    }
}
