//! Issuing keys, certificates and CRLs: used by the demo PKI generator, by
//! tests (the bad-certificate matrix) and by benchmarks. Not a production CA.

use crate::cert::offset_to_asn1_time;
use crate::error::{PkiError, Result};
use crate::sm2;
use openssl::asn1::{Asn1Integer, Asn1Object, Asn1OctetString};
use openssl::bn::{BigNum, MsbOption};
use openssl::ec::{EcGroup, EcKey};
use openssl::hash::MessageDigest;
use openssl::nid::Nid;
use openssl::pkey::{PKey, PKeyRef, Private};
use openssl::rsa::Rsa;
use openssl::x509::extension::{
    AuthorityKeyIdentifier, BasicConstraints, KeyUsage, SubjectKeyIdentifier,
};
use openssl::x509::{
    X509Builder, X509Crl, X509CrlBuilder, X509Extension, X509NameBuilder, X509Ref,
    X509RevokedBuilder, X509,
};
use time::OffsetDateTime;

/// Which kind of key to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    /// RSA with the given modulus size in bits.
    Rsa(u32),
    /// ECDSA on NIST P-256.
    P256,
    /// SM2 (GB/T 32918).
    Sm2,
}

/// Generates a key pair.
pub fn generate_key(kind: KeyKind) -> Result<PKey<Private>> {
    let map = |e| PkiError::crypto("keygen", e);
    match kind {
        KeyKind::Rsa(bits) => PKey::from_rsa(Rsa::generate(bits).map_err(map)?).map_err(map),
        KeyKind::P256 => {
            let group = EcGroup::from_curve_name(Nid::X9_62_PRIME256V1).map_err(map)?;
            PKey::from_ec_key(EcKey::generate(&group).map_err(map)?).map_err(map)
        }
        KeyKind::Sm2 => sm2::generate_key(),
    }
}

/// Subject name attributes. `serial_number` carries the person id.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SubjectSpec {
    pub country: Option<String>,
    pub organization: Option<String>,
    pub org_unit: Option<String>,
    pub common_name: String,
    pub serial_number: Option<String>,
}

impl SubjectSpec {
    /// A subject with only a common name.
    pub fn cn(common_name: &str) -> Self {
        SubjectSpec {
            common_name: common_name.to_string(),
            ..Default::default()
        }
    }
}

/// Key usage bits to put in the certificate (`None` in `CertSpec` omits the extension).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct KeyUsageSpec {
    pub digital_signature: bool,
    pub non_repudiation: bool,
    pub key_encipherment: bool,
    pub key_agreement: bool,
    pub key_cert_sign: bool,
    pub crl_sign: bool,
}

impl KeyUsageSpec {
    /// keyCertSign + cRLSign, for CAs.
    pub fn ca() -> Self {
        KeyUsageSpec {
            key_cert_sign: true,
            crl_sign: true,
            ..Default::default()
        }
    }
    /// digitalSignature + nonRepudiation + keyEncipherment/keyAgreement, for people.
    /// (The sandbox also unwraps the offline cache key with the signing key.)
    pub fn signing() -> Self {
        KeyUsageSpec {
            digital_signature: true,
            non_repudiation: true,
            key_encipherment: true,
            key_agreement: true,
            ..Default::default()
        }
    }
}

/// Everything about a certificate to issue, except keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertSpec {
    pub subject: SubjectSpec,
    pub not_before: OffsetDateTime,
    pub not_after: OffsetDateTime,
    /// `Some(path_len)` makes a CA certificate (`None` inside: no path length limit).
    pub ca: Option<Option<u32>>,
    /// `None` leaves the key usage extension out.
    pub key_usage: Option<KeyUsageSpec>,
}

impl CertSpec {
    /// A CA certificate (root or intermediate).
    pub fn ca(
        subject: SubjectSpec,
        not_before: OffsetDateTime,
        not_after: OffsetDateTime,
        path_len: Option<u32>,
    ) -> Self {
        CertSpec {
            subject,
            not_before,
            not_after,
            ca: Some(path_len),
            key_usage: Some(KeyUsageSpec::ca()),
        }
    }

    /// An end-entity signing certificate.
    pub fn leaf(
        subject: SubjectSpec,
        not_before: OffsetDateTime,
        not_after: OffsetDateTime,
    ) -> Self {
        CertSpec {
            subject,
            not_before,
            not_after,
            ca: None,
            key_usage: Some(KeyUsageSpec::signing()),
        }
    }
}

/// The issuer of a certificate: its certificate and the key that signs.
/// Passing a key that does not belong to the certificate makes a certificate
/// whose signature does not verify (the tests' `bad_signature` case).
pub struct Issuer<'a> {
    pub cert: &'a X509Ref,
    pub key: &'a PKeyRef<Private>,
}

fn digest_for(key: &PKeyRef<Private>) -> MessageDigest {
    if sm2::is_sm2(key) {
        MessageDigest::sm3()
    } else {
        MessageDigest::sha256()
    }
}

fn random_serial() -> Result<Asn1Integer> {
    let map = |e| PkiError::crypto("serial", e);
    let mut bn = BigNum::new().map_err(map)?;
    // 127 random bits, top bit clear: always positive, at most 16 bytes (RFC 5280 §4.1.2.2).
    bn.rand(127, MsbOption::MAYBE_ZERO, false).map_err(map)?;
    bn.to_asn1_integer().map_err(map)
}

/// Issues a certificate for `subject_key` (self-signed when `issuer` is `None`).
pub fn issue_cert(
    spec: &CertSpec,
    subject_key: &PKeyRef<Private>,
    issuer: Option<&Issuer<'_>>,
) -> Result<X509> {
    let map = |e| PkiError::crypto("issue certificate", e);
    let mut name = X509NameBuilder::new().map_err(map)?;
    let s = &spec.subject;
    if let Some(c) = &s.country {
        name.append_entry_by_nid(Nid::COUNTRYNAME, c).map_err(map)?;
    }
    if let Some(o) = &s.organization {
        name.append_entry_by_nid(Nid::ORGANIZATIONNAME, o)
            .map_err(map)?;
    }
    if let Some(ou) = &s.org_unit {
        name.append_entry_by_nid(Nid::ORGANIZATIONALUNITNAME, ou)
            .map_err(map)?;
    }
    name.append_entry_by_nid(Nid::COMMONNAME, &s.common_name)
        .map_err(map)?;
    if let Some(sn) = &s.serial_number {
        name.append_entry_by_nid(Nid::SERIALNUMBER, sn)
            .map_err(map)?;
    }
    let name = name.build();

    let mut b = X509Builder::new().map_err(map)?;
    b.set_version(2).map_err(map)?;
    b.set_serial_number(&*random_serial()?).map_err(map)?;
    b.set_subject_name(&name).map_err(map)?;
    match issuer {
        Some(i) => b.set_issuer_name(i.cert.subject_name()).map_err(map)?,
        None => b.set_issuer_name(&name).map_err(map)?,
    }
    b.set_pubkey(subject_key).map_err(map)?;
    b.set_not_before(&*offset_to_asn1_time(spec.not_before)?)
        .map_err(map)?;
    b.set_not_after(&*offset_to_asn1_time(spec.not_after)?)
        .map_err(map)?;

    let mut bc = BasicConstraints::new();
    bc.critical();
    if let Some(path_len) = spec.ca {
        bc.ca();
        if let Some(n) = path_len {
            bc.pathlen(n);
        }
    }
    b.append_extension(bc.build().map_err(map)?).map_err(map)?;
    if let Some(ku) = spec.key_usage {
        let mut k = KeyUsage::new();
        k.critical();
        if ku.digital_signature {
            k.digital_signature();
        }
        if ku.non_repudiation {
            k.non_repudiation();
        }
        if ku.key_encipherment {
            k.key_encipherment();
        }
        if ku.key_agreement {
            k.key_agreement();
        }
        if ku.key_cert_sign {
            k.key_cert_sign();
        }
        if ku.crl_sign {
            k.crl_sign();
        }
        b.append_extension(k.build().map_err(map)?).map_err(map)?;
    }
    let skid = SubjectKeyIdentifier::new()
        .build(&b.x509v3_context(issuer.map(|i| i.cert), None))
        .map_err(map)?;
    b.append_extension(skid).map_err(map)?;
    if let Some(i) = issuer {
        let akid = AuthorityKeyIdentifier::new()
            .keyid(true)
            .build(&b.x509v3_context(Some(i.cert), None))
            .map_err(map)?;
        b.append_extension(akid).map_err(map)?;
    }

    let signing_key = issuer.map(|i| i.key).unwrap_or(subject_key);
    b.sign(signing_key, digest_for(signing_key)).map_err(map)?;
    let cert = b.build();
    if sm2::is_sm2(signing_key) {
        // X509_sign used an empty SM2 ID; sign again with the default ID.
        sm2::resign_cert(&cert, signing_key)?;
        // Round-trip through DER so the cached encoding matches the new signature.
        let cert = X509::from_der(&cert.to_der().map_err(map)?).map_err(map)?;
        crate::cert::prepare(&cert)?;
        return Ok(cert);
    }
    Ok(cert)
}

/// One revoked certificate for a CRL.
#[derive(Debug, Clone)]
pub struct RevokedEntry {
    /// Serial number, hex.
    pub serial_hex: String,
    pub revoked_at: OffsetDateTime,
}

/// Issues a CRL signed by `issuer` (SM2 issuers sign with SM3 and the default ID).
pub fn issue_crl(
    issuer: &Issuer<'_>,
    revoked: &[RevokedEntry],
    this_update: OffsetDateTime,
    next_update: OffsetDateTime,
    crl_number: u32,
) -> Result<X509Crl> {
    let map = |e| PkiError::crypto("issue CRL", e);
    let mut b = X509CrlBuilder::new().map_err(map)?;
    b.set_issuer_name(issuer.cert.subject_name()).map_err(map)?;
    b.set_last_update(&*offset_to_asn1_time(this_update)?)
        .map_err(map)?;
    b.set_next_update(&*offset_to_asn1_time(next_update)?)
        .map_err(map)?;
    for r in revoked {
        let mut rb = X509RevokedBuilder::new().map_err(map)?;
        let serial = BigNum::from_hex_str(&r.serial_hex)
            .and_then(|b| b.to_asn1_integer())
            .map_err(|e| PkiError::malformed("序列号", e))?;
        rb.set_serial_number(&serial).map_err(map)?;
        rb.set_revocation_date(&*offset_to_asn1_time(r.revoked_at)?)
            .map_err(map)?;
        b.add_revoked(rb.build()).map_err(map)?;
    }
    b.sort().map_err(map)?;
    // AuthorityKeyIdentifier ::= SEQUENCE { [0] keyIdentifier }, from the issuer's SKID.
    let skid = issuer
        .cert
        .subject_key_id()
        .ok_or_else(|| PkiError::malformed("签发者证书", "缺少 SubjectKeyIdentifier"))?;
    let mut akid = vec![
        0x30,
        (skid.as_slice().len() + 2) as u8,
        0x80,
        skid.as_slice().len() as u8,
    ];
    akid.extend_from_slice(skid.as_slice());
    b.append_extension(extension_from_der("2.5.29.35", &akid)?)
        .map_err(map)?;
    // CRLNumber ::= INTEGER
    let mut digits: Vec<u8> = crl_number
        .to_be_bytes()
        .into_iter()
        .skip_while(|b| *b == 0)
        .collect();
    if digits.first().is_none_or(|b| b & 0x80 != 0) {
        digits.insert(0, 0); // minimal DER: one leading zero for 0 or a set top bit
    }
    let mut num = vec![0x02, digits.len() as u8];
    num.extend_from_slice(&digits);
    b.append_extension(extension_from_der("2.5.29.20", &num)?)
        .map_err(map)?;
    b.sign(issuer.key, digest_for(issuer.key)).map_err(map)?;
    let crl = b.build().map_err(map)?;
    if sm2::is_sm2(issuer.key) {
        sm2::resign_crl(&crl, issuer.key)?;
        return X509Crl::from_der(&crl.to_der().map_err(map)?).map_err(map);
    }
    Ok(crl)
}

fn extension_from_der(oid: &str, der: &[u8]) -> Result<X509Extension> {
    let map = |e| PkiError::crypto("CRL extension", e);
    let obj = Asn1Object::from_str(oid).map_err(map)?;
    let value = Asn1OctetString::new_from_bytes(der).map_err(map)?;
    X509Extension::new_from_der(&obj, false, &value).map_err(map)
}
