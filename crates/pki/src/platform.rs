//! The platform's own signing identity, pinned by fingerprint.
//!
//! A certificate that says `serialNumber=platform` proves nothing by itself:
//! any recognised CA could issue one. Documents the platform signs (receipts,
//! manifests, the opening and panel records, witness-log attestations) are
//! accepted only from a certificate whose SHA-256 fingerprint the person
//! pinned (the desktop's settings, `pingshen verify --platform-cert`).
//!
//! A platform document is checked at the time it claims (its `sigT`), which
//! must fall within the certificate's validity and before any revocation of
//! the platform's certificate.

use crate::cert::{fingerprint_sha256, parse_certs};
use crate::envelope::{parse_header, verify_parsed, Envelope, VerifiedEnvelope, VerifyOptions};
use crate::error::{PkiError, Result};
use crate::trust::TrustStore;
use std::collections::BTreeSet;
use std::path::Path;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// The subject `serialNumber` of the platform's signing certificate.
pub const PLATFORM_SUBJECT_ID: &str = "platform";

/// The pinned fingerprints (SHA-256 of the DER certificate, lowercase hex)
/// of the platform's signing certificates. Several are allowed so that an
/// archive spanning a certificate renewal still verifies.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PlatformPins(BTreeSet<String>);

impl PlatformPins {
    /// No pin: every platform document is refused.
    pub fn none() -> Self {
        Self::default()
    }

    /// Pins one fingerprint (hex, any case, `:` separators allowed).
    pub fn one(fingerprint: &str) -> Result<Self> {
        let mut pins = Self::none();
        pins.add_fingerprint(fingerprint)?;
        Ok(pins)
    }

    pub fn add_fingerprint(&mut self, fingerprint: &str) -> Result<()> {
        self.0.insert(normalise(fingerprint)?);
        Ok(())
    }

    /// A command-line value: a fingerprint, or the path of a certificate
    /// file (PEM or DER) whose first certificate is pinned (a chain file
    /// lists the platform's certificate first).
    pub fn add_arg(&mut self, arg: &str) -> Result<()> {
        if let Ok(fp) = normalise(arg) {
            self.0.insert(fp);
            return Ok(());
        }
        let path = Path::new(arg);
        let bytes = std::fs::read(path).map_err(|e| PkiError::io(path, e))?;
        let cert = parse_certs(&bytes)?
            .into_iter()
            .next()
            .ok_or_else(|| PkiError::malformed("平台证书文件", "不含证书"))?;
        self.0.insert(fingerprint_sha256(&cert)?);
        Ok(())
    }

    pub fn contains(&self, fingerprint: &str) -> bool {
        self.0.contains(&fingerprint.to_ascii_lowercase())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(String::as_str)
    }

    /// Verifies a document the platform signed: the envelope and its chain
    /// at the document's own `sigT`, the signer is the platform, and its
    /// certificate is pinned.
    pub fn verify(
        &self,
        trust: &TrustStore,
        env: &Envelope,
        typ: &str,
    ) -> Result<VerifiedEnvelope> {
        let claimed = claimed_time(env)?;
        let verified = verify_parsed(
            trust,
            env,
            &VerifyOptions {
                at: Some(claimed),
                expected_typ: Some(typ.to_string()),
            },
        )?;
        if verified.signer.person_id.as_deref() != Some(PLATFORM_SUBJECT_ID) {
            return Err(PkiError::NotPlatform {
                subject: verified.signer.subject.clone(),
            });
        }
        if !self.contains(&verified.signer.fingerprint_sha256) {
            return Err(PkiError::PlatformNotPinned {
                fingerprint: verified.signer.fingerprint_sha256.clone(),
            });
        }
        Ok(verified)
    }
}

/// The signing time an envelope claims (`sigT`), before anything is verified.
pub fn claimed_time(env: &Envelope) -> Result<OffsetDateTime> {
    let header = parse_header(env)?;
    OffsetDateTime::parse(&header.sig_t, &Rfc3339).map_err(|_| PkiError::BadEnvelope {
        detail: "sigT 不是 RFC 3339 时间".to_string(),
    })
}

fn normalise(fingerprint: &str) -> Result<String> {
    let hex: String = fingerprint
        .trim()
        .chars()
        .filter(|c| *c != ':')
        .collect::<String>()
        .to_ascii_lowercase();
    if hex.len() == 64 && hex.chars().all(|c| c.is_ascii_hexdigit()) {
        Ok(hex)
    } else {
        Err(PkiError::malformed(
            "平台证书指纹",
            "应为 64 位十六进制 SHA-256 指纹，或证书文件路径",
        ))
    }
}
