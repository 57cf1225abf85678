//! Receipts: the platform's signed proof that a submission arrived.

use crate::{AppState, PlatformError};
use pingshen_api::{Receipt, Role, SignedEnvelope, RECEIPT_PURPOSE, RECEIPT_TYP};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

/// Who submitted a signed document, as the platform checked it: the person,
/// the role it accepted them in, and the certificate that signed.
#[derive(Debug, Clone)]
pub struct Submitter {
    pub id: String,
    pub role: Role,
    pub fingerprint: String,
}

impl Submitter {
    /// The caller, for a document signed with the certificate `fingerprint`
    /// (already checked to be registered to them).
    pub fn new(caller: &crate::Caller, fingerprint: &str) -> Self {
        Submitter {
            id: caller.person.id.clone(),
            role: caller.person.role,
            fingerprint: fingerprint.to_string(),
        }
    }
}

/// What a receipt acknowledges.
pub struct Received<'a> {
    pub kind: &'a str,
    pub submission_id: &'a str,
    pub project_id: &'a str,
    pub submitter: &'a Submitter,
    /// The submitted envelope's JSON, exactly as received.
    pub body: &'a [u8],
}

pub fn issue(
    state: &AppState,
    r: &Received<'_>,
    now: OffsetDateTime,
) -> Result<SignedEnvelope, PlatformError> {
    let receipt = Receipt {
        purpose: RECEIPT_PURPOSE.to_string(),
        platform_id: state.platform_id.clone(),
        kind: r.kind.to_string(),
        submission_id: r.submission_id.to_string(),
        project_id: r.project_id.to_string(),
        submitted_by: r.submitter.id.clone(),
        submitter_role: r.submitter.role,
        signer_fingerprint: r.submitter.fingerprint.clone(),
        body_sha256: sha256_hex(r.body),
        received_at: now,
    };
    let env = pingshen_pki::sign_value(state.pki.signer(), RECEIPT_TYP, &receipt, now)
        .map_err(|e| PlatformError::Internal(format!("无法签发回执：{}", e.message_zh())))?;
    Ok(to_wire(env))
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

pub fn to_wire(env: pingshen_pki::Envelope) -> SignedEnvelope {
    SignedEnvelope {
        protected: env.protected,
        payload: env.payload,
        signature: env.signature,
    }
}

pub fn from_wire(env: &SignedEnvelope) -> pingshen_pki::Envelope {
    pingshen_pki::Envelope {
        protected: env.protected.clone(),
        payload: env.payload.clone(),
        signature: env.signature.clone(),
    }
}

/// The wire envelope as the JSON text that is hashed and stored.
pub fn envelope_json(env: &SignedEnvelope) -> Result<String, PlatformError> {
    serde_json::to_string(env).map_err(|e| PlatformError::Internal(e.to_string()))
}
