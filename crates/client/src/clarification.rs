//! Clarification (澄清): the leader's questions, the bidder's answers.

use crate::{encode_segment, ClientError, PlatformClient};
use pingshen_api::{Accepted, Clarifications, SignedEnvelope, SignedSubmission};
use reqwest::Method;

impl PlatformClient {
    /// Sends the panel leader's signed question. Safe to repeat.
    pub async fn ask_clarification(
        &self,
        project: &str,
        envelope: SignedEnvelope,
    ) -> Result<Accepted, ClientError> {
        let path = format!("projects/{}/clarifications", encode_segment(project));
        self.send(Method::POST, &path, Some(&SignedSubmission { envelope }))
            .await
    }

    /// Sends a bidder's signed answer (no session: the signature is the
    /// bidder's credential). Safe to repeat.
    pub async fn answer_clarification(
        &self,
        project: &str,
        clarification: &str,
        envelope: SignedEnvelope,
    ) -> Result<Accepted, ClientError> {
        let path = format!(
            "projects/{}/clarifications/{}/answer",
            encode_segment(project),
            encode_segment(clarification)
        );
        self.send(Method::POST, &path, Some(&SignedSubmission { envelope }))
            .await
    }

    /// Every question with its answer and state, oldest first.
    pub async fn clarifications(&self, project: &str) -> Result<Clarifications, ClientError> {
        self.get(&format!(
            "projects/{}/clarifications",
            encode_segment(project)
        ))
        .await
    }
}
