//! Checking a downloaded file against the offer the signed manifest made.

use crate::error::{Result, UpdateError};
use pingshen_api::{ArtifactKind, UpdateOffer};
use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::{Path, PathBuf};

/// A file whose size and SHA-256 are the ones the signed manifest names.
/// Only [`verify`] makes one, and only this can be installed.
#[derive(Debug, Clone)]
pub struct VerifiedFile {
    path: PathBuf,
    kind: ArtifactKind,
    version: String,
    sha256: String,
}

impl VerifiedFile {
    pub fn path(&self) -> &Path {
        &self.path
    }
    pub fn kind(&self) -> ArtifactKind {
        self.kind
    }
    pub fn version(&self) -> &str {
        &self.version
    }
    pub fn sha256(&self) -> &str {
        &self.sha256
    }

    /// Renames the verified file to `dest` (same file system) and keeps its
    /// verification: a rename moves the name, not the bytes, so hashing
    /// again would only repeat the same read.
    pub fn move_to(self, dest: &Path) -> Result<VerifiedFile> {
        std::fs::rename(&self.path, dest).map_err(|e| {
            UpdateError::File(format!(
                "无法将 {} 改名为 {}：{e}",
                self.path.display(),
                dest.display()
            ))
        })?;
        Ok(VerifiedFile {
            path: dest.to_path_buf(),
            ..self
        })
    }
}

/// Hashes `path` and compares it with `offer`.
pub fn verify(path: &Path, offer: &UpdateOffer) -> Result<VerifiedFile> {
    let (size, sha256) = digest(path)?;
    if size != offer.size {
        return Err(UpdateError::File(format!(
            "大小为 {size} 字节，清单为 {} 字节",
            offer.size
        )));
    }
    if sha256 != offer.sha256 {
        return Err(UpdateError::File(format!(
            "SHA-256 为 {}…，清单为 {}…",
            &sha256[..16],
            &offer.sha256[..16.min(offer.sha256.len())]
        )));
    }
    Ok(VerifiedFile {
        path: path.to_path_buf(),
        kind: offer.kind,
        version: offer.version.clone(),
        sha256,
    })
}

/// Size and lower-case hex SHA-256 of a file, read in blocks.
pub fn digest(path: &Path) -> Result<(u64, String)> {
    let mut f = std::fs::File::open(path)
        .map_err(|e| UpdateError::File(format!("无法读取 {}：{e}", path.display())))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 256 * 1024];
    let mut size = 0u64;
    loop {
        let n = f
            .read(&mut buf)
            .map_err(|e| UpdateError::File(format!("无法读取 {}：{e}", path.display())))?;
        if n == 0 {
            break;
        }
        size += n as u64;
        hasher.update(&buf[..n]);
    }
    Ok((size, hex::encode(hasher.finalize())))
}
