//! Certificates, keys (PKCS#12, PKCS#11), trust, signed envelopes.
//!
//! - [`signer`]: a [`Signer`] from a PKCS#12 file or a PKCS#11 token
//!   (RSA-2048+, P-256, SM2 with SM3 and ID 1234567812345678).
//! - [`trust`]: the recognised CAs (CA互认) and path validation at a given time.
//! - [`envelope`]: RFC 8785 canonical JSON signed as a flattened JWS with `x5c`.
//! - [`keywrap`]: a data key wrapped to a certificate, unwrapped by the [`Signer`].
//! - [`platform`]: the platform's signing certificate, pinned by fingerprint.
//! - [`demo`]: the sandbox's demo PKI.
//!
//! Every error is a [`PkiError`] with a stable `code()` and a Chinese `message_zh()`.

pub mod alg;
pub mod cert;
pub mod chunk_tree;
mod crl;
pub mod demo;
mod der;
pub mod envelope;
pub mod error;
mod ffi;
pub mod issue;
pub mod jcs;
pub mod keywrap;
pub mod platform;
pub mod possession;
pub mod providers;
pub mod sig;
pub mod signer;
pub mod sm2;
pub mod trust;
mod verify_cache;

pub use alg::Algorithm;
pub use cert::CertInfo;
pub use envelope::{
    sign_json, sign_value, verify_envelope, Envelope, SignerIdentity, VerifiedEnvelope,
    VerifyOptions,
};
pub use error::{PkiError, Result};
pub use keywrap::{wrap_key_for, DataKey, WrappedKey};
pub use platform::{PlatformPins, PLATFORM_SUBJECT_ID};
pub use possession::prove_possession;
pub use signer::{Pkcs12Signer, Signer, TokenConfig, TokenSigner};
pub use trust::{TrustStore, ValidatedChain};

/// Re-exported so callers (the CLI) can name certificates, times and secret
/// buffers without adding the crates themselves.
pub use openssl::x509::X509;
pub use time::OffsetDateTime;
pub use zeroize::Zeroizing;

/// Parses an RFC 3339 time such as `2026-11-30T09:30:00+08:00`.
pub fn parse_rfc3339(text: &str) -> Result<OffsetDateTime> {
    OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
        .map_err(|e| PkiError::malformed("时间（RFC 3339）", e))
}
