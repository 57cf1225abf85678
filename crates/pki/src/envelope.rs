//! The signed envelope: JWS JSON serialization, flattened (RFC 7515 §7.2.2),
//! over an RFC 8785 canonical JSON payload, with the signer's chain in `x5c`.
//! Format details and openssl CLI verification: `docs/envelope.md`.

use crate::alg::Algorithm;
use crate::cert::{parse_der, rfc3339, CertInfo};
use crate::crl::RevocationCutoff::{AnyListing, AtValidationTime};
use crate::error::{PkiError, Result};
use crate::jcs;
use crate::sig;
use crate::signer::Signer;
use crate::sm2;
use crate::trust::{TrustStore, ValidatedChain};
use crate::verify_cache::{self, ParsedSigner};
use base64::engine::general_purpose::{STANDARD as B64_STD, URL_SAFE_NO_PAD as B64_URL};
use base64::Engine;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// A flattened JWS. All three members are base64url without padding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Envelope {
    pub protected: String,
    pub payload: String,
    pub signature: String,
}

impl Envelope {
    /// Serialises as compact JSON `{"protected":…,"payload":…,"signature":…}`.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("three strings always serialise")
    }

    /// Parses the flattened JSON form; an unprotected `header` member is refused.
    pub fn from_json(bytes: &[u8]) -> Result<Self> {
        serde_json::from_slice(bytes).map_err(|e| PkiError::BadEnvelope {
            detail: format!("不是 {{protected, payload, signature}} 形式的 JWS：{e}"),
        })
    }

    /// The JWS signing input: ASCII(protected || '.' || payload).
    pub fn signing_input(&self) -> Vec<u8> {
        format!("{}.{}", self.protected, self.payload).into_bytes()
    }
}

/// The protected header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    pub alg: String,
    /// Document kind, e.g. `pingshen.score-sheet+json`.
    pub typ: String,
    /// Signing time, RFC 3339 UTC, whole seconds (JAdES `sigT`).
    #[serde(rename = "sigT")]
    pub sig_t: String,
    /// Certificate chain, leaf first, standard base64 of DER.
    pub x5c: Vec<String>,
    /// Critical extensions: none are understood, so any present is refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crit: Option<serde_json::Value>,
}

/// Signs a JSON document. `payload_json` is canonicalised first.
pub fn sign_json(
    signer: &dyn Signer,
    typ: &str,
    payload_json: &[u8],
    at: OffsetDateTime,
) -> Result<Envelope> {
    let payload = jcs::canonicalize(payload_json)?;
    sign_canonical(signer, typ, &payload, at)
}

/// Signs any serialisable value as canonical JSON.
pub fn sign_value<T: Serialize + ?Sized>(
    signer: &dyn Signer,
    typ: &str,
    value: &T,
    at: OffsetDateTime,
) -> Result<Envelope> {
    let payload = jcs::to_canonical(value)?;
    sign_canonical(signer, typ, &payload, at)
}

fn sign_canonical(
    signer: &dyn Signer,
    typ: &str,
    payload: &[u8],
    at: OffsetDateTime,
) -> Result<Envelope> {
    let at = at
        .to_offset(time::UtcOffset::UTC)
        .replace_nanosecond(0)
        .expect("0 is a valid nanosecond");
    let x5c = signer
        .chain()
        .iter()
        .map(|c| c.to_der().map(|d| B64_STD.encode(d)))
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|e| PkiError::crypto("certificate encoding", e))?;
    let header = Header {
        alg: signer.algorithm().jws_name().to_string(),
        typ: typ.to_string(),
        sig_t: at.format(&Rfc3339).map_err(|e| PkiError::BadEnvelope {
            detail: format!("签名时间：{e}"),
        })?,
        x5c,
        crit: None,
    };
    let header_json = jcs::to_canonical(&header)?;
    let mut env = Envelope {
        protected: B64_URL.encode(header_json),
        payload: B64_URL.encode(payload),
        signature: String::new(),
    };
    let signature = signer.sign(&env.signing_input())?;
    env.signature = B64_URL.encode(signature);
    Ok(env)
}

/// Options for [`verify_envelope`].
#[derive(Debug, Clone, Default)]
pub struct VerifyOptions {
    /// Time at which the chain must be valid, one the caller vouches for
    /// (now, a platform receipt's time): a certificate revoked after it
    /// still validates. `None` means the signing time in `sigT`, the
    /// signer's own claim, against which any revocation counts.
    pub at: Option<OffsetDateTime>,
    /// When set, the header's `typ` must equal it.
    pub expected_typ: Option<String>,
}

/// Who signed, as the platform and auditors need it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SignerIdentity {
    pub subject_cn: Option<String>,
    /// Person id from the subject's serialNumber attribute.
    pub person_id: Option<String>,
    pub issuer_cn: Option<String>,
    pub subject: String,
    pub issuer: String,
    /// SHA-256 of the leaf certificate, hex.
    pub fingerprint_sha256: String,
    #[serde(with = "time::serde::rfc3339")]
    pub not_after: OffsetDateTime,
}

impl From<&CertInfo> for SignerIdentity {
    fn from(c: &CertInfo) -> Self {
        SignerIdentity {
            subject_cn: c.subject_cn.clone(),
            person_id: c.person_id.clone(),
            issuer_cn: c.issuer_cn.clone(),
            subject: c.subject.clone(),
            issuer: c.issuer.clone(),
            fingerprint_sha256: c.fingerprint_sha256.clone(),
            not_after: c.not_after,
        }
    }
}

/// A verified envelope.
#[derive(Debug, Clone, Serialize)]
pub struct VerifiedEnvelope {
    pub signer: SignerIdentity,
    pub algorithm: Algorithm,
    pub typ: String,
    #[serde(with = "time::serde::rfc3339")]
    pub signed_at: OffsetDateTime,
    /// The canonical payload bytes exactly as signed.
    #[serde(skip)]
    pub payload_bytes: Vec<u8>,
    pub payload: serde_json::Value,
    pub chain: ValidatedChain,
}

fn bad(detail: impl Into<String>) -> PkiError {
    PkiError::BadEnvelope {
        detail: detail.into(),
    }
}

/// Parses the envelope and its header without checking anything cryptographic.
pub fn parse_header(env: &Envelope) -> Result<Header> {
    let raw = B64_URL
        .decode(&env.protected)
        .map_err(|_| bad("protected 不是 base64url"))?;
    // Strict parse first (duplicate header members would be ambiguous).
    jcs::canonicalize(&raw)
        .map_err(|e| bad(format!("protected 不是有效 JSON：{}", e.message_zh())))?;
    serde_json::from_slice(&raw).map_err(|e| bad(format!("protected 头缺少或含有错误字段：{e}")))
}

/// Verifies an envelope: header, algorithm against the key, signature,
/// canonical payload, and the certificate chain against `trust`.
pub fn verify_envelope(
    trust: &TrustStore,
    envelope_json: &[u8],
    opts: &VerifyOptions,
) -> Result<VerifiedEnvelope> {
    let env = Envelope::from_json(envelope_json)?;
    verify_parsed(trust, &env, opts)
}

/// Same as [`verify_envelope`] for an already parsed envelope.
pub fn verify_parsed(
    trust: &TrustStore,
    env: &Envelope,
    opts: &VerifyOptions,
) -> Result<VerifiedEnvelope> {
    let header = parse_header(env)?;
    if header.crit.is_some() {
        return Err(bad("不支持 crit 头参数"));
    }
    let alg =
        Algorithm::from_jws_name(&header.alg).ok_or_else(|| PkiError::UnsupportedAlgorithm {
            detail: format!("签名算法 {}", header.alg),
        })?;
    if let Some(want) = &opts.expected_typ {
        if &header.typ != want {
            return Err(bad(format!("文档类型为 {}，应为 {want}", header.typ)));
        }
    }
    let signed_at = OffsetDateTime::parse(&header.sig_t, &Rfc3339)
        .map_err(|_| bad("sigT 不是 RFC 3339 时间"))?;
    if header.x5c.is_empty() {
        return Err(bad("x5c 为空"));
    }
    let signer = parsed_signer(trust, &header.x5c)?;
    if signer.algorithm != alg {
        return Err(PkiError::AlgMismatch {
            header: alg.jws_name().to_string(),
            key: signer.algorithm.key_label().to_string(),
        });
    }
    let signature = B64_URL
        .decode(&env.signature)
        .map_err(|_| bad("signature 不是 base64url"))?;
    let verified = match (&signer.sm2_z_a, sig::raw_to_der(&signature)) {
        (Some(z_a), Some(der)) => {
            sm2::verify_der_with_z_a(&signer.public, z_a, &env.signing_input(), &der)?
        }
        (Some(_), None) => false,
        (None, _) => sig::verify(alg, &signer.public, &env.signing_input(), &signature)?,
    };
    if !verified {
        return Err(PkiError::SignatureInvalid);
    }
    let payload_bytes = B64_URL
        .decode(&env.payload)
        .map_err(|_| bad("payload 不是 base64url"))?;
    if !jcs::is_canonical(&payload_bytes) {
        return Err(PkiError::NotCanonical);
    }
    let payload: serde_json::Value =
        serde_json::from_slice(&payload_bytes).map_err(|e| PkiError::InvalidJson {
            detail: e.to_string(),
        })?;
    // A time the caller gives is one it vouches for; the signer's own sigT is
    // a claim, against which any revocation counts.
    let (leaf, extra) = (&signer.certs[0], &signer.certs[1..]);
    let validated = match opts.at {
        Some(at) => trust.validate_cached(signer.path_key, leaf, extra, at, AtValidationTime)?,
        None => trust.validate_cached(signer.path_key, leaf, extra, signed_at, AnyListing)?,
    };
    Ok(VerifiedEnvelope {
        signer: SignerIdentity::from(&validated.leaf),
        algorithm: alg,
        typ: header.typ,
        signed_at,
        payload_bytes,
        payload,
        chain: validated,
    })
}

/// The certificates of an `x5c`, parsed once per trust store and kept with
/// the leaf's key, algorithm and (SM2) Z_A.
fn parsed_signer(trust: &TrustStore, x5c: &[String]) -> Result<Arc<ParsedSigner>> {
    let key = verify_cache::key_of(x5c.iter().map(|c| c.as_bytes()));
    if let Some(found) = key.and_then(|k| trust.cache().signer(&k)) {
        return Ok(found);
    }
    let mut ders = Vec::with_capacity(x5c.len());
    let mut certs = Vec::with_capacity(x5c.len());
    for text in x5c {
        let der = B64_STD.decode(text).map_err(|_| bad("x5c 不是 base64"))?;
        certs.push(parse_der(&der)?);
        ders.push(der);
    }
    let public = certs[0]
        .public_key()
        .map_err(|e| PkiError::malformed("证书公钥", e))?;
    let algorithm = Algorithm::of_key(&public)?;
    let sm2_z_a = match algorithm {
        Algorithm::Sm2Sm3 => Some(sm2::z_a(&public)?),
        Algorithm::Rs256 | Algorithm::Es256 => None,
    };
    let path_key = verify_cache::key_of(ders.iter().map(Vec::as_slice))
        .ok_or_else(|| PkiError::crypto("SHA-256", openssl::error::ErrorStack::get()))?;
    let signer = Arc::new(ParsedSigner {
        certs,
        public,
        algorithm,
        sm2_z_a,
        path_key,
    });
    if let Some(k) = key {
        trust.cache().keep_signer(k, signer.clone());
    }
    Ok(signer)
}

/// RFC 3339 text of the signing time (for display).
pub fn format_time(t: OffsetDateTime) -> String {
    rfc3339(t)
}
