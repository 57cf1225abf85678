//! Documents the platform signs (manifests, receipts): the signature must
//! verify against the recognised CAs, and the signer must be the platform
//! itself, not merely someone with a valid certificate.

use crate::AppError;
use pingshen_api::SignedEnvelope;
use pingshen_pki::envelope::{verify_parsed, Envelope, VerifiedEnvelope, VerifyOptions};
use pingshen_pki::TrustStore;

/// The subject serialNumber that marks the platform's signing certificate.
pub const PLATFORM_SUBJECT_ID: &str = "platform";

pub fn verify_platform_document(
    trust: &TrustStore,
    env: &SignedEnvelope,
    typ: &str,
) -> Result<VerifiedEnvelope, AppError> {
    let verified = verify_parsed(
        trust,
        &Envelope {
            protected: env.protected.clone(),
            payload: env.payload.clone(),
            signature: env.signature.clone(),
        },
        &VerifyOptions {
            at: None,
            expected_typ: Some(typ.to_string()),
        },
    )?;
    if verified.signer.person_id.as_deref() != Some(PLATFORM_SUBJECT_ID) {
        return Err(AppError::new(
            "not_platform_signer",
            format!(
                "签名人不是评标平台（{}），已拒绝",
                verified.signer.subject_cn.as_deref().unwrap_or("未知")
            ),
        ));
    }
    Ok(verified)
}
