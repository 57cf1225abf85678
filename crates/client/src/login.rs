//! Signing a login challenge with the person's key.

use crate::signing::sign_document;
use crate::ClientError;
use pingshen_api::{Challenge, SignedEnvelope, LOGIN_TYP};
use pingshen_pki::Signer;

/// Signs `challenge` as a login envelope. Signing happens on this thread
/// (a token may take a moment); nothing secret leaves the signer.
pub fn sign_challenge(
    signer: &dyn Signer,
    challenge: &Challenge,
) -> Result<SignedEnvelope, ClientError> {
    sign_document(signer, LOGIN_TYP, challenge)
}
