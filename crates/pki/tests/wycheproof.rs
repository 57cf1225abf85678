//! Project Wycheproof vectors: every `valid` signature accepted, every
//! `invalid` one rejected (`acceptable` may go either way).
//! Reads ../shared/vectors/wycheproof or $WYCHEPROOF_DIR; skips with a reason otherwise.

mod common;

use openssl::pkey::{PKey, Public};
use pingshen_pki::{sig, Algorithm};
use serde_json::Value;

struct Counts {
    valid: usize,
    invalid: usize,
    acceptable: usize,
}

fn run(file: &str, verify: impl Fn(&PKey<Public>, &[u8], &[u8]) -> bool) -> Option<Counts> {
    let dir = common::shared_dir("vectors/wycheproof", "WYCHEPROOF_DIR")?;
    let doc: Value = serde_json::from_slice(&std::fs::read(dir.join(file)).unwrap()).unwrap();
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
    Some(c)
}

#[test]
fn ecdsa_p256_sha256_der() {
    if let Some(c) = run("ecdsa_secp256r1_sha256_test.json", |k, m, s| {
        sig::verify_ecdsa_der(k, m, s).unwrap()
    }) {
        assert!(c.valid > 0 && c.invalid > 0);
    }
}

#[test]
fn ecdsa_p256_sha256_p1363_as_in_es256() {
    if let Some(c) = run("ecdsa_secp256r1_sha256_p1363_test.json", |k, m, s| {
        sig::verify(Algorithm::Es256, k, m, s).unwrap()
    }) {
        assert!(c.valid > 0 && c.invalid > 0);
    }
}

#[test]
fn rsa_pkcs1_v15_2048_sha256_as_in_rs256() {
    if let Some(c) = run("rsa_signature_2048_sha256_test.json", |k, m, s| {
        sig::verify(Algorithm::Rs256, k, m, s).unwrap()
    }) {
        assert!(c.valid > 0 && c.invalid > 0);
    }
}
