//! Signing a manifest: what `pingshen update publish` does with the
//! release manager's key (offline; the platform never holds it).

use crate::error::{Result, UpdateError};
use crate::keys::key_id;
use crate::manifest::{check_contents, signed_bytes};
use base64::Engine;
use openssl::pkey::{PKeyRef, Private};
use pingshen_api::{SignedUpdateManifest, UpdateManifest};
use pingshen_pki::Algorithm;

/// Checks `manifest` as a client would, then signs its JSON text.
pub fn sign_manifest(
    manifest: &UpdateManifest,
    key: &PKeyRef<Private>,
) -> Result<SignedUpdateManifest> {
    check_contents(manifest)?;
    let text =
        serde_json::to_string_pretty(manifest).map_err(|e| UpdateError::Manifest(e.to_string()))?;
    sign_text(text, key)
}

/// Signs a manifest's text as it is (tests use it to sign what a careless
/// or hostile publisher might write).
pub fn sign_text(text: String, key: &PKeyRef<Private>) -> Result<SignedUpdateManifest> {
    let algorithm = Algorithm::of_key(key).map_err(|e| UpdateError::Key(e.to_string()))?;
    let signature = pingshen_pki::sig::sign(algorithm, key, &signed_bytes(&text))
        .map_err(|e| UpdateError::Key(e.to_string()))?;
    Ok(SignedUpdateManifest {
        manifest: text,
        algorithm: algorithm.jws_name().to_string(),
        key_id: key_id(key)?,
        signature: base64::engine::general_purpose::STANDARD.encode(signature),
    })
}
