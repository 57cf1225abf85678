//! Reading a document before all of it has arrived.
//!
//! On a poor link a 300-page bid takes minutes to download, but its first
//! page needs a few hundred kilobytes. The viewer asks for byte ranges; a
//! range of a file that is not yet in the encrypted cache is fetched from
//! the platform at once and checked against the chunk list the signed
//! manifest vouches for (its `chunks_sha256`: the roots of each 64 KiB
//! chunk's hash tree) before a byte is shown — whole chunks against their
//! roots, and a few bytes of a chunk (a page object) as whole 256-byte leaves
//! with a proof, so that a page tree spread over a long file costs about
//! 750 bytes per page, not 64 KiB.
//!
//! Round trips are what a poor line makes slow, so:
//! - a file is **opened** once: its chunk list and its first and last bytes
//!   (the header; the trailer and, in most files, the whole cross-reference
//!   table) come in one round trip, before or while pdf.js asks for them;
//! - the ranges pdf.js asks for together go out together, whole chunks and
//!   pieces at the same time;
//! - a read that continues the last one reads [`READ_AHEAD`] bytes ahead,
//!   and one that continues that gets whole chunks.
//!
//! While such a request is in flight the background sync steps aside
//! ([`Foreground`]): it drops its connections and resumes from the same
//! byte once the viewer has been quiet for [`Foreground::LINGER`], so the
//! link carries the page the expert is waiting for, not the rest of the
//! project.
//!
//! Verified bytes stay in memory only ([`memory`]): no plaintext reaches
//! the disk.

mod chunk_list;
mod foreground;
mod memory;

pub use foreground::{Foreground, ForegroundGuard};
pub use memory::{CACHE_BYTES, PIECE_CACHE_BYTES};

use crate::sync::SyncContext;
use crate::AppError;
use chunk_list::{check_list, manifest_entry, ChunkList};
use futures_util::future::try_join_all;
use memory::{ChunkCache, PieceCache};
use pingshen_api::FilePiece;
use pingshen_pki::chunk_tree;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use zeroize::Zeroizing;

fn sha256(bytes: &[u8]) -> [u8; 32] {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).into()
}

fn internal(e: impl std::fmt::Display) -> AppError {
    AppError::new("internal_error", e.to_string())
}

/// Below this many bytes wanted from a chunk, only those bytes' leaves are
/// fetched with a proof (a page object), not the whole 64 KiB chunk.
pub const PIECE_MAX: u64 = 16 * 1024;

/// A read that continues where the last one ended (a reader parsing on
/// through a dictionary or a cross-reference table) gets this many bytes
/// from where it starts, as one piece; a third read in a row gets whole
/// chunks.
pub const READ_AHEAD: u64 = 16 * 1024;

/// Opening a file fetches its first `HEAD` bytes (a PDF reader checks the
/// header there) and its last `TAIL` (the trailer, `startxref` and, for a
/// file of up to about 1 500 objects, the whole cross-reference table).
pub const HEAD: u64 = 1024;
pub const TAIL: u64 = 32 * 1024;

/// Pieces asked for in one request (the platform takes up to 512).
const PIECES_PER_REQUEST: usize = 256;

type FileKey = (String, String);

/// A file's opening, fetched once however many readers ask at the same time.
type Opening = Arc<tokio::sync::OnceCell<Arc<ChunkList>>>;

/// The viewer's early reads: the foreground flag the sync obeys, the files
/// opened and the verified bytes. One per signed-in person.
#[derive(Default)]
pub struct EarlyReads {
    pub foreground: Foreground,
    /// Bytes fetched for the viewer so far: the sync's rate counts them,
    /// since they share the line.
    fetched: AtomicU64,
    /// Bumped by [`Self::clear`]: a read that began before (a logout, a
    /// purge) keeps nothing it fetches afterwards.
    generation: AtomicU64,
    opened: Mutex<HashMap<FileKey, Opening>>,
    chunks: Mutex<ChunkCache>,
    pieces: Mutex<PieceCache>,
    /// Where the last read of each file ended, and whether that read itself
    /// continued the one before.
    last_end: Mutex<HashMap<FileKey, (u64, bool)>>,
}

impl EarlyReads {
    /// Bytes fetched from the platform for the viewer so far.
    pub fn fetched(&self) -> u64 {
        self.fetched.load(Ordering::Relaxed)
    }

    fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    /// Forgets every file opened and every byte read (logout, purge).
    pub fn clear(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
        if let Ok(mut c) = self.chunks.lock() {
            *c = ChunkCache::default();
        }
        if let Ok(mut p) = self.pieces.lock() {
            *p = PieceCache::default();
        }
        if let Ok(mut o) = self.opened.lock() {
            o.clear();
        }
        if let Ok(mut l) = self.last_end.lock() {
            l.clear();
        }
    }
}

fn mismatch(project: &str, file_id: &str, index: u64) -> AppError {
    tracing::warn!(
        project,
        file = file_id,
        chunk = index,
        "chunk does not match the signed chunk list"
    );
    AppError::new(
        "chunk_mismatch",
        "收到的文件内容与平台签名清单不符，不予显示；请稍后重试",
    )
}

/// A file of a project as the viewer reads it before it has arrived.
#[derive(Clone, Copy)]
pub struct EarlyFile<'a> {
    pub ctx: &'a SyncContext,
    pub reads: &'a EarlyReads,
    pub project: &'a str,
    pub file_id: &'a str,
}

impl EarlyFile<'_> {
    /// Bytes `first..=last`, fetched from the platform and verified before
    /// use: whole chunks against their roots in the signed list, a few bytes
    /// of a chunk as whole leaves with their proof.
    pub async fn range(&self, first: u64, last: u64) -> Result<Vec<u8>, AppError> {
        let mut bytes = self.read_on(first, last).await?;
        bytes.truncate((last - first + 1) as usize);
        Ok(bytes)
    }

    /// Like [`Self::range`], but the answer may run on past `last` (to the
    /// end of what was fetched: a piece read ahead, or a whole chunk): a
    /// reader that goes on reading (a cross-reference table, a content
    /// stream) then finds the next bytes without another round trip.
    pub async fn read_on(&self, first: u64, last: u64) -> Result<Vec<u8>, AppError> {
        let mut out = read_planned(*self, &[(first, last)], true).await?;
        Ok(out.pop().unwrap_or_default())
    }

    /// Several ranges at once (what pdf.js asks for together, e.g. every
    /// page object of a flat page tree): all their pieces and whole chunks
    /// come at the same time. Each answer is exactly its range.
    pub async fn many(&self, ranges: &[(u64, u64)]) -> Result<Vec<Vec<u8>>, AppError> {
        read_planned(*self, ranges, false).await
    }

    /// Opens the file ahead of the first read (the viewer asks while pdf.js
    /// is still starting): the first reads then cost no round trip.
    pub async fn prepare(&self) -> Result<(), AppError> {
        self.opened().await.map(|_| ())
    }

    fn key(&self) -> FileKey {
        (self.project.to_string(), self.file_id.to_string())
    }

    /// The checked chunk list, once the file is opened.
    async fn opened(&self) -> Result<Arc<ChunkList>, AppError> {
        let cell = self
            .reads
            .opened
            .lock()
            .map_err(internal)?
            .entry(self.key())
            .or_default()
            .clone();
        // A failed opening leaves the cell empty: the next read tries again.
        cell.get_or_try_init(|| open(*self)).await.cloned()
    }

    /// Fetches pieces, verifies each against `list` and keeps them.
    /// `spans` are (chunk, lo, hi), each within its chunk.
    async fn fetch_pieces(
        &self,
        list: Option<&ChunkList>,
        spans: &[(u64, u64, u64)],
        generation: u64,
    ) -> Result<Vec<FilePiece>, AppError> {
        let batches = spans.chunks(PIECES_PER_REQUEST).map(|batch| async move {
            let spans: Vec<(u64, u64)> = batch.iter().map(|&(_, lo, hi)| (lo, hi)).collect();
            let answer = self
                .ctx
                .client
                .pieces(self.project, self.file_id, &spans)
                .await?;
            if answer.len() != batch.len() {
                return Err(mismatch(self.project, self.file_id, batch[0].0));
            }
            Ok::<_, AppError>(answer)
        });
        let pieces: Vec<FilePiece> = try_join_all(batches).await?.concat();
        if let Some(list) = list {
            self.keep_pieces(list, spans, &pieces, generation)?;
        }
        Ok(pieces)
    }

    /// Verifies pieces against the checked list, then keeps them in memory
    /// (unless the reads were cleared since `generation`).
    fn keep_pieces(
        &self,
        list: &ChunkList,
        spans: &[(u64, u64, u64)],
        pieces: &[FilePiece],
        generation: u64,
    ) -> Result<(), AppError> {
        for (&(index, lo, hi), piece) in spans.iter().zip(pieces) {
            if !piece_fits(list, index, lo, hi, piece) {
                return Err(mismatch(self.project, self.file_id, index));
            }
        }
        let mut cache = self.reads.pieces.lock().map_err(internal)?;
        for piece in pieces {
            self.reads
                .fetched
                .fetch_add(piece.data.len() as u64, Ordering::Relaxed);
            if self.reads.generation() != generation {
                continue;
            }
            cache.put(
                self.project,
                self.file_id,
                piece.offset,
                Arc::new(Zeroizing::new(piece.data.clone())),
            );
        }
        Ok(())
    }
}

/// The parts of `first..=last`, one per chunk it touches: (chunk, lo, hi).
fn split_by_chunk(first: u64, last: u64, chunk_size: u64) -> Vec<(u64, u64, u64)> {
    (first / chunk_size..=last / chunk_size)
        .map(|i| {
            let lo = first.max(i * chunk_size);
            let hi = last.min((i + 1) * chunk_size - 1);
            (i, lo, hi)
        })
        .collect()
}

/// Opening a file: its chunk list and its first and last bytes, in one
/// round trip; the list checked against the signed manifest, the bytes
/// against the list.
async fn open(file: EarlyFile<'_>) -> Result<Arc<ChunkList>, AppError> {
    let generation = file.reads.generation();
    let entry = manifest_entry(file.ctx, file.project, file.file_id)?;
    let (size, cs) = (entry.size, u64::from(entry.chunk_size));
    let mut spans = Vec::new();
    if size > 0 && cs > 0 {
        let tail = size.saturating_sub(TAIL);
        if tail <= HEAD {
            spans = split_by_chunk(0, size - 1, cs);
        } else {
            spans = split_by_chunk(0, HEAD - 1, cs);
            spans.extend(split_by_chunk(tail, size - 1, cs));
        }
    }
    let list =
        async { Ok::<_, AppError>(file.ctx.client.chunks(file.project, file.file_id).await?) };
    let (served, pieces) = {
        let _fg = file.reads.foreground.begin();
        tokio::try_join!(list, file.fetch_pieces(None, &spans, generation))?
    };
    let list = ChunkList {
        digests: check_list(&entry, &served)?,
        size,
        sha256: entry.sha256,
        chunk_size: cs,
    };
    file.keep_pieces(&list, &spans, &pieces, generation)?;
    Ok(Arc::new(list))
}

async fn read_planned(
    file: EarlyFile<'_>,
    ranges: &[(u64, u64)],
    extend: bool,
) -> Result<Vec<Vec<u8>>, AppError> {
    let EarlyFile {
        ctx,
        reads,
        project,
        file_id,
    } = file;
    let generation = reads.generation();
    let list = file.opened().await?;
    for &(first, last) in ranges {
        if first > last || last >= list.size {
            return Err(AppError::new(
                "bad_range",
                format!("范围无效：{first}-{last}（文件大小 {} 字节）", list.size),
            ));
        }
    }
    let cs = list.chunk_size;
    let previous = reads
        .last_end
        .lock()
        .map_err(internal)?
        .get(&file.key())
        .copied();
    // A single read that starts where the last ended continues it: the
    // first time it reads ahead, the next time whole chunks.
    let continues = ranges.len() == 1 && previous.is_some_and(|(end, _)| end == ranges[0].0);
    let reads_on = continues && previous.is_some_and(|(_, cont)| cont);
    let mut ranges = ranges.to_vec();
    if continues && extend && !reads_on {
        let (first, last) = ranges[0];
        let ahead = (first + READ_AHEAD - 1)
            .min((first / cs + 1) * cs - 1)
            .min(list.size - 1);
        ranges[0].1 = last.max(ahead);
    }
    let key = |i: u64| (project.to_string(), file_id.to_string(), i);

    // Plan: each part of a chunk a range wants is in memory (a whole chunk,
    // a piece), or is fetched whole, or (a few bytes wanted by a reader
    // jumping about) as a piece.
    let mut whole: HashMap<u64, memory::Bytes> = HashMap::new();
    let mut parts: HashMap<(u64, u64), Vec<u8>> = HashMap::new();
    let mut to_fetch: Vec<u64> = Vec::new();
    let mut piece_spans: Vec<(u64, u64, u64)> = Vec::new();
    {
        let chunks = reads.chunks.lock().map_err(internal)?;
        let pieces = reads.pieces.lock().map_err(internal)?;
        for &(first, last) in &ranges {
            for (i, lo, hi) in split_by_chunk(first, last, cs) {
                if whole.contains_key(&i) || to_fetch.contains(&i) {
                    continue;
                }
                if let Some(c) = chunks.get(&key(i)) {
                    whole.insert(i, c);
                } else if let Some(b) = pieces.get(project, file_id, lo, hi) {
                    parts.insert((lo, hi), b);
                } else if !reads_on && hi - lo < PIECE_MAX && hi - lo + 1 < list.chunk_len(i) {
                    piece_spans.push((i, lo, hi));
                } else {
                    to_fetch.push(i);
                }
            }
        }
    }
    // A chunk fetched whole serves the pieces that lie in it too.
    piece_spans.retain(|(i, _, _)| !to_fetch.contains(i));
    to_fetch.sort_unstable();

    // Whole chunks (one request per run of consecutive chunks) and pieces,
    // all at once.
    let mut runs: Vec<(u64, u64)> = Vec::new();
    for &i in &to_fetch {
        match runs.last_mut() {
            Some((_, last)) if *last + 1 == i => *last = i,
            _ => runs.push((i, i)),
        }
    }
    if !runs.is_empty() || !piece_spans.is_empty() {
        let _fg = reads.foreground.begin();
        let list = &list;
        let fetch_runs = try_join_all(runs.iter().map(|&(i0, i1)| async move {
            let (from, to) = (i0 * cs, ((i1 + 1) * cs).min(list.size) - 1);
            let bytes = ctx
                .client
                .range(project, file_id, from, to, &list.sha256)
                .await?;
            Ok::<_, AppError>((i0, bytes))
        }));
        let (run_bytes, pieces) = tokio::try_join!(
            fetch_runs,
            file.fetch_pieces(Some(list), &piece_spans, generation)
        )?;
        for (i0, bytes) in run_bytes {
            reads
                .fetched
                .fetch_add(bytes.len() as u64, Ordering::Relaxed);
            // Verified before the cache is locked: hashing 64 KiB chunks
            // must not hold up other readers.
            let mut verified = Vec::new();
            for (n, chunk) in bytes.chunks(cs as usize).enumerate() {
                let index = i0 + n as u64;
                if chunk_tree::root(chunk) != list.digests[index as usize] {
                    return Err(mismatch(project, file_id, index));
                }
                verified.push((index, Arc::new(Zeroizing::new(chunk.to_vec()))));
            }
            let mut cache = reads.chunks.lock().map_err(internal)?;
            for (index, chunk) in verified {
                if reads.generation() == generation {
                    cache.put(key(index), chunk.clone());
                }
                whole.insert(index, chunk);
            }
        }
        for (&(_, lo, hi), piece) in piece_spans.iter().zip(&pieces) {
            let from = (lo - piece.offset) as usize;
            parts.insert(
                (lo, hi),
                piece.data[from..=(hi - piece.offset) as usize].to_vec(),
            );
        }
    }

    let mut out = Vec::with_capacity(ranges.len());
    for &(first, last) in &ranges {
        let split = split_by_chunk(first, last, cs);
        let b = last / cs;
        let mut bytes = Vec::with_capacity((last - first + 1) as usize);
        for (i, lo, hi) in split {
            let start = (lo - i * cs) as usize;
            match whole.get(&i) {
                // With `extend`, the last chunk, here whole, is given to its end.
                Some(chunk) if extend && i == b => bytes.extend_from_slice(&chunk[start..]),
                Some(chunk) => bytes.extend_from_slice(&chunk[start..=(hi - i * cs) as usize]),
                None => bytes.extend_from_slice(
                    parts
                        .get(&(lo, hi))
                        .ok_or_else(|| internal("piece missing"))?,
                ),
            }
        }
        out.push(bytes);
    }
    if let (Some(&(first, _)), Some(last)) = (ranges.last(), out.last()) {
        reads
            .last_end
            .lock()
            .map_err(internal)?
            .insert(file.key(), (first + last.len() as u64, continues));
    }
    Ok(out)
}

/// Whether a piece the platform sent for bytes `lo..=hi` of chunk `index`
/// covers them, starts at their leaf and hashes, with its proof, to the
/// chunk's root in the checked list.
fn piece_fits(list: &ChunkList, index: u64, lo: u64, hi: u64, piece: &FilePiece) -> bool {
    let start = index * list.chunk_size;
    let chunk_len = list.chunk_len(index);
    let leaf = chunk_tree::LEAF as u64;
    let expected_offset = start + (lo - start) / leaf * leaf;
    piece.offset == expected_offset
        && u64::from(piece.chunk_len) == chunk_len
        && expected_offset + piece.data.len() as u64 > hi
        && chunk_tree::verify(
            chunk_len as usize,
            ((expected_offset - start) / leaf) as usize,
            &piece.data,
            &piece.proof,
            &list.digests[index as usize],
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_range_splits_at_chunk_boundaries() {
        assert_eq!(split_by_chunk(0, 99, 64), vec![(0, 0, 63), (1, 64, 99)]);
        assert_eq!(split_by_chunk(70, 80, 64), vec![(1, 70, 80)]);
        assert_eq!(
            split_by_chunk(63, 128, 64),
            vec![(0, 63, 63), (1, 64, 127), (2, 128, 128)]
        );
    }
}
