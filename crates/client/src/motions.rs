//! Panel votes (表决): motions and the signed votes on them.

use crate::{encode_segment, ClientError, PlatformClient};
use pingshen_api::{Accepted, Motions, SignedEnvelope, SignedSubmission};
use reqwest::Method;

impl PlatformClient {
    /// Proposes a signed motion. Safe to repeat (its `motion_id` is the key).
    pub async fn propose_motion(
        &self,
        project: &str,
        envelope: SignedEnvelope,
    ) -> Result<Accepted, ClientError> {
        let path = format!("projects/{}/motions", encode_segment(project));
        self.send(Method::POST, &path, Some(&SignedSubmission { envelope }))
            .await
    }

    /// Casts a signed vote on `motion`. Safe to repeat.
    pub async fn vote_motion(
        &self,
        project: &str,
        motion: &str,
        envelope: SignedEnvelope,
    ) -> Result<Accepted, ClientError> {
        let path = format!(
            "projects/{}/motions/{}/votes",
            encode_segment(project),
            encode_segment(motion)
        );
        self.send(Method::POST, &path, Some(&SignedSubmission { envelope }))
            .await
    }

    /// Every motion with its votes and outcome, oldest first.
    pub async fn motions(&self, project: &str) -> Result<Motions, ClientError> {
        self.get(&format!("projects/{}/motions", encode_segment(project)))
            .await
    }
}
