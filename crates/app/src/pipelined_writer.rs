//! A [`BlobWriter`] on its own blocking thread, fed by the download over a
//! short queue: hashing (SHA-256 and SM3), sealing and writing a chunk
//! overlap with receiving the next one instead of stalling the connection
//! (on two cores this is what lets a sync approach curl's rate).
//!
//! The queue is bounded, so a slow disk slows the download rather than
//! filling memory; the plaintext in it never touches the disk.

use crate::AppError;
use bytes::Bytes;
use pingshen_store::{BlobWriter, PlaintextDigests};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

/// Chunks (as reqwest hands them, typically 8–64 KiB) waiting for the writer.
const QUEUE: usize = 32;

pub struct PipelinedWriter {
    /// Set when the writer is dropped without [`Self::stop`] (a cancelled
    /// sync): the worker writes nothing more and ends.
    abandoned: Arc<AtomicBool>,
    queue: Option<mpsc::Sender<Bytes>>,
    worker: Option<JoinHandle<Result<BlobWriter, AppError>>>,
    /// Bytes of plaintext handed over so far (stored or queued).
    written: u64,
}

impl PipelinedWriter {
    /// Moves `writer` to a blocking thread that writes what [`Self::write`] queues.
    pub fn start(mut writer: BlobWriter) -> Self {
        let written = writer.written_len();
        let (queue, mut chunks) = mpsc::channel::<Bytes>(QUEUE);
        let abandoned = Arc::new(AtomicBool::new(false));
        let gone = abandoned.clone();
        let worker = tokio::task::spawn_blocking(move || {
            while let Some(chunk) = chunks.blocking_recv() {
                if gone.load(Ordering::Acquire) {
                    break;
                }
                writer.write(&chunk)?;
            }
            Ok(writer)
        });
        PipelinedWriter {
            abandoned,
            queue: Some(queue),
            worker: Some(worker),
            written,
        }
    }

    /// Plaintext bytes handed over: where a resumed download continues.
    pub fn written_len(&self) -> u64 {
        self.written
    }

    /// Queues a chunk; waits while the queue is full. A failed write on the
    /// worker surfaces here (or at [`Self::stop`]) as that write's error.
    pub async fn write(&mut self, chunk: Bytes) -> Result<(), AppError> {
        let len = chunk.len() as u64;
        let sent = match &self.queue {
            Some(queue) => queue.send(chunk).await.is_ok(),
            None => false,
        };
        if !sent {
            // The worker stopped: only an error ends it early.
            return Err(match self.stop().await {
                Err(e) => e,
                Ok(_) => AppError::new("internal_error", "文件写入线程已结束"),
            });
        }
        self.written += len;
        Ok(())
    }

    /// Waits until everything queued is written and hands the writer back
    /// (`None` when already stopped). Callers stop the writer before they
    /// give up on a download, so that no thread still appends to the file
    /// when a retry opens it again.
    pub async fn stop(&mut self) -> Result<Option<BlobWriter>, AppError> {
        self.queue = None;
        let Some(worker) = self.worker.take() else {
            return Ok(None);
        };
        let writer = worker
            .await
            .map_err(|e| AppError::new("internal_error", e.to_string()))??;
        Ok(Some(writer))
    }

    /// Writes what is queued, seals the last chunk, syncs and renames the
    /// file (off the async threads); the digests of the plaintext.
    pub async fn finish(mut self) -> Result<PlaintextDigests, AppError> {
        let writer = self
            .stop()
            .await?
            .ok_or_else(|| AppError::new("internal_error", "文件写入线程已结束"))?;
        tokio::task::spawn_blocking(move || writer.finish().map_err(AppError::from))
            .await
            .map_err(|e| AppError::new("internal_error", e.to_string()))?
    }
}

impl Drop for PipelinedWriter {
    fn drop(&mut self) {
        // Dropped while running (the sync was cancelled): stop after the
        // write in progress. What was sealed stays; a later resume
        // authenticates every chunk and the finished file is checked
        // against the manifest, so an interrupted write is never shown.
        if self.worker.is_some() {
            self.abandoned.store(true, Ordering::Release);
        }
    }
}
