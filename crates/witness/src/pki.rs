//! An [`EnvelopeVerifier`] backed by `pingshen-pki` (feature `pki`): the
//! JWS signature, canonical payload and certificate chain against a trust
//! store of recognised CAs. Not for wasm.

use crate::verify::{EnvelopeVerifier, SignatureFailure, VerifiedSignature};
use pingshen_api::SignedEnvelope;
use pingshen_api::{RECEIPT_TYP, WITNESS_LOG_TYP};
use pingshen_pki::envelope::{verify_parsed, Envelope, VerifyOptions};
use pingshen_pki::{OffsetDateTime, PlatformPins, TrustStore};

/// `pingshen-pki` codes that mean the bytes no longer verify (as opposed to
/// a certificate or trust problem of an untouched document).
const CONTENT_CODES: [&str; 7] = [
    "signature_invalid",
    "bad_envelope",
    "not_canonical",
    "invalid_json",
    "alg_mismatch",
    "unsupported_algorithm",
    "malformed",
];

/// Verifies envelopes against `trust`: the witness's entries with chains
/// validated at `at` (`None`: each envelope's own signing time), the
/// platform's receipts and attestation as platform documents — signed by
/// the pinned platform certificate, checked at the time they claim.
pub struct TrustVerifier<'a> {
    pub trust: &'a TrustStore,
    pub at: Option<OffsetDateTime>,
    pub platform: &'a PlatformPins,
}

impl EnvelopeVerifier for TrustVerifier<'_> {
    fn verify(
        &self,
        envelope: &SignedEnvelope,
        typ: &str,
    ) -> Result<VerifiedSignature, SignatureFailure> {
        let env = Envelope {
            protected: envelope.protected.clone(),
            payload: envelope.payload.clone(),
            signature: envelope.signature.clone(),
        };
        let opts = VerifyOptions {
            at: self.at,
            expected_typ: Some(typ.to_string()),
        };
        let outcome = if typ == RECEIPT_TYP || typ == WITNESS_LOG_TYP {
            self.platform.verify(self.trust, &env, typ)
        } else {
            verify_parsed(self.trust, &env, &opts)
        };
        match outcome {
            Ok(v) => Ok(VerifiedSignature {
                signer_id: v.signer.person_id,
                payload: v.payload_bytes,
            }),
            Err(e) => Err(SignatureFailure {
                code: e.code().to_string(),
                message: e.message_zh(),
                content_changed: CONTENT_CODES.contains(&e.code()),
            }),
        }
    }
}
