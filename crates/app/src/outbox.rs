//! Sending what the person signed, exactly once.
//!
//! A signed submission first enters the store's outbox (durably, before the
//! screen says "submitted"); this module sends due entries in order. The
//! platform is idempotent on the submission id, so a send that was cut after
//! the platform stored it just gets the same receipt again. A receipt is kept
//! only after its platform signature and its binding to this exact body
//! verify.

use crate::lock;
use crate::{AppError, PlatformTrust};
use pingshen_api::{Accepted, ErrorCode, Receipt, SignedEnvelope, RECEIPT_TYP};
use pingshen_client::PlatformClient;
use pingshen_store::{BackoffPolicy, NewSubmission, OutboxEntry, Store};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::sync::Mutex;
use time::OffsetDateTime;

/// Whether a failed send may succeed later as it is: the platform was busy
/// or broken (5xx, 408, 429), could not state a certificate's revocation
/// status, or answered something unreadable. Any other refusal is final.
fn transient(e: &pingshen_client::ClientError) -> bool {
    match e {
        pingshen_client::ClientError::Platform { status, error } => {
            *status >= 500
                || *status == 408
                || *status == 429
                || error.code == ErrorCode::RevocationUnknown
        }
        pingshen_client::ClientError::BadResponse { .. } => true,
        _ => false,
    }
}

/// The exact bytes stored, sent and bound by the receipt: the envelope as
/// compact JSON (the platform hashes the same serialisation).
pub fn envelope_bytes(env: &SignedEnvelope) -> Vec<u8> {
    serde_json::to_vec(env).unwrap_or_default()
}

/// Puts a signed submission in the outbox. Idempotent on the id.
pub fn enqueue(
    store: &Store,
    submission_id: &str,
    kind: &str,
    project: &str,
    endpoint: &str,
    env: &SignedEnvelope,
) -> Result<(), AppError> {
    let body = envelope_bytes(env);
    store.outbox().enqueue(
        &NewSubmission {
            submission_id,
            kind,
            project,
            endpoint,
            body: &body,
        },
        OffsetDateTime::now_utc(),
    )?;
    Ok(())
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DrainReport {
    pub delivered: Vec<String>,
    /// (submission id, code, message) of refused entries.
    pub refused: Vec<(String, String, String)>,
    /// The platform could not be reached: the rest waits.
    pub offline: bool,
    pub pending: u64,
}

/// Sends every due entry, oldest first. Stops at the first network failure
/// (the rest would fail the same way). A `session_expired` answer is
/// returned as an error so the caller can renew the session and call again.
pub async fn drain(
    store: &Mutex<Store>,
    client: &PlatformClient,
    trust: &PlatformTrust,
) -> Result<DrainReport, AppError> {
    let due = {
        let store = lock(store)?;
        store.outbox().due(OffsetDateTime::now_utc())?
    };
    let mut report = DrainReport::default();
    for entry in due {
        let env: SignedEnvelope = serde_json::from_slice(&entry.body)
            .map_err(|e| AppError::new("internal_error", format!("待发送内容损坏：{e}")))?;
        match client.post_signed::<Accepted>(&entry.endpoint, env).await {
            Ok(accepted) => {
                let receipt = check_receipt(trust, &entry, &accepted.receipt)?;
                let bytes = envelope_bytes(&accepted.receipt);
                let store = lock(store)?;
                // Stores the receipt in the same transaction.
                store.outbox().mark_delivered(
                    &entry.submission_id,
                    &bytes,
                    OffsetDateTime::now_utc(),
                )?;
                tracing::info!(id = %entry.submission_id, kind = %receipt.kind, "delivered");
                report.delivered.push(entry.submission_id.clone());
            }
            Err(e) if e.is_offline() => {
                // The line, not the platform: no growing backoff, or an
                // expert back online would wait minutes for what they
                // signed. The sender probes the platform every few seconds
                // anyway; the first failure's short delay spreads clients.
                let store = lock(store)?;
                let delay = BackoffPolicy::default().delay(1, jitter());
                store.outbox().record_failure(
                    &entry.submission_id,
                    e.code(),
                    OffsetDateTime::now_utc() + delay,
                )?;
                report.offline = true;
                break;
            }
            Err(e) if e.code() == "session_expired" || e.code() == "unauthenticated" => {
                return Err(e.into());
            }
            Err(e) if transient(&e) => {
                // The platform could not take it now: try again later.
                let store = lock(store)?;
                let delay = BackoffPolicy::default().delay(entry.attempts + 1, jitter());
                store.outbox().record_failure(
                    &entry.submission_id,
                    e.code(),
                    OffsetDateTime::now_utc() + delay,
                )?;
            }
            Err(e) => {
                // Refused for good (the stage moved on, the rules changed,
                // the expert no longer sits, …): kept, signed, with the
                // reason, never resent; a refused sheet opens again for the
                // expert to correct and sign anew.
                let store = lock(store)?;
                store
                    .outbox()
                    .mark_refused(&entry.submission_id, e.code(), &e.to_string())?;
                crate::evaluation::reopen_refused(&store, &entry)?;
                tracing::warn!(id = %entry.submission_id, code = %e.code(), "refused");
                report.refused.push((
                    entry.submission_id.clone(),
                    e.code().to_string(),
                    e.to_string(),
                ));
            }
        }
    }
    report.pending = lock(store)?.outbox().pending_count()?;
    Ok(report)
}

/// The receipt must be signed by the platform and name this submission and
/// this exact body.
fn check_receipt(
    trust: &PlatformTrust,
    entry: &OutboxEntry,
    env: &SignedEnvelope,
) -> Result<Receipt, AppError> {
    let verified = trust.verify_platform_document(env, RECEIPT_TYP)?;
    let receipt: Receipt = serde_json::from_value(verified.payload)
        .map_err(|e| AppError::new("bad_receipt", format!("回执内容无效：{e}")))?;
    let body_sha = hex::encode(Sha256::digest(&entry.body));
    let id_matches = receipt.submission_id == entry.submission_id || entry.kind != "score_sheet"; // other kinds use the platform's own id
    if receipt.body_sha256 != body_sha || !id_matches || receipt.project_id != entry.project {
        return Err(AppError::new(
            "bad_receipt",
            "平台回执与所提交的内容不符，已拒绝（提交仍在待发送队列中）",
        ));
    }
    Ok(receipt)
}

/// A little randomness in the retry delay (per mille), so that many
/// clients coming back online together do not hit the platform in step.
fn jitter() -> u16 {
    let id = uuid::Uuid::new_v4();
    u16::from_le_bytes([id.as_bytes()[0], id.as_bytes()[1]]) % 1000
}
