//! The panel's decisions on screening flags (串标分析).

use crate::{encode_segment, ClientError, PlatformClient};
use pingshen_api::{Accepted, ScreenDecisions, SignedEnvelope, SignedSubmission};
use reqwest::Method;

impl PlatformClient {
    /// Records a signed decision (the panel leader). Safe to repeat.
    pub async fn submit_screen_decision(
        &self,
        project: &str,
        envelope: SignedEnvelope,
    ) -> Result<Accepted, ClientError> {
        let path = format!("projects/{}/screen-decisions", encode_segment(project));
        self.send(Method::POST, &path, Some(&SignedSubmission { envelope }))
            .await
    }

    /// The panel's decisions on a project's flags, oldest first.
    pub async fn screen_decisions(&self, project: &str) -> Result<ScreenDecisions, ClientError> {
        self.get(&format!(
            "projects/{}/screen-decisions",
            encode_segment(project)
        ))
        .await
    }
}
