//! Reading certificates: PEM/DER parsing, names, fingerprints, validity times.

use crate::alg::Algorithm;
use crate::error::{PkiError, Result};
use crate::sm2;
use openssl::asn1::{Asn1Time, Asn1TimeRef};
use openssl::hash::MessageDigest;
use openssl::nid::Nid;
use openssl::x509::{X509NameRef, X509Ref, X509};
use serde::Serialize;
use time::OffsetDateTime;

/// What the rest of the system needs to know about one certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CertInfo {
    /// Subject as `C=CN, O=..., CN=...` (attributes in certificate order).
    pub subject: String,
    /// Subject common name (the person's name for people's certificates).
    pub subject_cn: Option<String>,
    /// Subject `serialNumber` attribute: the person id (e.g. `E001`) in demo certificates.
    pub person_id: Option<String>,
    pub issuer: String,
    pub issuer_cn: Option<String>,
    /// Certificate serial number, upper-case hex.
    pub serial: String,
    #[serde(with = "time::serde::rfc3339")]
    pub not_before: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub not_after: OffsetDateTime,
    /// SHA-256 of the DER certificate, lower-case hex.
    pub fingerprint_sha256: String,
    /// Signature algorithm of the certificate's key, if it is one we support.
    pub algorithm: Option<Algorithm>,
}

impl CertInfo {
    /// Extracts the info from a certificate.
    pub fn of(cert: &X509Ref) -> Result<CertInfo> {
        let algorithm = cert
            .public_key()
            .ok()
            .and_then(|k| Algorithm::of_key(&k).ok());
        Ok(CertInfo {
            subject: name_to_string(cert.subject_name()),
            subject_cn: name_entry(cert.subject_name(), Nid::COMMONNAME),
            person_id: name_entry(cert.subject_name(), Nid::SERIALNUMBER),
            issuer: name_to_string(cert.issuer_name()),
            issuer_cn: name_entry(cert.issuer_name(), Nid::COMMONNAME),
            serial: cert
                .serial_number()
                .to_bn()
                .and_then(|b| b.to_hex_str().map(|s| s.to_string()))
                .map_err(|e| PkiError::malformed("证书序列号", e))?,
            not_before: asn1_time_to_offset(cert.not_before())?,
            not_after: asn1_time_to_offset(cert.not_after())?,
            fingerprint_sha256: fingerprint_sha256(cert)?,
            algorithm,
        })
    }
}

/// `C=CN, O=..., CN=...`, attributes in the order they appear in the certificate.
pub fn name_to_string(name: &X509NameRef) -> String {
    name.entries()
        .map(|e| {
            let key = e.object().nid().short_name().unwrap_or("?").to_string();
            let value = e.data().to_string().unwrap_or_else(|_| "?".to_string());
            format!("{key}={value}")
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The first value of one attribute of a name, as UTF-8.
pub fn name_entry(name: &X509NameRef, nid: Nid) -> Option<String> {
    name.entries_by_nid(nid)
        .next()
        .and_then(|e| e.data().to_string().ok())
}

/// Subject common name, or the whole subject when there is none (for messages).
pub fn display_name(cert: &X509Ref) -> String {
    name_entry(cert.subject_name(), Nid::COMMONNAME)
        .unwrap_or_else(|| name_to_string(cert.subject_name()))
}

/// SHA-256 fingerprint of the DER certificate, lower-case hex.
pub fn fingerprint_sha256(cert: &X509Ref) -> Result<String> {
    let d = cert
        .digest(MessageDigest::sha256())
        .map_err(|e| PkiError::crypto("fingerprint", e))?;
    Ok(hex::encode(d))
}

/// Converts an ASN.1 time to `OffsetDateTime` (UTC).
pub fn asn1_time_to_offset(t: &Asn1TimeRef) -> Result<OffsetDateTime> {
    let epoch = Asn1Time::from_unix(0).map_err(|e| PkiError::crypto("time", e))?;
    let diff = epoch
        .diff(t)
        .map_err(|e| PkiError::malformed("证书时间", e))?;
    let secs = i64::from(diff.days) * 86_400 + i64::from(diff.secs);
    OffsetDateTime::from_unix_timestamp(secs).map_err(|e| PkiError::malformed("证书时间", e))
}

/// Converts `OffsetDateTime` to an ASN.1 time (whole seconds).
pub fn offset_to_asn1_time(t: OffsetDateTime) -> Result<Asn1Time> {
    Asn1Time::from_unix(t.unix_timestamp() as _).map_err(|e| PkiError::crypto("time", e))
}

/// RFC 3339 text for messages; never fails.
pub(crate) fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| t.unix_timestamp().to_string())
}

/// Parses one or more certificates from PEM (any number of blocks) or a single DER.
/// SM2 certificates get the default distinguishing ID attached.
pub fn parse_certs(bytes: &[u8]) -> Result<Vec<X509>> {
    let certs = if looks_like_pem(bytes) {
        X509::stack_from_pem(bytes).map_err(|e| PkiError::malformed("证书（PEM）", e))?
    } else {
        vec![X509::from_der(bytes).map_err(|e| PkiError::malformed("证书（DER）", e))?]
    };
    if certs.is_empty() {
        return Err(PkiError::malformed("证书", "文件中没有证书"));
    }
    for c in &certs {
        prepare(c)?;
    }
    Ok(certs)
}

/// Parses exactly one DER certificate (e.g. from `x5c`) and prepares it.
pub fn parse_der(der: &[u8]) -> Result<X509> {
    let cert = X509::from_der(der).map_err(|e| PkiError::malformed("证书（DER）", e))?;
    prepare(&cert)?;
    Ok(cert)
}

/// Makes a certificate ready for chain validation: SM2 signatures on it are
/// checked with the default ID (harmless for other certificates).
pub fn prepare(cert: &X509Ref) -> Result<()> {
    if cert.signature_algorithm().object().nid() == sm2::NID_SM2_WITH_SM3 {
        sm2::attach_distinguishing_id(cert)?;
    }
    Ok(())
}

pub(crate) fn looks_like_pem(bytes: &[u8]) -> bool {
    bytes.windows(11).take(4096).any(|w| w == b"-----BEGIN ")
}
