//! Reading a document before all of it has arrived.
//!
//! On a poor link a 300-page bid takes minutes to download, but its first
//! page needs a few hundred kilobytes. The viewer asks for byte ranges; a
//! range of a file that is not yet in the encrypted cache is fetched from
//! the platform at once and checked against the chunk list the signed
//! manifest vouches for (its `chunks_sha256`: the roots of each 64 KiB
//! chunk's hash tree) before a byte is shown — whole chunks against their
//! roots, and a few bytes of a chunk (a page object) as whole 256-byte leaves
//! with a proof, so that a page tree spread over a long file costs about a
//! kilobyte per page, not 64 KiB. While such a request is in
//! flight the background sync steps aside ([`Foreground`]): it drops its
//! connections and resumes from the same byte once the viewer has been quiet
//! for [`Foreground::LINGER`], so the link carries the page the expert is
//! waiting for, not the rest of the project.
//!
//! Verified chunks stay in memory only (bounded, wiped on eviction and on
//! logout): no plaintext reaches the disk.

use crate::lock;
use crate::sync::SyncContext;
use crate::AppError;
use pingshen_api::{FileChunks, Manifest, ManifestFile, SignedEnvelope, MANIFEST_TYP};
use pingshen_pki::chunk_tree;
use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use zeroize::Zeroizing;

fn sha256(bytes: &[u8]) -> [u8; 32] {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).into()
}

/// Plaintext chunks kept in memory at most (bytes).
pub const CACHE_BYTES: usize = 48 << 20;

/// Whether the viewer is waiting for bytes now. The background sync asks
/// [`Foreground::busy`] between chunks and steps aside when it is.
#[derive(Debug)]
pub struct Foreground {
    active: AtomicUsize,
    last_end: Mutex<Option<Instant>>,
}

impl Default for Foreground {
    fn default() -> Self {
        Foreground {
            active: AtomicUsize::new(0),
            last_end: Mutex::new(None),
        }
    }
}

/// Held while a viewer request fetches from the platform.
pub struct ForegroundGuard<'a>(&'a Foreground);

impl Drop for ForegroundGuard<'_> {
    fn drop(&mut self) {
        if let Ok(mut t) = self.0.last_end.lock() {
            *t = Some(Instant::now());
        }
        self.0.active.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Foreground {
    /// pdf.js asks for the next range a few milliseconds after the last one
    /// arrived: the sync waits this long after the last request before it
    /// takes the link back, so one page's requests run back to back.
    pub const LINGER: Duration = Duration::from_millis(1200);

    pub fn begin(&self) -> ForegroundGuard<'_> {
        self.active.fetch_add(1, Ordering::SeqCst);
        ForegroundGuard(self)
    }

    pub fn busy(&self) -> bool {
        if self.active.load(Ordering::SeqCst) > 0 {
            return true;
        }
        self.last_end
            .lock()
            .ok()
            .and_then(|t| *t)
            .is_some_and(|t| t.elapsed() < Self::LINGER)
    }

    /// Returns once the viewer has been quiet for [`Self::LINGER`].
    pub async fn wait_idle(&self) {
        while self.busy() {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

/// A file's chunk list, checked against the signed manifest.
#[derive(Debug)]
struct ChunkList {
    size: u64,
    sha256: String,
    chunk_size: u64,
    digests: Vec<[u8; 32]>,
}

type ChunkKey = (String, String, u64);

/// Verified chunks in memory, oldest evicted first.
#[derive(Default)]
struct ChunkCache {
    chunks: HashMap<ChunkKey, Arc<Zeroizing<Vec<u8>>>>,
    order: VecDeque<ChunkKey>,
    bytes: usize,
}

impl ChunkCache {
    fn get(&self, key: &ChunkKey) -> Option<Arc<Zeroizing<Vec<u8>>>> {
        self.chunks.get(key).cloned()
    }

    fn put(&mut self, key: ChunkKey, bytes: Arc<Zeroizing<Vec<u8>>>) {
        if self.chunks.contains_key(&key) {
            return;
        }
        self.bytes += bytes.len();
        self.order.push_back(key.clone());
        self.chunks.insert(key, bytes);
        while self.bytes > CACHE_BYTES {
            let Some(old) = self.order.pop_front() else {
                break;
            };
            if let Some(b) = self.chunks.remove(&old) {
                self.bytes -= b.len();
            }
        }
    }
}

/// The viewer's early reads: the foreground flag the sync obeys, the chunk
/// lists already checked and the verified chunks. One per signed-in person.
#[derive(Default)]
pub struct EarlyReads {
    pub foreground: Foreground,
    /// Bytes fetched for the viewer so far: the sync's rate counts them,
    /// since they share the line.
    fetched: std::sync::atomic::AtomicU64,
    lists: Mutex<HashMap<(String, String), Arc<ChunkList>>>,
    cache: Mutex<ChunkCache>,
    /// Where the last read of each file ended (a read starting there
    /// continues it).
    last_end: Mutex<HashMap<(String, String), u64>>,
}

impl EarlyReads {
    /// Bytes fetched from the platform for the viewer so far.
    pub fn fetched(&self) -> u64 {
        self.fetched.load(Ordering::Relaxed)
    }

    /// Forgets every chunk and list (logout, purge).
    pub fn clear(&self) {
        if let Ok(mut c) = self.cache.lock() {
            *c = ChunkCache::default();
        }
        if let Ok(mut l) = self.lists.lock() {
            l.clear();
        }
        if let Ok(mut l) = self.last_end.lock() {
            l.clear();
        }
    }
}

fn internal(e: impl std::fmt::Display) -> AppError {
    AppError::new("internal_error", e.to_string())
}

/// The manifest entry of `file_id`, from the manifest this computer stored
/// at the last sync, verified again (it says which chunks are genuine).
fn manifest_entry(
    ctx: &SyncContext,
    project: &str,
    file_id: &str,
) -> Result<ManifestFile, AppError> {
    let stored = lock(&ctx.store)?
        .projects()
        .get(project)?
        .and_then(|p| p.manifest_json)
        .ok_or_else(|| AppError::new("not_synced", "本项目尚未取得文件清单，请联网同步"))?;
    let env: SignedEnvelope = serde_json::from_str(&stored).map_err(internal)?;
    let verified = ctx.trust.verify_platform_document(&env, MANIFEST_TYP)?;
    let manifest: Manifest = serde_json::from_value(verified.payload)
        .map_err(|e| AppError::new("bad_manifest", format!("文件清单内容无效：{e}")))?;
    manifest
        .files
        .into_iter()
        .find(|f| f.file_id == file_id)
        .ok_or_else(|| AppError::new("not_found", format!("文件清单中没有文件 {file_id}")))
}

/// Checks a served chunk list against the signed manifest entry.
fn check_list(entry: &ManifestFile, served: &FileChunks) -> Result<Vec<[u8; 32]>, AppError> {
    let refused = |why: &str| {
        AppError::new(
            "chunk_list_mismatch",
            format!(
                "文件“{}”的分块校验表与平台签名清单不符（{why}），不予显示",
                entry.name
            ),
        )
    };
    if served.file_id != entry.file_id
        || served.chunk_size != entry.chunk_size
        || entry.chunk_size == 0
    {
        return Err(refused("文件或分块大小不符"));
    }
    if served.chunks.len() as u64 != FileChunks::count_for(entry.size, entry.chunk_size) {
        return Err(refused("分块数量不符"));
    }
    let mut digests = Vec::with_capacity(served.chunks.len());
    for c in &served.chunks {
        let d: [u8; 32] = hex::decode(c)
            .ok()
            .and_then(|v| v.try_into().ok())
            .ok_or_else(|| refused("摘要格式无效"))?;
        digests.push(d);
    }
    let all: Vec<u8> = digests.iter().flatten().copied().collect();
    if hex::encode(sha256(&all)) != entry.chunks_sha256 {
        return Err(refused("校验表摘要不符"));
    }
    Ok(digests)
}

async fn chunk_list(
    ctx: &SyncContext,
    reads: &EarlyReads,
    project: &str,
    file_id: &str,
) -> Result<Arc<ChunkList>, AppError> {
    let key = (project.to_string(), file_id.to_string());
    if let Some(l) = reads.lists.lock().map_err(internal)?.get(&key) {
        return Ok(l.clone());
    }
    let entry = manifest_entry(ctx, project, file_id)?;
    let served = {
        let _fg = reads.foreground.begin();
        ctx.client.chunks(project, file_id).await?
    };
    let list = Arc::new(ChunkList {
        digests: check_list(&entry, &served)?,
        size: entry.size,
        sha256: entry.sha256,
        chunk_size: u64::from(entry.chunk_size),
    });
    reads
        .lists
        .lock()
        .map_err(internal)?
        .insert(key, list.clone());
    Ok(list)
}

/// Below this many bytes wanted from a chunk, only those bytes' leaves are
/// fetched with a proof (a page object), not the whole 64 KiB chunk.
pub const PIECE_MAX: u64 = 16 * 1024;

/// Pieces asked for in one request (the platform takes up to 512).
const PIECES_PER_REQUEST: usize = 256;

fn mismatch(project: &str, file_id: &str, index: u64) -> AppError {
    tracing::warn!(
        project,
        file_id,
        index,
        "chunk does not match the signed list"
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

    /// Like [`Self::range`], but the answer may run on past `last` to the
    /// end of the last chunk when that chunk is here whole: a reader that
    /// goes on reading (a cross-reference table, a content stream) then
    /// finds the next bytes without another round trip. A read that
    /// continues where the last one ended fetches whole chunks, not pieces.
    pub async fn read_on(&self, first: u64, last: u64) -> Result<Vec<u8>, AppError> {
        let mut out = read_planned(*self, &[(first, last)], true).await?;
        Ok(out.pop().unwrap_or_default())
    }

    /// Several ranges at once (what pdf.js asks for together, e.g. every
    /// page object of a flat page tree): all their pieces come in one
    /// request, their whole chunks in one request per run. Each answer is
    /// exactly its range.
    pub async fn many(&self, ranges: &[(u64, u64)]) -> Result<Vec<Vec<u8>>, AppError> {
        read_planned(*self, ranges, false).await
    }

    /// Fetches and checks the chunk list ahead of the first read (the
    /// viewer asks while pdf.js is still starting): the first page then
    /// costs one round trip less.
    pub async fn prepare(&self) -> Result<(), AppError> {
        chunk_list(self.ctx, self.reads, self.project, self.file_id)
            .await
            .map(|_| ())
    }
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
    let list = chunk_list(ctx, reads, project, file_id).await?;
    for &(first, last) in ranges {
        if first > last || last >= list.size {
            return Err(AppError::new(
                "bad_range",
                format!("范围无效：{first}-{last}（文件大小 {} 字节）", list.size),
            ));
        }
    }
    let file_key = (project.to_string(), file_id.to_string());
    let sequential = ranges.len() == 1
        && reads
            .last_end
            .lock()
            .map_err(internal)?
            .get(&file_key)
            .is_some_and(|end| *end == ranges[0].0);
    let cs = list.chunk_size;
    let chunk_len = |i: u64| cs.min(list.size - i * cs);
    let key = |i: u64| (project.to_string(), file_id.to_string(), i);
    // The part of chunk i a range wants.
    let wanted =
        |(first, last): (u64, u64), i: u64| (first.max(i * cs), last.min((i + 1) * cs - 1));

    // Plan: each chunk touched is cached, fetched whole, or (a few bytes
    // wanted by a reader jumping about) fetched as a piece.
    let mut whole: HashMap<u64, Arc<Zeroizing<Vec<u8>>>> = HashMap::new();
    let mut to_fetch: Vec<u64> = Vec::new();
    let mut piece_spans: Vec<(u64, u64, u64)> = Vec::new(); // (chunk, lo, hi)
    {
        let cache = reads.cache.lock().map_err(internal)?;
        for &r in ranges {
            for i in r.0 / cs..=r.1 / cs {
                if whole.contains_key(&i) || to_fetch.contains(&i) {
                    continue;
                }
                if let Some(c) = cache.get(&key(i)) {
                    whole.insert(i, c);
                    continue;
                }
                let (lo, hi) = wanted(r, i);
                if !sequential && hi - lo < PIECE_MAX && hi - lo + 1 < chunk_len(i) {
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

    // Whole chunks: one request per run of consecutive chunks.
    let mut k = 0;
    while k < to_fetch.len() {
        let mut j = k;
        while j + 1 < to_fetch.len() && to_fetch[j + 1] == to_fetch[j] + 1 {
            j += 1;
        }
        let (i0, i1) = (to_fetch[k], to_fetch[j]);
        let (from, to) = (i0 * cs, ((i1 + 1) * cs).min(list.size) - 1);
        let bytes = {
            let _fg = reads.foreground.begin();
            ctx.client
                .range(project, file_id, from, to, &list.sha256)
                .await?
        };
        reads
            .fetched
            .fetch_add(bytes.len() as u64, Ordering::Relaxed);
        for (n, chunk) in bytes.chunks(cs as usize).enumerate() {
            let index = i0 + n as u64;
            if chunk_tree::root(chunk) != list.digests[index as usize] {
                return Err(mismatch(project, file_id, index));
            }
            let chunk = Arc::new(Zeroizing::new(chunk.to_vec()));
            reads
                .cache
                .lock()
                .map_err(internal)?
                .put(key(index), chunk.clone());
            whole.insert(index, chunk);
        }
        k = j + 1;
    }

    // Pieces: verified bytes, by (chunk, lo, hi).
    let mut pieces: HashMap<(u64, u64, u64), Vec<u8>> = HashMap::new();
    for batch in piece_spans.chunks(PIECES_PER_REQUEST) {
        let spans: Vec<(u64, u64)> = batch.iter().map(|&(_, lo, hi)| (lo, hi)).collect();
        let answer = {
            let _fg = reads.foreground.begin();
            ctx.client.pieces(project, file_id, &spans).await?
        };
        if answer.len() != batch.len() {
            return Err(mismatch(project, file_id, batch[0].0));
        }
        for (&(index, lo, hi), piece) in batch.iter().zip(&answer) {
            let bytes = verify_piece(reads, &list, project, file_id, index, lo, hi, piece)?;
            pieces.insert((index, lo, hi), bytes);
        }
    }

    let mut out = Vec::with_capacity(ranges.len());
    for &r in ranges {
        let (a, b) = (r.0 / cs, r.1 / cs);
        let mut bytes = Vec::with_capacity((r.1 - r.0 + 1) as usize);
        for i in a..=b {
            let (lo, hi) = wanted(r, i);
            match whole.get(&i) {
                // With `extend`, the last chunk, here whole, is given to its end.
                Some(chunk) if extend && i == b => {
                    bytes.extend_from_slice(&chunk[(lo - i * cs) as usize..])
                }
                Some(chunk) => {
                    bytes.extend_from_slice(&chunk[(lo - i * cs) as usize..=(hi - i * cs) as usize])
                }
                None => bytes.extend_from_slice(
                    pieces
                        .get(&(i, lo, hi))
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
            .insert(file_key, first + last.len() as u64);
    }
    Ok(out)
}

/// The bytes `lo..=hi` of chunk `index` from a piece the platform sent,
/// once its leaves and proof hash to the chunk's root in the signed list.
#[allow(clippy::too_many_arguments)]
fn verify_piece(
    reads: &EarlyReads,
    list: &ChunkList,
    project: &str,
    file_id: &str,
    index: u64,
    lo: u64,
    hi: u64,
    piece: &pingshen_api::FilePiece,
) -> Result<Vec<u8>, AppError> {
    let start = index * list.chunk_size;
    let chunk_len = list.chunk_size.min(list.size - start);
    let leaf = chunk_tree::LEAF as u64;
    let expected_offset = start + (lo - start) / leaf * leaf;
    let data = {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD
            .decode(&piece.data)
            .map_err(|_| mismatch(project, file_id, index))?
    };
    reads
        .fetched
        .fetch_add(data.len() as u64, Ordering::Relaxed);
    let proof: Option<Vec<chunk_tree::Hash>> = {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD
            .decode(&piece.proof)
            .ok()
            .filter(|raw| raw.len() % 32 == 0)
            .map(|raw| {
                raw.chunks(32)
                    .map(|h| h.try_into().unwrap_or([0; 32]))
                    .collect()
            })
    };
    let ok = piece.file_id == file_id
        && piece.offset == expected_offset
        && u64::from(piece.chunk_len) == chunk_len
        && expected_offset + data.len() as u64 > hi
        && proof.is_some_and(|p| {
            chunk_tree::verify(
                chunk_len as usize,
                ((expected_offset - start) / leaf) as usize,
                &data,
                &p,
                &list.digests[index as usize],
            )
        });
    if !ok {
        return Err(mismatch(project, file_id, index));
    }
    Ok(data[(lo - expected_offset) as usize..=(hi - expected_offset) as usize].to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(bytes: &[u8], chunk_size: u32) -> (ManifestFile, FileChunks) {
        let digests: Vec<[u8; 32]> = bytes
            .chunks(chunk_size as usize)
            .map(openssl::sha::sha256)
            .collect();
        let all: Vec<u8> = digests.iter().flatten().copied().collect();
        let f = ManifestFile {
            file_id: "bid-B01".into(),
            bidder_id: Some("B01".into()),
            kind: pingshen_api::DocumentKind::Bid,
            name: "投标文件.pdf".into(),
            size: bytes.len() as u64,
            sha256: hex::encode(sha256(bytes)),
            sm3: String::new(),
            chunk_size,
            chunks_sha256: hex::encode(sha256(&all)),
        };
        let served = FileChunks {
            file_id: "bid-B01".into(),
            chunk_size,
            chunks: digests.iter().map(hex::encode).collect(),
        };
        (f, served)
    }

    #[test]
    fn a_list_that_fits_the_signed_manifest_is_accepted() {
        let bytes: Vec<u8> = (0..1000u32).map(|i| (i % 251) as u8).collect();
        let (f, served) = entry(&bytes, 64);
        assert_eq!(check_list(&f, &served).unwrap().len(), 16);
    }

    #[test]
    fn a_list_that_does_not_fit_is_refused() {
        let bytes: Vec<u8> = (0..1000u32).map(|i| (i % 251) as u8).collect();
        let (f, served) = entry(&bytes, 64);
        let cases: Vec<(&str, FileChunks)> = vec![
            ("one digest changed", {
                let mut s = served.clone();
                s.chunks[3] = hex::encode([0u8; 32]);
                s
            }),
            ("a chunk left out", {
                let mut s = served.clone();
                s.chunks.pop();
                s
            }),
            ("two chunks swapped", {
                let mut s = served.clone();
                s.chunks.swap(0, 1);
                s
            }),
            ("another chunk size", {
                let mut s = served.clone();
                s.chunk_size = 128;
                s
            }),
            ("another file's list", {
                let mut s = served.clone();
                s.file_id = "bid-B02".into();
                s
            }),
            ("not hex", {
                let mut s = served.clone();
                s.chunks[0] = "zz".repeat(32);
                s
            }),
        ];
        for (what, s) in cases {
            let e = check_list(&f, &s).expect_err(what);
            assert_eq!(e.code, "chunk_list_mismatch", "{what}");
        }
    }

    #[test]
    fn the_cache_keeps_to_its_bound_oldest_out_first() {
        let mut c = ChunkCache::default();
        let chunk = || Arc::new(Zeroizing::new(vec![0u8; 1 << 20]));
        for i in 0..(CACHE_BYTES as u64 >> 20) + 5 {
            c.put(("p".into(), "f".into(), i), chunk());
        }
        assert!(c.bytes <= CACHE_BYTES);
        assert!(c.get(&("p".into(), "f".into(), 0)).is_none());
        let newest = (CACHE_BYTES as u64 >> 20) + 4;
        assert!(c.get(&("p".into(), "f".into(), newest)).is_some());
    }

    #[test]
    fn the_sync_waits_while_the_viewer_reads_and_a_little_after() {
        let fg = Foreground::default();
        assert!(!fg.busy());
        let g = fg.begin();
        assert!(fg.busy());
        drop(g);
        assert!(fg.busy(), "still within the linger");
    }
}
