//! The signed manifest and resumable file downloads.

use crate::{ClientError, PlatformClient};
use pingshen_api::{FileChunks, FilePiece, SignedEnvelope};
use reqwest::header::{HeaderValue, ETAG, IF_RANGE, RANGE};
use reqwest::StatusCode;

/// A download in progress: the body arrives in chunks.
pub struct Download {
    /// Where the body starts in the file (0, or the resume offset when the
    /// platform honoured the range).
    pub offset: u64,
    /// Length of the whole file.
    pub total: u64,
    pub etag: Option<String>,
    response: reqwest::Response,
}

impl Download {
    /// The next chunk of the body; `None` at the end.
    pub async fn chunk(&mut self) -> Result<Option<bytes::Bytes>, ClientError> {
        let url = self.response.url().clone();
        self.response
            .chunk()
            .await
            .map_err(|e| ClientError::from_send(&url, e))
    }
}

impl PlatformClient {
    /// The project's manifest, as the platform signed it (verify before use).
    pub async fn manifest(&self, project: &str) -> Result<SignedEnvelope, ClientError> {
        self.get(&format!(
            "projects/{}/manifest",
            crate::encode_segment(project)
        ))
        .await
    }

    /// The SHA-256 of each chunk of a file (check it against the manifest).
    pub async fn chunks(&self, project: &str, file_id: &str) -> Result<FileChunks, ClientError> {
        self.get(&format!(
            "projects/{}/files/{}/chunks",
            crate::encode_segment(project),
            crate::encode_segment(file_id)
        ))
        .await
    }

    /// The spans `first..=last` (each within one chunk), widened to whole
    /// leaves, each with the proof it belongs to its chunk (verify before
    /// use), in one request.
    pub async fn pieces(
        &self,
        project: &str,
        file_id: &str,
        spans: &[(u64, u64)],
    ) -> Result<Vec<FilePiece>, ClientError> {
        let spans: Vec<String> = spans.iter().map(|(a, b)| format!("{a}-{b}")).collect();
        let path = format!(
            "projects/{}/files/{}/pieces?spans={}",
            crate::encode_segment(project),
            crate::encode_segment(file_id),
            spans.join(",")
        );
        let (_, body) = self
            .exchange::<()>(reqwest::Method::GET, &path, None)
            .await?;
        pingshen_api::decode_pieces(&body, pingshen_api::CHUNK_SIZE as usize).map_err(|e| {
            ClientError::BadResponse {
                reason: e.to_string(),
            }
        })
    }

    /// Bytes `first..=last` of a file, whole, only if the platform's copy is
    /// still `expected_sha256` (`If-Range`): anything but exactly that range
    /// is an error, never a silently different body.
    pub async fn range(
        &self,
        project: &str,
        file_id: &str,
        first: u64,
        last: u64,
        expected_sha256: &str,
    ) -> Result<Vec<u8>, ClientError> {
        let range = format!("bytes={first}-{last}");
        let timeout = std::time::Duration::from_secs(120);
        let (url, resp) = self
            .get_file(project, file_id, timeout, Some((&range, expected_sha256)))
            .await?;
        let status = resp.status();
        let start = content_range(&resp).map(|(a, _)| a);
        let bytes = resp
            .bytes()
            .await
            .map_err(|e| ClientError::from_send(&url, e))?;
        if status != StatusCode::PARTIAL_CONTENT {
            if status.is_success() {
                return Err(ClientError::BadResponse {
                    reason: "平台未按请求的范围答复（文件可能已更换）".into(),
                });
            }
            return Err(crate::error_from_body(status, &bytes));
        }
        if start != Some(first) || bytes.len() as u64 != last - first + 1 {
            return Err(ClientError::BadResponse {
                reason: format!("范围答复不符：请求 {first}-{last}"),
            });
        }
        Ok(bytes.to_vec())
    }

    /// Starts downloading a file from byte `from` on. `expected_sha256`
    /// guards the resume: if the file on the platform is no longer the one
    /// the manifest named, the platform sends it whole (offset 0).
    pub async fn download(
        &self,
        project: &str,
        file_id: &str,
        from: u64,
        expected_sha256: &str,
    ) -> Result<Download, ClientError> {
        // Downloads may take long on a poor link: no overall timeout to
        // speak of; the connect timeout still applies and a stalled body
        // errors out.
        let range = format!("bytes={from}-");
        let timeout = std::time::Duration::from_secs(3600);
        let resume = (from > 0).then_some((range.as_str(), expected_sha256));
        let (url, resp) = self.get_file(project, file_id, timeout, resume).await?;
        let status = resp.status();
        let etag = resp
            .headers()
            .get(ETAG)
            .and_then(|v| v.to_str().ok())
            .map(|s| s.trim_matches('"').to_string());
        match status {
            StatusCode::OK => {
                let total = resp.content_length().unwrap_or(0);
                Ok(Download {
                    offset: 0,
                    total,
                    etag,
                    response: resp,
                })
            }
            StatusCode::PARTIAL_CONTENT => {
                let (start, total) =
                    content_range(&resp).ok_or_else(|| ClientError::BadResponse {
                        reason: "206 答复缺少有效的 Content-Range".into(),
                    })?;
                if start != from {
                    return Err(ClientError::BadResponse {
                        reason: format!("续传起点为 {start}，请求的是 {from}"),
                    });
                }
                Ok(Download {
                    offset: start,
                    total,
                    etag,
                    response: resp,
                })
            }
            _ => {
                let bytes = resp
                    .bytes()
                    .await
                    .map_err(|e| ClientError::from_send(&url, e))?;
                Err(crate::error_from_body(status, &bytes))
            }
        }
    }
}

impl PlatformClient {
    /// GETs a project file with the session token; with `range`, only that
    /// range (`bytes=…`) and only of the copy whose SHA-256 is given
    /// (`If-Range`: a range of another copy is never spliced in).
    async fn get_file(
        &self,
        project: &str,
        file_id: &str,
        timeout: std::time::Duration,
        range: Option<(&str, &str)>,
    ) -> Result<(reqwest::Url, reqwest::Response), ClientError> {
        let url = self.url(&format!(
            "projects/{}/files/{}",
            crate::encode_segment(project),
            crate::encode_segment(file_id)
        ))?;
        let mut req = self.http.get(url.clone()).timeout(timeout);
        if let Some(token) = &self.token {
            req = req.bearer_auth(token);
        }
        if let Some((range, sha256)) = range {
            let etag = HeaderValue::from_str(&format!("\"{sha256}\""))
                .map_err(|e| ClientError::Internal(e.to_string()))?;
            req = req.header(RANGE, range).header(IF_RANGE, etag);
        }
        let resp = req
            .send()
            .await
            .map_err(|e| ClientError::from_send(&url, e))?;
        Ok((url, resp))
    }
}

/// `Content-Range: bytes a-b/total` → `(a, total)`.
fn content_range(resp: &reqwest::Response) -> Option<(u64, u64)> {
    let v = resp
        .headers()
        .get(reqwest::header::CONTENT_RANGE)?
        .to_str()
        .ok()?;
    let rest = v.strip_prefix("bytes ")?;
    let (range, total) = rest.split_once('/')?;
    let (a, _) = range.split_once('-')?;
    Some((a.parse().ok()?, total.parse().ok()?))
}
