//! The platform's signed records and the CAs' CRLs.
//! Verifying them is the caller's business (`pingshen-app`): this crate
//! only fetches.

use crate::{encode_segment, ClientError, PlatformClient};
use pingshen_api::{CrlSet, SignedRecord};

impl PlatformClient {
    /// The platform-signed opening record (开标记录) of a project.
    pub async fn opening_record(&self, project: &str) -> Result<SignedRecord, ClientError> {
        self.get(&format!(
            "projects/{}/opening-record",
            encode_segment(project)
        ))
        .await
    }

    /// The platform-signed credit record (信用记录) of a project.
    pub async fn credit_record(&self, project: &str) -> Result<SignedRecord, ClientError> {
        self.get(&format!(
            "projects/{}/credit-record",
            encode_segment(project)
        ))
        .await
    }

    /// Staff publish a project's credit records; the platform signs them.
    pub async fn publish_credit_record(
        &self,
        project: &str,
        records: &pingshen_api::CreditRecords,
    ) -> Result<SignedRecord, ClientError> {
        let path = format!("projects/{}/credit-record", encode_segment(project));
        self.send(reqwest::Method::POST, &path, Some(records)).await
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
}
