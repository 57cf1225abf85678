//! Test identities and byte scanning shared by the store's tests.
#![allow(dead_code)]

use pingshen_pki::issue::{generate_key, issue_cert, CertSpec, KeyKind, SubjectSpec};
use pingshen_pki::{Pkcs12Signer, Signer};
use pingshen_store::{Store, Vault};
use std::path::{Path, PathBuf};
use time::{Duration, OffsetDateTime};

/// A fresh self-signed P-256 identity (fast to generate and use).
pub fn identity(name: &str, person_id: &str) -> Pkcs12Signer {
    let key = generate_key(KeyKind::P256).unwrap();
    let now = OffsetDateTime::now_utc();
    let subject = SubjectSpec {
        country: Some("CN".into()),
        organization: Some("Pingshen 评审测试".into()),
        org_unit: Some("expert".into()),
        common_name: name.into(),
        serial_number: Some(person_id.into()),
    };
    let spec = CertSpec::leaf(subject, now - Duration::days(1), now + Duration::days(365));
    let cert = issue_cert(&spec, &key, None).unwrap();
    Pkcs12Signer::from_parts(key, cert, &[]).unwrap()
}

/// A vault in a temp folder and an open store for a fresh identity.
pub struct Fixture {
    pub dir: tempfile::TempDir,
    pub vault: Vault,
    pub signer: Pkcs12Signer,
}

impl Fixture {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let vault = Vault::new(dir.path());
        Fixture {
            dir,
            vault,
            signer: identity("李娜", "E002"),
        }
    }

    pub fn open(&self) -> Store {
        self.vault.open(&self.signer).unwrap()
    }
}

pub fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

/// Every file under `dir` whose raw bytes contain `needle`.
pub fn files_containing(dir: &Path, needle: &[u8]) -> Vec<PathBuf> {
    let mut hits = Vec::new();
    for path in all_files(dir) {
        if contains(&std::fs::read(&path).unwrap(), needle) {
            hits.push(path);
        }
    }
    hits
}

pub fn all_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out
}

/// Random bytes (test data).
pub fn random_bytes(n: usize) -> Vec<u8> {
    let mut v = vec![0u8; n];
    openssl::rand::rand_bytes(&mut v).unwrap();
    v
}

/// A signer that presents `cert_of`'s certificate but signs with `key_of`'s key.
pub struct Impostor {
    pub cert_of: Pkcs12Signer,
    pub key_of: Pkcs12Signer,
}

impl Signer for Impostor {
    fn algorithm(&self) -> pingshen_pki::Algorithm {
        self.key_of.algorithm()
    }
    fn chain(&self) -> &[pingshen_pki::X509] {
        self.cert_of.chain()
    }
    fn sign(&self, data: &[u8]) -> pingshen_pki::Result<Vec<u8>> {
        self.key_of.sign(data)
    }
    fn unwrap_key(
        &self,
        wrapped: &pingshen_pki::WrappedKey,
    ) -> pingshen_pki::Result<pingshen_pki::DataKey> {
        self.key_of.unwrap_key(wrapped)
    }
}
