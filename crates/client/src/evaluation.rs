//! The evaluation endpoints: declaration, leader vote, score sheets, panel.

use crate::{encode_segment, ClientError, PlatformClient};
use pingshen_api::{Accepted, PanelStatus, PanelSummary, Reopen, SignedEnvelope, SignedSubmission};
use reqwest::Method;
use sha2::{Digest, Sha256};

/// The evaluation report's PDF and the SHA-256 of its bytes (the hash the
/// experts sign).
pub struct ReportPdf {
    pub sha256: String,
    pub bytes: Vec<u8>,
}

impl PlatformClient {
    pub async fn declare(
        &self,
        project: &str,
        envelope: SignedEnvelope,
    ) -> Result<Accepted, ClientError> {
        let path = format!("projects/{}/declaration", encode_segment(project));
        self.send(Method::POST, &path, Some(&SignedSubmission { envelope }))
            .await
    }

    pub async fn vote_leader(
        &self,
        project: &str,
        envelope: SignedEnvelope,
    ) -> Result<Accepted, ClientError> {
        let path = format!("projects/{}/leader/votes", encode_segment(project));
        self.send(Method::POST, &path, Some(&SignedSubmission { envelope }))
            .await
    }

    /// Submits a signed score sheet. Safe to repeat: the platform answers the
    /// same receipt for the same submission.
    pub async fn submit_sheet(
        &self,
        project: &str,
        envelope: SignedEnvelope,
    ) -> Result<Accepted, ClientError> {
        let path = format!("projects/{}/sheets", encode_segment(project));
        self.send(Method::POST, &path, Some(&SignedSubmission { envelope }))
            .await
    }

    /// 评审回退 (staff).
    pub async fn reopen_sheet(
        &self,
        project: &str,
        expert: &str,
        reason: &str,
    ) -> Result<PanelStatus, ClientError> {
        let path = format!(
            "projects/{}/sheets/{}/reopen",
            encode_segment(project),
            encode_segment(expert)
        );
        self.send(
            Method::POST,
            &path,
            Some(&Reopen {
                reason: reason.to_string(),
            }),
        )
        .await
    }

    pub async fn panel(&self, project: &str) -> Result<PanelStatus, ClientError> {
        self.get(&format!("projects/{}/panel", encode_segment(project)))
            .await
    }

    pub async fn summary(&self, project: &str) -> Result<PanelSummary, ClientError> {
        self.get(&format!("projects/{}/summary", encode_segment(project)))
            .await
    }
}

impl PlatformClient {
    /// The current evaluation report's hash and signers.
    pub async fn report_status(
        &self,
        project: &str,
    ) -> Result<pingshen_api::ReportStatus, ClientError> {
        self.get(&format!("projects/{}/report", encode_segment(project)))
            .await
    }

    /// The report PDF, for the sitting experts (who sign it) and staff. The
    /// platform names it by its SHA-256 in the `ETag`; a body that does not
    /// match is refused.
    pub async fn report_pdf(&self, project: &str) -> Result<ReportPdf, ClientError> {
        let path = format!("projects/{}/report/pdf", encode_segment(project));
        let (headers, bytes) = self.exchange::<()>(Method::GET, &path, None).await?;
        let sha256 = hex::encode(Sha256::digest(&bytes));
        let etag = headers
            .get(reqwest::header::ETAG)
            .and_then(|v| v.to_str().ok())
            .map(|v| v.trim_matches('"'));
        if etag.is_some_and(|e| e != sha256) {
            return Err(ClientError::BadResponse {
                reason: "评标报告内容与平台给出的 SHA-256 不符".into(),
            });
        }
        Ok(ReportPdf {
            sha256,
            bytes: bytes.to_vec(),
        })
    }

    /// An expert's signature over the report's hash. Safe to repeat.
    pub async fn sign_report(
        &self,
        project: &str,
        envelope: SignedEnvelope,
    ) -> Result<Accepted, ClientError> {
        let path = format!("projects/{}/report/signatures", encode_segment(project));
        self.send(Method::POST, &path, Some(&SignedSubmission { envelope }))
            .await
    }

    /// The evaluation package (评标档案包) for `pingshen verify`.
    pub async fn evaluation_package(
        &self,
        project: &str,
    ) -> Result<pingshen_api::EvaluationPackage, ClientError> {
        self.get(&format!("projects/{}/package", encode_segment(project)))
            .await
    }
}
