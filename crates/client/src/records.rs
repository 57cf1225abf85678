//! The platform's signed records, the CAs' CRLs and the report's bytes.
//! Verifying them is the caller's business (`pingshen-app`): this crate
//! only fetches.

use crate::{encode_segment, error_from_body, ClientError, PlatformClient};
use pingshen_api::{CrlSet, SignedRecord};
use reqwest::Method;

impl PlatformClient {
    /// The platform-signed opening record (开标记录) of a project.
    pub async fn opening_record(&self, project: &str) -> Result<SignedRecord, ClientError> {
        self.get(&format!(
            "projects/{}/opening-record",
            encode_segment(project)
        ))
        .await
    }

    /// The platform-signed panel record (评标委员会组成记录) of a project.
    pub async fn panel_record(&self, project: &str) -> Result<SignedRecord, ClientError> {
        self.get(&format!(
            "projects/{}/panel-record",
            encode_segment(project)
        ))
        .await
    }

    /// The recognised CAs' current CRLs (public).
    pub async fn crls(&self) -> Result<CrlSet, ClientError> {
        self.get("crls").await
    }

    /// The evaluation report's PDF bytes, exactly as served.
    pub async fn report_pdf(&self, project: &str) -> Result<Vec<u8>, ClientError> {
        let url = self.url(&format!("projects/{}/report/pdf", encode_segment(project)))?;
        let mut req = self.http.request(Method::GET, url.clone());
        if let Some(token) = &self.token {
            req = req.bearer_auth(token);
        }
        let resp = req
            .send()
            .await
            .map_err(|e| ClientError::from_send(&url, e))?;
        let status = resp.status();
        let bytes = resp
            .bytes()
            .await
            .map_err(|e| ClientError::from_send(&url, e))?;
        if status.is_success() {
            Ok(bytes.to_vec())
        } else {
            Err(error_from_body(status, &bytes))
        }
    }
}
