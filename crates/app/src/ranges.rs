//! Reading a document before all of it has arrived.
//!
//! On a poor link a 300-page bid takes minutes to download, but its first
//! page needs a few hundred kilobytes. The viewer asks for byte ranges; a
//! range of a file that is not yet in the encrypted cache is fetched from
//! the platform at once, in whole 64 KiB chunks, and each chunk is checked
//! against the chunk list the signed manifest vouches for (its
//! `chunks_sha256`) before a byte is shown. While such a request is in
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

/// Bytes `first..=last` of a file that is not (yet) in the encrypted cache,
/// fetched from the platform in whole chunks, each verified before use.
pub async fn read_range(
    ctx: &SyncContext,
    reads: &EarlyReads,
    project: &str,
    file_id: &str,
    first: u64,
    last: u64,
) -> Result<Vec<u8>, AppError> {
    let list = chunk_list(ctx, reads, project, file_id).await?;
    if first > last || last >= list.size {
        return Err(AppError::new(
            "bad_range",
            format!("范围无效：{first}-{last}（文件大小 {} 字节）", list.size),
        ));
    }
    let cs = list.chunk_size;
    let (a, b) = (first / cs, last / cs);
    let key = |i: u64| (project.to_string(), file_id.to_string(), i);
    // The chunks of this range, those cached now and those to fetch.
    let mut have: Vec<Option<Arc<Zeroizing<Vec<u8>>>>> = {
        let cache = reads.cache.lock().map_err(internal)?;
        (a..=b).map(|i| cache.get(&key(i))).collect()
    };
    let mut i = a;
    while i <= b {
        if have[(i - a) as usize].is_some() {
            i += 1;
            continue;
        }
        // One request for each run of missing chunks.
        let mut j = i;
        while j < b && have[(j + 1 - a) as usize].is_none() {
            j += 1;
        }
        let (from, to) = (i * cs, ((j + 1) * cs).min(list.size) - 1);
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
            let index = i + n as u64;
            if sha256(chunk) != list.digests[index as usize] {
                tracing::warn!(
                    project,
                    file_id,
                    index,
                    "chunk does not match the signed list"
                );
                return Err(AppError::new(
                    "chunk_mismatch",
                    "收到的文件内容与平台签名清单不符，不予显示；请稍后重试",
                ));
            }
            let chunk = Arc::new(Zeroizing::new(chunk.to_vec()));
            reads
                .cache
                .lock()
                .map_err(internal)?
                .put(key(index), chunk.clone());
            have[(index - a) as usize] = Some(chunk);
        }
        i = j + 1;
    }
    let mut out = Vec::with_capacity((last - first + 1) as usize);
    for (n, chunk) in have.iter().enumerate() {
        let chunk = chunk.as_ref().ok_or_else(|| internal("chunk missing"))?;
        let start = (a + n as u64) * cs;
        let lo = first.saturating_sub(start) as usize;
        let hi = ((last + 1 - start) as usize).min(chunk.len());
        out.extend_from_slice(&chunk[lo..hi]);
    }
    Ok(out)
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
