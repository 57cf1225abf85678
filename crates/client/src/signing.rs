//! Turning a person's signed documents into wire envelopes.

use crate::ClientError;
use pingshen_api::SignedEnvelope;
use pingshen_pki::Signer;
use serde::Serialize;

/// Signs `value` as canonical JSON in an envelope of type `typ`, now.
pub fn sign_document<T: Serialize + ?Sized>(
    signer: &dyn Signer,
    typ: &str,
    value: &T,
) -> Result<SignedEnvelope, ClientError> {
    let env = pingshen_pki::sign_value(signer, typ, value, time::OffsetDateTime::now_utc())
        .map_err(|e| ClientError::Signing {
            code: e.code(),
            message: e.message_zh(),
        })?;
    Ok(SignedEnvelope {
        protected: env.protected,
        payload: env.payload,
        signature: env.signature,
    })
}
