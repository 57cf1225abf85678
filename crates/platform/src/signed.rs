//! Verifying what a person signed: the envelope, its chain, and that the
//! signer is the registered person making the request.

use crate::db::people;
use crate::receipts::from_wire;
use crate::{AppState, Caller, PlatformError};
use pingshen_api::SignedEnvelope;
use pingshen_pki::envelope::{verify_parsed, VerifiedEnvelope, VerifyOptions};
use time::OffsetDateTime;

/// Verifies `env` (type `typ`) at `now` and checks it was signed with a
/// certificate registered to the caller.
pub async fn verify_by_caller(
    state: &AppState,
    caller: &Caller,
    env: &SignedEnvelope,
    typ: &str,
    now: OffsetDateTime,
) -> Result<VerifiedEnvelope, PlatformError> {
    let verified = verify_parsed(
        &state.pki.trust(),
        &from_wire(env),
        &VerifyOptions {
            at: Some(now),
            expected_typ: Some(typ.to_string()),
        },
    )
    .map_err(|e| PlatformError::Pki {
        code: e.code(),
        message: format!("签名无效：{}", e.message_zh()),
    })?;
    let fp = verified.signer.fingerprint_sha256.clone();
    let signer = state
        .db
        .call(move |c| people::by_fingerprint(c, &fp))
        .await?;
    match signer {
        Some(p) if p.id == caller.person.id => Ok(verified),
        _ => Err(PlatformError::forbidden(
            "signer_mismatch",
            "签名证书不属于当前登录人员",
        )),
    }
}

/// A client's idempotency key: 1–64 characters of `[A-Za-z0-9_-]` (a UUID in
/// practice). An empty or odd key would make every later retry ambiguous.
pub fn check_submission_id(id: &str) -> Result<(), PlatformError> {
    let ok = !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(PlatformError::bad_request(
            "bad_submission_id",
            "提交编号无效：应为 1–64 位字母、数字、连字符或下划线（通常为 UUID）",
        ))
    }
}
