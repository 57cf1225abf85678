//! Signed updates: the manifest and its files. Nothing here is trusted:
//! `pingshen_update` checks the manifest's signature and each file's hash.

use crate::{ClientError, PlatformClient};
use pingshen_api::SignedUpdateManifest;
use std::path::Path;
use tokio::io::AsyncWriteExt;

impl PlatformClient {
    /// The latest published update, or `None` when the platform has none.
    pub async fn latest_update(&self) -> Result<Option<SignedUpdateManifest>, ClientError> {
        match self.get("updates/latest").await {
            Ok(m) => Ok(Some(m)),
            Err(e) if e.code() == "no_update_published" => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Downloads the update file `name` into `dest` (created or truncated),
    /// refusing to write more than `max_len` bytes (the size the manifest
    /// names: a platform cannot fill the disk). Returns the length written.
    pub async fn download_update(
        &self,
        name: &str,
        dest: &Path,
        max_len: u64,
    ) -> Result<u64, ClientError> {
        let url = self.url(&format!("updates/files/{}", crate::encode_segment(name)))?;
        let mut resp = self
            .http
            .get(url.clone())
            .send()
            .await
            .map_err(|e| ClientError::from_send(&url, e))?;
        let status = resp.status();
        if !status.is_success() {
            let body = resp
                .bytes()
                .await
                .map_err(|e| ClientError::from_send(&url, e))?;
            return Err(crate::error_from_body(status, &body));
        }
        let io =
            |e: std::io::Error| ClientError::Internal(format!("无法写入 {}：{e}", dest.display()));
        // tokio's file: the writes go to the blocking pool, not this worker.
        let mut out = tokio::fs::File::create(dest).await.map_err(io)?;
        let mut written = 0u64;
        while let Some(chunk) = resp
            .chunk()
            .await
            .map_err(|e| ClientError::from_send(&url, e))?
        {
            written += chunk.len() as u64;
            if written > max_len {
                return Err(ClientError::BadResponse {
                    reason: format!("更新文件超过清单所列的 {max_len} 字节"),
                });
            }
            out.write_all(&chunk).await.map_err(io)?;
        }
        out.flush().await.map_err(io)?;
        out.sync_all().await.map_err(io)?;
        Ok(written)
    }
}
