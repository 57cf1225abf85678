//! A file's chunk list: the hash-tree root of each 64 KiB chunk, served
//! unsigned by the platform and trusted only once it hashes to the
//! `chunks_sha256` of the signed manifest this computer stored.

use super::{internal, sha256};
use crate::lock;
use crate::sync::SyncContext;
use crate::AppError;
use pingshen_api::{FileChunks, Manifest, ManifestFile, SignedEnvelope, MANIFEST_TYP};

/// A file's chunk list, checked against the signed manifest.
#[derive(Debug)]
pub(super) struct ChunkList {
    pub size: u64,
    pub sha256: String,
    pub chunk_size: u64,
    pub digests: Vec<[u8; 32]>,
}

impl ChunkList {
    /// Length of chunk `i` (the last may be short).
    pub fn chunk_len(&self, i: u64) -> u64 {
        self.chunk_size.min(self.size - i * self.chunk_size)
    }
}

/// The manifest entry of `file_id`, from the manifest this computer stored
/// at the last sync, verified again (it says which chunks are genuine).
pub(super) fn manifest_entry(
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
pub(super) fn check_list(
    entry: &ManifestFile,
    served: &FileChunks,
) -> Result<Vec<[u8; 32]>, AppError> {
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
            assert_eq!(e.code.as_str(), "chunk_list_mismatch", "{what}");
        }
    }
}
