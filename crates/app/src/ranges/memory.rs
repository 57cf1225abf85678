//! Verified bytes of files still on their way, in memory only: whole chunks
//! and the pieces (a few leaves) fetched for page objects. Bounded, oldest
//! out first, wiped when dropped: no plaintext reaches the disk.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use zeroize::Zeroizing;

/// Plaintext chunks kept in memory at most (bytes).
pub const CACHE_BYTES: usize = 48 << 20;

/// Plaintext pieces kept in memory at most (bytes).
pub const PIECE_CACHE_BYTES: usize = 4 << 20;

pub(super) type Bytes = Arc<Zeroizing<Vec<u8>>>;

/// (project, file, chunk index).
pub(super) type ChunkKey = (String, String, u64);

/// Verified whole chunks, oldest evicted first.
#[derive(Default)]
pub(super) struct ChunkCache {
    chunks: HashMap<ChunkKey, Bytes>,
    order: VecDeque<ChunkKey>,
    bytes: usize,
}

impl ChunkCache {
    pub(super) fn get(&self, key: &ChunkKey) -> Option<Bytes> {
        self.chunks.get(key).cloned()
    }

    pub(super) fn put(&mut self, key: ChunkKey, bytes: Bytes) {
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

/// A verified run of bytes of a file: where it starts, and the bytes.
struct Span {
    project: String,
    file_id: String,
    offset: u64,
    bytes: Bytes,
}

/// Verified pieces (a page object's leaves, the first and last bytes of a
/// file read ahead), oldest evicted first.
#[derive(Default)]
pub(super) struct PieceCache {
    spans: VecDeque<Span>,
    bytes: usize,
}

impl PieceCache {
    /// Bytes `lo..=hi` of the file, if one verified piece holds them all.
    pub(super) fn get(&self, project: &str, file_id: &str, lo: u64, hi: u64) -> Option<Vec<u8>> {
        self.spans.iter().rev().find_map(|s| {
            let end = s.offset + s.bytes.len() as u64; // exclusive
            (s.project == project && s.file_id == file_id && s.offset <= lo && hi < end)
                .then(|| s.bytes[(lo - s.offset) as usize..=(hi - s.offset) as usize].to_vec())
        })
    }

    pub(super) fn put(&mut self, project: &str, file_id: &str, offset: u64, bytes: Bytes) {
        self.bytes += bytes.len();
        self.spans.push_back(Span {
            project: project.to_string(),
            file_id: file_id.to_string(),
            offset,
            bytes,
        });
        while self.bytes > PIECE_CACHE_BYTES {
            let Some(old) = self.spans.pop_front() else {
                break;
            };
            self.bytes -= old.bytes.len();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_chunk_cache_keeps_to_its_bound_oldest_out_first() {
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
    fn a_piece_answers_only_for_bytes_it_holds_of_its_own_file() {
        let mut c = PieceCache::default();
        let bytes: Vec<u8> = (0..=255).collect();
        c.put("p", "f", 1000, Arc::new(Zeroizing::new(bytes)));
        assert_eq!(c.get("p", "f", 1000, 1002), Some(vec![0, 1, 2]));
        assert_eq!(c.get("p", "f", 1255, 1255), Some(vec![255]));
        assert_eq!(c.get("p", "f", 999, 1001), None, "starts before");
        assert_eq!(c.get("p", "f", 1250, 1256), None, "runs past the end");
        assert_eq!(c.get("p", "g", 1000, 1001), None, "another file");
        assert_eq!(c.get("q", "f", 1000, 1001), None, "another project");
        // Bounded: old pieces go first.
        for i in 0..(PIECE_CACHE_BYTES / 65536) as u64 + 2 {
            c.put(
                "p",
                "f",
                1 << 30 | i << 16,
                Arc::new(Zeroizing::new(vec![0; 65536])),
            );
        }
        assert!(c.bytes <= PIECE_CACHE_BYTES);
        assert_eq!(c.get("p", "f", 1000, 1002), None);
    }
}
