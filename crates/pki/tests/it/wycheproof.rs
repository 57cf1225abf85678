//! Project Wycheproof vectors: every `valid` signature accepted, every
//! `invalid` one rejected (`acceptable` may go either way).
//! The vectors are in the repository (`tests/vectors/wycheproof`, source and
//! licence in its README); a missing, truncated or altered file fails.

use openssl::pkey::{PKey, Public};
use pingshen_pki::{sig, Algorithm};
use serde_json::Value;
use std::path::Path;

struct Counts {
    valid: usize,
    invalid: usize,
    acceptable: usize,
}

/// The files and their SHA-256 as copied from upstream (README.md).
const FILES: &[(&str, &str)] = &[
    (
        "ecdsa_secp256r1_sha256_test.json",
        "182db4f3e230f6f9fa9f800d2a614dede30284b8e8438bbfe1171905402e9332",
    ),
    (
        "ecdsa_secp256r1_sha256_p1363_test.json",
        "c60de693930e386c3a5472d08081623ef8504decc54b38ac01ec6b2a2575c986",
    ),
    (
        "rsa_signature_2048_sha256_test.json",
        "94a917b01ff50fb874cfc05bf29b4af44868d944a6558201cf18380da93fb393",
    ),
];

/// The bytes of a vector file, checked against its pinned hash.
fn read_vectors(file: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/vectors/wycheproof")
        .join(file);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (the vectors belong in the repository)",
            path.display()
        )
    });
    let pinned = FILES
        .iter()
        .find(|(name, _)| *name == file)
        .unwrap_or_else(|| panic!("{file} is not listed in FILES"))
        .1;
    assert_eq!(
        hex::encode(openssl::sha::sha256(&bytes)),
        pinned,
        "{} differs from the upstream file",
        path.display()
    );
    bytes
}

fn run(file: &str, verify: impl Fn(&PKey<Public>, &[u8], &[u8]) -> bool) -> Counts {
    let doc: Value = serde_json::from_slice(&read_vectors(file)).unwrap();
    let mut c = Counts {
        valid: 0,
        invalid: 0,
        acceptable: 0,
    };
    for group in doc["testGroups"].as_array().unwrap() {
        let der = hex::decode(group["publicKeyDer"].as_str().unwrap()).unwrap();
        let key = PKey::public_key_from_der(&der);
        for t in group["tests"].as_array().unwrap() {
            let id = t["tcId"].as_i64().unwrap();
            let msg = hex::decode(t["msg"].as_str().unwrap()).unwrap();
            let s = hex::decode(t["sig"].as_str().unwrap()).unwrap();
            let ok = key.as_ref().map(|k| verify(k, &msg, &s)).unwrap_or(false);
            match t["result"].as_str().unwrap() {
                "valid" => {
                    assert!(ok, "{file} tcId {id} is valid but was rejected");
                    c.valid += 1;
                }
                "invalid" => {
                    assert!(
                        !ok,
                        "{file} tcId {id} is invalid but was accepted ({})",
                        t["comment"]
                    );
                    c.invalid += 1;
                }
                _ => c.acceptable += 1,
            }
        }
    }
    eprintln!(
        "{file}: {} valid, {} invalid, {} acceptable",
        c.valid, c.invalid, c.acceptable
    );
    assert_eq!(
        (c.valid + c.invalid + c.acceptable) as u64,
        doc["numberOfTests"].as_u64().unwrap(),
        "{file}: every test of the file ran"
    );
    assert!(c.valid > 0 && c.invalid > 0, "{file}");
    c
}

#[test]
fn ecdsa_p256_sha256_der() {
    run("ecdsa_secp256r1_sha256_test.json", |k, m, s| {
        sig::verify_ecdsa_der(k, m, s).unwrap()
    });
}

#[test]
fn ecdsa_p256_sha256_p1363_as_in_es256() {
    run("ecdsa_secp256r1_sha256_p1363_test.json", |k, m, s| {
        sig::verify(Algorithm::Es256, k, m, s).unwrap()
    });
}

#[test]
fn rsa_pkcs1_v15_2048_sha256_as_in_rs256() {
    run("rsa_signature_2048_sha256_test.json", |k, m, s| {
        sig::verify(Algorithm::Rs256, k, m, s).unwrap()
    });
}
