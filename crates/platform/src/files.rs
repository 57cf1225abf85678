//! Stored document files, content-addressed: `DATA/files/<sha256>`.
//! Written once (temp file, fsync, rename), never modified.

use crate::PlatformError;
use openssl::hash::{Hasher, MessageDigest};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Size and digests of a stored file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    pub size: u64,
    pub sha256: String,
    pub sm3: String,
}

pub fn dir(data_dir: &Path) -> PathBuf {
    data_dir.join("files")
}

pub fn path(data_dir: &Path, sha256: &str) -> PathBuf {
    dir(data_dir).join(sha256)
}

/// SHA-256 and SM3 of `bytes`, lower-case hex.
pub fn digests(bytes: &[u8]) -> Result<(String, String), PlatformError> {
    let hash = |md: MessageDigest| -> Result<String, PlatformError> {
        let mut h = Hasher::new(md).map_err(|e| PlatformError::Internal(e.to_string()))?;
        h.update(bytes)
            .map_err(|e| PlatformError::Internal(e.to_string()))?;
        Ok(hex::encode(
            h.finish()
                .map_err(|e| PlatformError::Internal(e.to_string()))?,
        ))
    };
    Ok((hash(MessageDigest::sha256())?, hash(MessageDigest::sm3())?))
}

/// Stores `bytes` under their SHA-256; storing the same content twice is a no-op.
pub fn put(data_dir: &Path, bytes: &[u8]) -> Result<Stored, PlatformError> {
    let (sha256, sm3) = digests(bytes)?;
    let target = path(data_dir, &sha256);
    if !target.exists() {
        let io = |e: std::io::Error| PlatformError::Internal(format!("无法保存文件：{e}"));
        std::fs::create_dir_all(dir(data_dir)).map_err(io)?;
        let tmp = dir(data_dir).join(format!(".{sha256}.tmp-{}", std::process::id()));
        let mut f = std::fs::File::create(&tmp).map_err(io)?;
        f.write_all(bytes).map_err(io)?;
        f.sync_all().map_err(io)?;
        std::fs::rename(&tmp, &target).map_err(io)?;
    }
    Ok(Stored {
        size: bytes.len() as u64,
        sha256,
        sm3,
    })
}
