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

/// `received_at` read from the receipt's payload, for display. This does
/// not verify the platform's signature (the shell holds no trust store).
fn receipt_time(receipt: &SignedEnvelope) -> Option<OffsetDateTime> {
    let bytes = base64url_decode(&receipt.payload)?;
    serde_json::from_slice::<Receipt>(&bytes)
        .ok()
        .map(|r| r.received_at)
}

/// Unpadded base64url (RFC 4648 §5), as JWS members are written.
fn base64url_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let mut acc: u32 = 0;
    let mut bits = 0;
    for c in text.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' => 62,
            b'_' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::base64url_decode;

    #[test]
    fn decodes_unpadded_base64url() {
        assert_eq!(base64url_decode("aGk").unwrap(), b"hi");
        assert_eq!(base64url_decode("aGVsbG8").unwrap(), b"hello");
        assert_eq!(base64url_decode("-_8").unwrap(), [0xfb, 0xff]);
        assert!(base64url_decode("a+b").is_none());
    }
}
