//! Revocation by CRL, done here rather than by OpenSSL's store so that SM2
//! CRLs (signed with SM3 and the default ID, which `X509_CRL_verify` does not
//! pass) are checked the same way as RSA and P-256 ones.

use crate::cert::{asn1_time_to_offset, display_name, rfc3339};
use crate::der::split_signed;
use crate::error::{PkiError, Result};
use crate::sig::der_to_raw;
use crate::sm2;
use openssl::x509::{CrlStatus, X509Crl, X509Ref};
use std::cmp::Ordering;
use time::OffsetDateTime;

/// DER of the OID 1.2.156.10197.1.501 (SM2-with-SM3).
const SM2_WITH_SM3_OID: &[u8] = &[0x06, 0x08, 0x2a, 0x81, 0x1c, 0xcf, 0x55, 0x01, 0x83, 0x75];

/// How a listing on a CRL is weighed against the validation time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RevocationCutoff {
    /// The validation time is the signer's own claim (`sigT`): it cannot be
    /// trusted to predate a compromise, so any listing counts as revoked.
    AnyListing,
    /// The validation time is one the caller vouches for (now, or the time
    /// in a platform receipt): a certificate revoked after it still
    /// validates, one revoked at or before it does not.
    AtValidationTime,
}

/// Which CRL speaks for one certificate's issuer: fixed for a given set of
/// CRLs, so a chain validated once keeps it (verifying a CRL's signature is
/// the costly part) and only the time-dependent judgement is redone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CrlChoice {
    /// Index into the CRL list of the newest CRL correctly signed by the issuer.
    Newest(usize),
    /// No usable CRL; `bad_signature` when one was present but not signed by the issuer.
    None { bad_signature: bool },
}

/// Finds the newest CRL the issuer signed (verifying signatures).
pub(crate) fn choose(cert: &X509Ref, issuer: &X509Ref, crls: &[X509Crl]) -> Result<CrlChoice> {
    let mut bad_signature = false;
    let mut newest: Option<(usize, OffsetDateTime)> = None;
    for (index, crl) in crls.iter().enumerate() {
        let same_issuer = crl
            .issuer_name()
            .try_cmp(cert.issuer_name())
            .map(|o| o == Ordering::Equal)
            .unwrap_or(false);
        if !same_issuer {
            continue;
        }
        if !crl_signature_ok(crl, issuer)? {
            bad_signature = true;
            continue;
        }
        let this_update = asn1_time_to_offset(crl.last_update())?;
        if newest.is_none_or(|(_, t)| this_update > t) {
            newest = Some((index, this_update));
        }
    }
    Ok(match newest {
        Some((index, _)) => CrlChoice::Newest(index),
        None => CrlChoice::None { bad_signature },
    })
}

/// Judges `cert` at `at` by the chosen CRL: expiry of the CRL, listing and
/// revocation time against the cutoff.
pub(crate) fn judge(
    choice: CrlChoice,
    cert: &X509Ref,
    issuer: &X509Ref,
    crls: &[X509Crl],
    at: OffsetDateTime,
    require: bool,
    cutoff: RevocationCutoff,
) -> Result<bool> {
    let crl = match choice {
        CrlChoice::Newest(index) => &crls[index],
        CrlChoice::None { bad_signature } => {
            let issuer = display_name(issuer);
            if bad_signature {
                return Err(PkiError::CrlBadSignature { issuer });
            }
            if require {
                return Err(PkiError::CrlMissing { issuer });
            }
            return Ok(false);
        }
    };
    if let Some(next) = crl.next_update() {
        let next = asn1_time_to_offset(next)?;
        if at > next {
            return Err(PkiError::CrlExpired {
                issuer: display_name(issuer),
                next_update: rfc3339(next),
            });
        }
    }
    match crl.get_by_serial(cert.serial_number()) {
        CrlStatus::Revoked(entry) => {
            let revoked_at = asn1_time_to_offset(entry.revocation_date())?;
            if cutoff == RevocationCutoff::AtValidationTime && revoked_at > at {
                return Ok(true);
            }
            Err(PkiError::Revoked {
                subject: display_name(cert),
                serial: cert
                    .serial_number()
                    .to_bn()
                    .and_then(|b| b.to_hex_str().map(|s| s.to_string()))
                    .unwrap_or_default(),
                revoked_at: rfc3339(revoked_at),
            })
        }
        CrlStatus::NotRevoked | CrlStatus::RemoveFromCrl(_) => Ok(true),
    }
}

fn crl_signature_ok(crl: &X509Crl, issuer: &X509Ref) -> Result<bool> {
    // A CA whose key usage leaves out cRLSign may not sign CRLs.
    if let Some(ku) = issuer.key_usage() {
        if !ku.contains(openssl::x509::X509KeyUsage::CRL_SIGN) {
            return Ok(false);
        }
    }
    let key = issuer
        .public_key()
        .map_err(|e| PkiError::malformed("签发者公钥", e))?;
    if !sm2::is_sm2(&key) {
        let ok = crl.verify(&key).unwrap_or(false);
        let _ = openssl::error::ErrorStack::get();
        return Ok(ok);
    }
    let der = crl
        .to_der()
        .map_err(|e| PkiError::malformed("证书吊销列表", e))?;
    let Some(parts) = split_signed(&der) else {
        return Ok(false);
    };
    if parts.algorithm.get(2..2 + SM2_WITH_SM3_OID.len()) != Some(SM2_WITH_SM3_OID) {
        return Ok(false);
    }
    // Only DER-shaped signatures are valid; der_to_raw rejects anything else.
    if der_to_raw(parts.signature).is_err() {
        return Ok(false);
    }
    sm2::verify_der(&key, parts.tbs, parts.signature)
}
