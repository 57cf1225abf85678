//! Staff (工作人员) commands: read a project's published rules, publish a new
//! version signed with the logged-in key, and start the evaluation (which
//! freezes the rules on the platform).

use crate::state::DesktopState;
use pingshen_api::ipc::{AppError, PublishRulesRequest, RulesVersion};
use pingshen_api::{
    ErrorCode, ProjectDetail, PublishedRules, RulesDocument, SignedEnvelope, Stage, RULES_TYP,
};
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
        Ok(p) => Ok(Some(verified_version(&state, p).await?)),
        // The platform answers 404 for "not yet published".
        Err(e) if e.code == ErrorCode::NotFound => Ok(None),
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
    verified_version(&state, published).await
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

/// The rules as the platform answered them, believed only once verified:
/// the staff signature, the platform's receipt (the pinned platform's, for
/// this very envelope), the text's hash and the version. The publication
/// time shown is then the receipt's.
async fn verified_version(
    state: &DesktopState,
    p: PublishedRules,
) -> Result<RulesVersion, AppError> {
    let platform_id = state.platform_id().await;
    state
        .trust()
        .verify_rules(&p, &p.project_id, platform_id.as_deref())?;
    Ok(RulesVersion {
        receipt_received_at: Some(p.published_at),
        project_id: p.project_id,
        version: p.version,
        rules_toml: p.rules_toml,
        sha256: p.sha256,
        published_by: p.published_by,
        published_by_name: p.published_by_name,
        published_at: p.published_at,
    })
}
