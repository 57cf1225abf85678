//! Staff (工作人员) commands: read a project's published rules, publish a new
//! version signed with the logged-in key, and start the evaluation (which
//! freezes the rules on the platform).

use crate::state::DesktopState;
use pingshen_api::ipc::{AppError, PublishRulesRequest, RulesVersion};
use pingshen_api::{
    ProjectDetail, PublishedRules, Receipt, RulesDocument, SignedEnvelope, Stage, RULES_TYP,
};
use pingshen_pki::OffsetDateTime;
use std::sync::Mutex;

/// The latest published rules of a project, or `None` when none were published.
#[tauri::command]
pub async fn get_rules(
    state: tauri::State<'_, DesktopState>,
    id: String,
) -> Result<Option<RulesVersion>, AppError> {
    let found = state
        .call(|c| {
            let id = id.clone();
            async move { c.rules(&id).await }
        })
        .await;
    match found {
        Ok(p) => Ok(Some(version_of(p))),
        // The platform answers 404 for "not yet published".
        Err(e) if e.code == "not_found" => Ok(None),
        Err(e) => Err(e),
    }
}

/// Signs the rules as a [`RulesDocument`] with the logged-in person's key and
/// publishes them. The platform checks the role, the signature, the rules,
/// the stage and that `based_on_version` is still the latest.
#[tauri::command]
pub async fn publish_rules(
    state: tauri::State<'_, DesktopState>,
    request: PublishRulesRequest,
) -> Result<RulesVersion, AppError> {
    let doc = RulesDocument {
        project_id: request.project_id.clone(),
        rules_toml: request.rules_toml,
        based_on_version: request.based_on_version,
    };
    let envelope = signed(&state, doc).await?;
    let published = state
        .call(|c| {
            let (id, envelope) = (request.project_id.clone(), envelope.clone());
            async move { c.publish_rules(&id, envelope).await }
        })
        .await?;
    Ok(version_of(published))
}

/// Moves the project from 评标准备 to 评标中. The platform refuses it without
/// published rules, and refuses any later rules change.
#[tauri::command]
pub async fn start_evaluation(
    state: tauri::State<'_, DesktopState>,
    id: String,
) -> Result<ProjectDetail, AppError> {
    state
        .call(|c| {
            let id = id.clone();
            async move { c.change_stage(&id, Stage::Evaluating).await }
        })
        .await
}

/// The last document signed for publishing, with its envelope. Publishing the
/// same document again (a retry after a timeout whose request did reach the
/// platform) resends the same envelope, which the platform answers with the
/// version it created instead of refusing a second signature as stale.
static LAST_SIGNED: Mutex<Option<(String, RulesDocument, SignedEnvelope)>> = Mutex::new(None);

async fn signed(state: &DesktopState, doc: RulesDocument) -> Result<SignedEnvelope, AppError> {
    let person = state.store().await?.1.id;
    if let Ok(last) = LAST_SIGNED.lock() {
        if let Some((who, d, env)) = last.as_ref() {
            if *who == person && *d == doc {
                return Ok(env.clone());
            }
        }
    }
    let (envelope, person) = state.sign(RULES_TYP, doc.clone()).await?;
    if let Ok(mut last) = LAST_SIGNED.lock() {
        *last = Some((person, doc, envelope.clone()));
    }
    Ok(envelope)
}

fn version_of(p: PublishedRules) -> RulesVersion {
    RulesVersion {
        receipt_received_at: receipt_time(&p.receipt),
        project_id: p.project_id,
        version: p.version,
        rules_toml: p.rules_toml,
        sha256: p.sha256,
        published_by: p.published_by,
        published_by_name: p.published_by_name,
        published_at: p.published_at,
    }
}

/// `received_at` read from the receipt's payload (unpadded base64url, as
/// JWS members are written), for display. This does not verify the
/// platform's signature (the shell holds no trust store).
fn receipt_time(receipt: &SignedEnvelope) -> Option<OffsetDateTime> {
    use base64::Engine;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(receipt.payload.as_bytes())
        .ok()?;
    serde_json::from_slice::<Receipt>(&bytes)
        .ok()
        .map(|r| r.received_at)
}

#[cfg(test)]
mod tests {
    use super::receipt_time;
    use base64::Engine;
    use pingshen_api::SignedEnvelope;

    fn envelope(payload: String) -> SignedEnvelope {
        SignedEnvelope {
            protected: String::new(),
            payload,
            signature: String::new(),
        }
    }

    #[test]
    fn reads_the_receipt_time_from_the_payload() {
        let json = r#"{"purpose":"pingshen-receipt","platform_id":"p","kind":"rules","submission_id":"s","project_id":"JA-1","submitted_by":"S001","submitter_role":"staff","signer_fingerprint":"ab","body_sha256":"00","received_at":"2026-11-28T07:00:00Z"}"#;
        let payload = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json);
        let t = receipt_time(&envelope(payload)).expect("a receipt");
        assert_eq!(t.unix_timestamp(), 1_795_849_200);
        // Standard base64 ('+', '/') is not a JWS member: nothing is read.
        assert!(receipt_time(&envelope("a+b/".into())).is_none());
    }
}
