//! Raw signatures in the envelope's encodings, with software keys.
//!
//! RS256: PKCS#1 v1.5 over SHA-256. ES256 and SM2SM3: r||s, each 32 bytes
//! big-endian (IEEE P1363 / RFC 7515 §3.4), converted to and from the DER form
//! OpenSSL uses.

use crate::alg::Algorithm;
use crate::error::{PkiError, Result};
use crate::sm2;
use openssl::bn::BigNum;
use openssl::ecdsa::EcdsaSig;
use openssl::hash::MessageDigest;
use openssl::pkey::{HasPublic, PKeyRef, Private};

/// Length of one coordinate (r or s) for P-256 and SM2.
const COORD_LEN: usize = 32;

/// Signs `data` with `key` for `alg`, returning the envelope encoding.
pub fn sign(alg: Algorithm, key: &PKeyRef<Private>, data: &[u8]) -> Result<Vec<u8>> {
    match alg {
        Algorithm::Rs256 | Algorithm::Es256 => {
            let mut signer = openssl::sign::Signer::new(MessageDigest::sha256(), key)
                .map_err(|e| PkiError::crypto("sign", e))?;
            let der = signer
                .sign_oneshot_to_vec(data)
                .map_err(|e| PkiError::crypto("sign", e))?;
            if alg == Algorithm::Es256 {
                der_to_raw(&der)
            } else {
                Ok(der)
            }
        }
        Algorithm::Sm2Sm3 => der_to_raw(&sm2::sign_der(key, data)?),
    }
}

/// Verifies an envelope-encoded signature. `Ok(false)` means "does not verify";
/// `Err` is reserved for unusable keys and library failures.
pub fn verify<T: HasPublic>(
    alg: Algorithm,
    key: &PKeyRef<T>,
    data: &[u8],
    sig: &[u8],
) -> Result<bool> {
    match alg {
        Algorithm::Rs256 => verify_openssl(key, data, sig),
        Algorithm::Es256 => match raw_to_der(sig) {
            Some(der) => verify_openssl(key, data, &der),
            None => Ok(false),
        },
        Algorithm::Sm2Sm3 => match raw_to_der(sig) {
            Some(der) => sm2::verify_der(key, data, &der),
            None => Ok(false),
        },
    }
}

/// Verifies an ECDSA (P-256, SHA-256) signature in DER form.
pub fn verify_ecdsa_der<T: HasPublic>(key: &PKeyRef<T>, data: &[u8], der: &[u8]) -> Result<bool> {
    verify_openssl(key, data, der)
}

fn verify_openssl<T: HasPublic>(key: &PKeyRef<T>, data: &[u8], sig: &[u8]) -> Result<bool> {
    let mut verifier = openssl::sign::Verifier::new(MessageDigest::sha256(), key)
        .map_err(|e| PkiError::crypto("verify", e))?;
    // The crate reports malformed signatures as errors; for a verifier they are just "no".
    match verifier.verify_oneshot(sig, data) {
        Ok(ok) => Ok(ok),
        Err(_) => Ok(false),
    }
}

/// DER `SEQUENCE { r, s }` → r||s with 32-byte halves.
pub fn der_to_raw(der: &[u8]) -> Result<Vec<u8>> {
    let sig = EcdsaSig::from_der(der).map_err(|e| PkiError::malformed("ECDSA/SM2 签名", e))?;
    let mut out = sig
        .r()
        .to_vec_padded(COORD_LEN as i32)
        .map_err(|e| PkiError::crypto("signature encoding", e))?;
    out.extend(
        sig.s()
            .to_vec_padded(COORD_LEN as i32)
            .map_err(|e| PkiError::crypto("signature encoding", e))?,
    );
    Ok(out)
}

/// r||s → DER; `None` unless exactly 64 bytes.
pub fn raw_to_der(raw: &[u8]) -> Option<Vec<u8>> {
    if raw.len() != 2 * COORD_LEN {
        return None;
    }
    let r = BigNum::from_slice(&raw[..COORD_LEN]).ok()?;
    let s = BigNum::from_slice(&raw[COORD_LEN..]).ok()?;
    EcdsaSig::from_private_components(r, s).ok()?.to_der().ok()
}
