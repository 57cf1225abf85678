//! Test fixtures: keys (RSA cached per test binary), CAs and leaves made at test time.
#![allow(dead_code)]

use openssl::pkey::{PKey, Private};
use openssl::x509::{X509Crl, X509};
use pingshen_pki::issue::{
    generate_key, issue_cert, issue_crl, CertSpec, Issuer, KeyKind, RevokedEntry, SubjectSpec,
};
use pingshen_pki::TrustStore;
use std::sync::OnceLock;
use time::{Duration, OffsetDateTime};

/// RSA key generation is the slow part of these tests: make four per binary, reuse them.
pub fn rsa_key(slot: usize) -> PKey<Private> {
    static KEYS: OnceLock<Vec<PKey<Private>>> = OnceLock::new();
    KEYS.get_or_init(|| {
        (0..4)
            .map(|_| generate_key(KeyKind::Rsa(2048)).unwrap())
            .collect()
    })[slot % 4]
        .clone()
}

/// A key of `kind`; RSA keys come from the cache (slot picks which).
pub fn key(kind: KeyKind, slot: usize) -> PKey<Private> {
    match kind {
        KeyKind::Rsa(_) => rsa_key(slot),
        other => generate_key(other).unwrap(),
    }
}

pub fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc()
}

pub fn subject(cn: &str, person: Option<&str>) -> SubjectSpec {
    SubjectSpec {
        country: Some("CN".into()),
        organization: Some("测试CA".into()),
        org_unit: None,
        common_name: cn.into(),
        serial_number: person.map(str::to_string),
    }
}

pub struct TestCa {
    pub kind: KeyKind,
    pub root: X509,
    pub root_key: PKey<Private>,
    pub inter: X509,
    pub inter_key: PKey<Private>,
}

impl TestCa {
    /// Root and intermediate (path length 0) named after `name`.
    pub fn new(kind: KeyKind, name: &str) -> TestCa {
        Self::with_key_slots(kind, name, 0, 1)
    }

    /// Like `new`, with other cached RSA keys (an independent CA even for RSA).
    pub fn with_key_slots(
        kind: KeyKind,
        name: &str,
        root_slot: usize,
        inter_slot: usize,
    ) -> TestCa {
        let n = now();
        let root_key = key(kind, root_slot);
        let root = issue_cert(
            &CertSpec::ca(
                subject(&format!("{name} Root"), None),
                n - Duration::days(30),
                n + Duration::days(3650),
                None,
            ),
            &root_key,
            None,
        )
        .unwrap();
        let inter_key = key(kind, inter_slot);
        let inter = issue_cert(
            &CertSpec::ca(
                subject(&format!("{name} Intermediate"), None),
                n - Duration::days(30),
                n + Duration::days(1800),
                Some(0),
            ),
            &inter_key,
            Some(&Issuer {
                cert: &root,
                key: &root_key,
            }),
        )
        .unwrap();
        TestCa {
            kind,
            root,
            root_key,
            inter,
            inter_key,
        }
    }

    pub fn issuer(&self) -> Issuer<'_> {
        Issuer {
            cert: &self.inter,
            key: &self.inter_key,
        }
    }

    /// A leaf valid from 10 days ago for a year, issued by the intermediate.
    pub fn leaf_spec(&self, cn: &str) -> CertSpec {
        let n = now();
        CertSpec::leaf(
            subject(cn, Some("E900")),
            n - Duration::days(10),
            n + Duration::days(365),
        )
    }

    /// Issues a leaf with the given spec; returns it with its key.
    pub fn leaf_with(&self, spec: &CertSpec) -> (X509, PKey<Private>) {
        let k = key(self.kind, 2);
        let cert = issue_cert(spec, &k, Some(&self.issuer())).unwrap();
        (cert, k)
    }

    pub fn leaf(&self, cn: &str) -> (X509, PKey<Private>) {
        self.leaf_with(&self.leaf_spec(cn))
    }

    /// A CRL of the intermediate listing `revoked` (serials hex), valid for `days`.
    pub fn crl(&self, revoked: &[String], days: i64) -> X509Crl {
        let n = now();
        let entries: Vec<RevokedEntry> = revoked
            .iter()
            .map(|s| RevokedEntry {
                serial_hex: s.clone(),
                revoked_at: n - Duration::hours(1),
            })
            .collect();
        issue_crl(
            &self.issuer(),
            &entries,
            n - Duration::hours(2),
            n + Duration::days(days),
            1,
        )
        .unwrap()
    }

    /// Root and intermediate in a fresh store.
    pub fn add_to(&self, store: &mut TrustStore) {
        store.add_cert(self.root.clone());
        store.add_cert(self.inter.clone());
    }

    pub fn store(&self) -> TrustStore {
        let mut s = TrustStore::new();
        self.add_to(&mut s);
        s
    }
}

pub fn serial_hex(cert: &X509) -> String {
    cert.serial_number()
        .to_bn()
        .unwrap()
        .to_hex_str()
        .unwrap()
        .to_string()
}
