//! The trust store (roots of the recognised CAs, intermediates, CRLs) and
//! certificate path validation at a given time.

use crate::alg::Algorithm;
use crate::cert::{display_name, parse_certs, rfc3339, CertInfo};
use crate::crl::{self, RevocationCutoff};
use crate::error::{PkiError, Result};
use crate::ffi;
use crate::verify_cache::{self, ValidPath, VerifyCache};
use foreign_types::ForeignTypeRef;
use openssl::stack::Stack;
use openssl::x509::store::X509StoreBuilder;
use openssl::x509::{X509Crl, X509KeyUsage, X509Ref, X509StoreContext, X509VerifyResult, X509};
use serde::Serialize;
use std::path::Path;
use std::sync::Arc;
use time::OffsetDateTime;

/// Roots, intermediates and CRLs of the recognised CAs (CA互认).
#[derive(Default)]
pub struct TrustStore {
    roots: Vec<X509>,
    intermediates: Vec<X509>,
    crls: Vec<X509Crl>,
    require_crl: bool,
    /// Parsed signers and validated paths; emptied whenever the above change.
    cache: VerifyCache,
}

/// A chain that validated, leaf first, trust anchor last.
#[derive(Debug, Clone, Serialize)]
pub struct ValidatedChain {
    pub leaf: CertInfo,
    pub chain: Vec<CertInfo>,
    pub algorithm: Algorithm,
    /// True when every certificate below the root was checked against a CRL.
    pub revocation_checked: bool,
    #[serde(with = "time::serde::rfc3339")]
    pub validated_at: OffsetDateTime,
}

impl TrustStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// Loads every certificate (`.pem`, `.crt`, `.cer`, `.der`) and CRL (`.crl`)
    /// in `dir` (not recursive). Self-issued certificates become roots, the
    /// others intermediates.
    pub fn from_dir(dir: &Path) -> Result<Self> {
        let mut store = Self::new();
        store.load_dir(dir)?;
        Ok(store)
    }

    /// Adds the certificates and CRLs found in `dir`.
    pub fn load_dir(&mut self, dir: &Path) -> Result<()> {
        let entries = std::fs::read_dir(dir).map_err(|e| PkiError::io(dir, e))?;
        let mut paths: Vec<_> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_file())
            .collect();
        paths.sort();
        for path in paths {
            let ext = path
                .extension()
                .and_then(|e| e.to_str())
                .unwrap_or("")
                .to_ascii_lowercase();
            match ext.as_str() {
                "pem" | "crt" | "cer" | "der" => {
                    let bytes = std::fs::read(&path).map_err(|e| PkiError::io(&path, e))?;
                    for cert in parse_certs(&bytes)? {
                        self.add_cert(cert);
                    }
                }
                "crl" => self.load_crl_file(&path)?,
                _ => {}
            }
        }
        Ok(())
    }

    /// Adds a root (self-issued) or intermediate certificate.
    pub fn add_cert(&mut self, cert: X509) {
        // Idempotent: loading the same file twice must not duplicate anchors.
        let der = cert.to_der().unwrap_or_default();
        let known = self
            .roots
            .iter()
            .chain(&self.intermediates)
            .any(|c| c.to_der().map(|d| d == der).unwrap_or(false));
        if known {
            return;
        }
        let _ = crate::cert::prepare(&cert);
        self.cache.clear();
        if is_self_issued(&cert) {
            self.roots.push(cert);
        } else {
            self.intermediates.push(cert);
        }
    }

    /// Adds a CRL from PEM or DER bytes.
    pub fn add_crl_bytes(&mut self, bytes: &[u8]) -> Result<()> {
        let crl = if crate::cert::looks_like_pem(bytes) {
            X509Crl::from_pem(bytes)
        } else {
            X509Crl::from_der(bytes)
        }
        .map_err(|e| PkiError::malformed("证书吊销列表", e))?;
        self.crls.push(crl);
        self.cache.clear();
        Ok(())
    }

    /// Adds a CRL file (PEM or DER).
    pub fn load_crl_file(&mut self, path: &Path) -> Result<()> {
        let bytes = std::fs::read(path).map_err(|e| PkiError::io(path, e))?;
        self.add_crl_bytes(&bytes)
    }

    /// When set, a certificate whose issuer has no CRL in the store (or only
    /// an expired one) fails with `revocation_unknown`; otherwise revocation
    /// is checked only where a CRL exists.
    pub fn set_require_crl(&mut self, require: bool) {
        self.require_crl = require;
        self.cache.clear();
    }

    pub fn roots(&self) -> &[X509] {
        &self.roots
    }
    pub fn intermediates(&self) -> &[X509] {
        &self.intermediates
    }

    /// Validates `leaf` at time `at`, using `extra` (untrusted, e.g. from `x5c`)
    /// and the store's intermediates to build a path to one of the roots.
    /// Checks signatures (SM2 included), validity, basic constraints, key usage
    /// (digitalSignature on the leaf, keyCertSign on CAs) and CRLs.
    ///
    /// `at` is a time the caller vouches for (now, or a platform receipt's
    /// time): a certificate revoked after `at` still validates.
    pub fn validate(
        &self,
        leaf: &X509Ref,
        extra: &[X509],
        at: OffsetDateTime,
    ) -> Result<ValidatedChain> {
        self.validate_with(
            leaf,
            extra,
            at,
            RevocationCutoff::AtValidationTime,
            self.require_crl,
        )
    }

    /// Like [`validate`](Self::validate), and a current CRL of every issuer
    /// is required whatever the store's setting: the check before a person
    /// signs with their own certificate, where "revocation unknown" must
    /// refuse (`revocation_unknown`) rather than pass.
    pub fn validate_strict(
        &self,
        leaf: &X509Ref,
        extra: &[X509],
        at: OffsetDateTime,
    ) -> Result<ValidatedChain> {
        self.validate_with(leaf, extra, at, RevocationCutoff::AtValidationTime, true)
    }

    /// Like [`validate`](Self::validate) at a time the signer claims
    /// (`sigT`), which proves nothing about when the key was used: any
    /// listing of a certificate on a CRL counts as revoked.
    pub fn validate_claimed(
        &self,
        leaf: &X509Ref,
        extra: &[X509],
        at: OffsetDateTime,
    ) -> Result<ValidatedChain> {
        self.validate_with(
            leaf,
            extra,
            at,
            RevocationCutoff::AnyListing,
            self.require_crl,
        )
    }

    /// [`validate`](Self::validate) or [`validate_claimed`](Self::validate_claimed)
    /// (by `cutoff`) for certificates whose path-cache key the caller
    /// already holds (an envelope's parsed `x5c`).
    pub(crate) fn validate_cached(
        &self,
        key: verify_cache::Key,
        leaf: &X509Ref,
        extra: &[X509],
        at: OffsetDateTime,
        cutoff: RevocationCutoff,
    ) -> Result<ValidatedChain> {
        self.validate_keyed(Some(key), leaf, extra, at, cutoff, self.require_crl)
    }

    /// The CRLs the store holds (PEM), e.g. to carry them in an archive.
    pub fn crls_pem(&self) -> Vec<String> {
        self.crls
            .iter()
            .filter_map(|c| c.to_pem().ok())
            .filter_map(|p| String::from_utf8(p).ok())
            .collect()
    }

    pub(crate) fn cache(&self) -> &VerifyCache {
        &self.cache
    }

    fn validate_with(
        &self,
        leaf: &X509Ref,
        extra: &[X509],
        at: OffsetDateTime,
        cutoff: RevocationCutoff,
        require_crl: bool,
    ) -> Result<ValidatedChain> {
        let ders = std::iter::once(leaf.to_der())
            .chain(extra.iter().map(|c| c.to_der()))
            .collect::<std::result::Result<Vec<_>, _>>()
            .ok();
        let key = ders
            .as_ref()
            .and_then(|d| verify_cache::key_of(d.iter().map(Vec::as_slice)));
        self.validate_keyed(key, leaf, extra, at, cutoff, require_crl)
    }

    /// Validation through the path cache under `key` (the digest of leaf and
    /// extra DER; `None` skips the cache). Public entry points land here.
    pub(crate) fn validate_keyed(
        &self,
        key: Option<verify_cache::Key>,
        leaf: &X509Ref,
        extra: &[X509],
        at: OffsetDateTime,
        cutoff: RevocationCutoff,
        require_crl: bool,
    ) -> Result<ValidatedChain> {
        let cached = key
            .and_then(|k| self.cache.path(&k))
            .filter(|p| p.covers(at));
        let path = match cached {
            Some(path) => path,
            None => {
                let path = Arc::new(self.build_path(leaf, extra, at)?);
                if let Some(k) = key {
                    self.cache.keep_path(k, path.clone());
                }
                path
            }
        };
        let mut revocation_checked = true;
        for (pair, choice) in path.chain.windows(2).zip(&path.crl_choices) {
            let checked = crl::judge(
                *choice,
                &pair[0],
                &pair[1],
                &self.crls,
                at,
                require_crl,
                cutoff,
            )?;
            revocation_checked &= checked;
        }
        Ok(ValidatedChain {
            leaf: path.leaf.clone(),
            chain: path.chain_info.clone(),
            algorithm: path.algorithm,
            revocation_checked,
            validated_at: at,
        })
    }

    /// Builds and checks a path with OpenSSL at `at` (signatures, validity,
    /// constraints, key usage) and picks each issuer's CRL; the
    /// time-dependent CRL judgement is left to the caller.
    fn build_path(&self, leaf: &X509Ref, extra: &[X509], at: OffsetDateTime) -> Result<ValidPath> {
        let map = |e| PkiError::crypto("trust store", e);
        crate::cert::prepare(leaf)?;
        let mut builder = X509StoreBuilder::new().map_err(map)?;
        for c in self.roots.iter().chain(&self.intermediates) {
            builder.add_cert(c.clone()).map_err(map)?;
        }
        let store = builder.build();
        let mut untrusted = Stack::new().map_err(map)?;
        for c in extra {
            crate::cert::prepare(c)?;
            untrusted.push(c.clone()).map_err(map)?;
        }
        let mut ctx = X509StoreContext::new().map_err(map)?;
        let outcome = ctx
            .init(&store, leaf, &untrusted, |c| {
                unsafe { ffi::X509_STORE_CTX_set_time(c.as_ptr(), 0, at.unix_timestamp() as _) };
                let ok = c.verify_cert()?;
                let chain: Vec<X509> = c
                    .chain()
                    .map(|s| s.iter().map(|x| x.to_owned()).collect())
                    .unwrap_or_default();
                let failing = c.current_cert().map(|x| x.to_owned());
                Ok((ok, c.error(), chain, failing))
            })
            .map_err(map)?;
        let _ = openssl::error::ErrorStack::get();
        let (ok, error, chain, failing) = outcome;
        if !ok {
            let subject = failing.as_deref().unwrap_or(leaf);
            return Err(map_verify_error(error, subject));
        }
        let leaf_ku = leaf.key_usage();
        if !leaf_ku.is_some_and(|k| k.contains(X509KeyUsage::DIGITAL_SIGNATURE)) {
            return Err(PkiError::BadKeyUsage {
                subject: display_name(leaf),
                needed: "数字签名（digitalSignature）".to_string(),
            });
        }
        let public = leaf
            .public_key()
            .map_err(|e| PkiError::malformed("证书公钥", e))?;
        let algorithm = Algorithm::of_key(&public)?;
        let crl_choices = chain
            .windows(2)
            .map(|pair| crl::choose(&pair[0], &pair[1], &self.crls))
            .collect::<Result<Vec<_>>>()?;
        let chain_info = chain
            .iter()
            .map(|c| CertInfo::of(c))
            .collect::<Result<Vec<_>>>()?;
        let valid_from = chain_info.iter().map(|c| c.not_before).max();
        let valid_until = chain_info.iter().map(|c| c.not_after).min();
        let (Some(valid_from), Some(valid_until)) = (valid_from, valid_until) else {
            return Err(PkiError::ChainInvalid {
                detail: "OpenSSL 未返回证书路径".to_string(),
            });
        };
        Ok(ValidPath {
            leaf: CertInfo::of(leaf)?,
            chain_info,
            chain,
            algorithm,
            valid_from,
            valid_until,
            crl_choices,
        })
    }
}

fn is_self_issued(cert: &X509Ref) -> bool {
    cert.subject_name()
        .try_cmp(cert.issuer_name())
        .map(|o| o == std::cmp::Ordering::Equal)
        .unwrap_or(false)
}

fn map_verify_error(error: X509VerifyResult, cert: &X509Ref) -> PkiError {
    use openssl_sys as s;
    let subject = display_name(cert);
    match error.as_raw() {
        s::X509_V_ERR_CERT_HAS_EXPIRED => PkiError::Expired {
            not_after: crate::cert::asn1_time_to_offset(cert.not_after())
                .map(rfc3339)
                .unwrap_or_default(),
            subject,
        },
        s::X509_V_ERR_CERT_NOT_YET_VALID => PkiError::NotYetValid {
            not_before: crate::cert::asn1_time_to_offset(cert.not_before())
                .map(rfc3339)
                .unwrap_or_default(),
            subject,
        },
        s::X509_V_ERR_CERT_SIGNATURE_FAILURE
        | s::X509_V_ERR_UNABLE_TO_DECRYPT_CERT_SIGNATURE
        | s::X509_V_ERR_UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY => PkiError::BadSignature { subject },
        s::X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT
        | s::X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY
        | s::X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT
        | s::X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN
        | s::X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE
        | s::X509_V_ERR_CERT_UNTRUSTED
        | s::X509_V_ERR_CERT_REJECTED => PkiError::UntrustedRoot { subject },
        s::X509_V_ERR_INVALID_CA | s::X509_V_ERR_PATH_LENGTH_EXCEEDED => {
            PkiError::BadBasicConstraints { subject }
        }
        s::X509_V_ERR_KEYUSAGE_NO_CERTSIGN | s::X509_V_ERR_INVALID_PURPOSE => {
            PkiError::BadKeyUsage {
                subject,
                needed: "签发证书（keyCertSign）".to_string(),
            }
        }
        s::X509_V_ERR_ERROR_IN_CERT_NOT_BEFORE_FIELD
        | s::X509_V_ERR_ERROR_IN_CERT_NOT_AFTER_FIELD => {
            PkiError::malformed("证书有效期字段", subject)
        }
        s::X509_V_ERR_CA_KEY_TOO_SMALL
        | s::X509_V_ERR_EE_KEY_TOO_SMALL
        | s::X509_V_ERR_CA_MD_TOO_WEAK => PkiError::UnsupportedAlgorithm {
            detail: format!("{subject}: {}", error.error_string()),
        },
        _ => PkiError::ChainInvalid {
            detail: format!("{subject}: {}", error.error_string()),
        },
    }
}
