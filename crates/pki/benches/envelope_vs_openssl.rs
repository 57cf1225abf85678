//! Whole-envelope verification against the raw signature it wraps, beside
//! `openssl speed` in the same run: per algorithm, the raw verify, an
//! envelope verified by a cold trust store (a fresh one each time: parse,
//! canonical checks, path building, CRL signatures, the signature) and by a
//! warm one (the signer's certificates, key, Z_A and validated path kept).
//!
//! cargo bench -p pingshen-pki --bench envelope_vs_openssl [-- --seconds N]
//!
//! The trust store holds a CRL of each issuer, as the platform's does
//! (`require_crl`), so the cold figure includes checking CRL signatures.

use pingshen_pki::issue::{
    generate_key, issue_cert, issue_crl, CertSpec, Issuer, KeyKind, SubjectSpec,
};
use pingshen_pki::{
    sig, sign_json, verify_envelope, Pkcs12Signer, Signer, TrustStore, VerifyOptions,
};
use std::hint::black_box;
use std::process::Command;
use std::time::{Duration as StdDuration, Instant};
use time::{Duration, OffsetDateTime};

struct Fixture {
    name: &'static str,
    openssl_name: &'static str,
    signer: Pkcs12Signer,
    certs: Vec<pingshen_pki::X509>,
    crls: Vec<Vec<u8>>,
}

impl Fixture {
    fn store(&self) -> TrustStore {
        let mut store = TrustStore::new();
        for c in &self.certs {
            store.add_cert(c.clone());
        }
        for crl in &self.crls {
            store.add_crl_bytes(crl).unwrap();
        }
        store.set_require_crl(true);
        store
    }
}

fn fixture(name: &'static str, openssl_name: &'static str, kind: KeyKind) -> Fixture {
    let now = OffsetDateTime::now_utc();
    let (from, until) = (now - Duration::days(1), now + Duration::days(30));
    let root_key = generate_key(kind).unwrap();
    let root = issue_cert(
        &CertSpec::ca(SubjectSpec::cn("Bench Root"), from, until, None),
        &root_key,
        None,
    )
    .unwrap();
    let root_issuer = Issuer {
        cert: &root,
        key: &root_key,
    };
    let inter_key = generate_key(kind).unwrap();
    let inter = issue_cert(
        &CertSpec::ca(SubjectSpec::cn("Bench CA"), from, until, Some(0)),
        &inter_key,
        Some(&root_issuer),
    )
    .unwrap();
    let inter_issuer = Issuer {
        cert: &inter,
        key: &inter_key,
    };
    let leaf_key = generate_key(kind).unwrap();
    let leaf = issue_cert(
        &CertSpec::leaf(SubjectSpec::cn("Bench Signer"), from, until),
        &leaf_key,
        Some(&inter_issuer),
    )
    .unwrap();
    let crls = [&root_issuer, &inter_issuer]
        .iter()
        .map(|i| {
            issue_crl(i, &[], now - Duration::hours(1), until, 1)
                .unwrap()
                .to_der()
                .unwrap()
        })
        .collect();
    Fixture {
        name,
        openssl_name,
        signer: Pkcs12Signer::from_parts(leaf_key, leaf, std::slice::from_ref(&inter)).unwrap(),
        certs: vec![root, inter],
        crls,
    }
}

/// Microseconds per call: the fastest of nine batches, each about
/// `budget / 9` long, after a warm-up batch. The fastest batch is the one
/// least disturbed by other work on the machine (a loaded machine only ever
/// adds time), so raw and envelope figures stay comparable under load.
fn per_call(budget: StdDuration, mut f: impl FnMut()) -> f64 {
    let started = Instant::now();
    let mut calls = 0u64;
    while started.elapsed() < budget / 9 {
        f();
        calls += 1;
    }
    let batch = calls.max(5);
    (0..9)
        .map(|_| {
            let t = Instant::now();
            for _ in 0..batch {
                f();
            }
            t.elapsed().as_secs_f64() * 1e6 / batch as f64
        })
        .fold(f64::INFINITY, f64::min)
}

/// `openssl speed -mr`: verifications per second for rsa2048, ecdsap256, sm2.
fn openssl_speed(seconds: u64) -> Vec<(&'static str, f64)> {
    let out = Command::new("openssl")
        .args(["speed", "-mr", "-seconds", &seconds.to_string()])
        .args(["rsa2048", "ecdsap256", "sm2"])
        .output()
        .expect("openssl on PATH (scripts/setup installs it)");
    let text = String::from_utf8_lossy(&out.stdout);
    let mut rates = Vec::new();
    for line in text.lines() {
        let fields: Vec<&str> = line.split(':').collect();
        let verify = fields.last().and_then(|f| f.parse::<f64>().ok());
        let name = match fields.first().copied() {
            Some("+F2") => "rsa2048",
            Some("+F4") => "ecdsap256",
            Some("+F7") => "sm2",
            _ => continue,
        };
        if let Some(v) = verify {
            rates.push((name, v));
        }
    }
    rates
}

fn main() {
    let seconds = std::env::args()
        .skip_while(|a| a != "--seconds")
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(2u64);
    let budget = StdDuration::from_secs(seconds);
    let fixtures = [
        fixture("RS256", "rsa2048", KeyKind::Rsa(2048)),
        fixture("ES256", "ecdsap256", KeyKind::P256),
        fixture("SM2SM3", "sm2", KeyKind::Sm2),
    ];
    let speed = openssl_speed(seconds);
    println!(
        "{:<7} {:>12} {:>11} {:>13} {:>13} {:>13} {:>10}",
        "alg", "openssl/s", "raw µs", "cold µs", "warm µs", "warm-raw µs", "warm/s"
    );
    let msg = br#"{"bidder":"B01","project":"JA-2026-0117","score":"87.50"}"#;
    for f in &fixtures {
        let alg = f.signer.algorithm();
        let public = f.signer.certificate().public_key().unwrap();
        let signature = f.signer.sign(msg).unwrap();
        let raw = per_call(budget, || {
            assert!(sig::verify(alg, &public, black_box(msg), &signature).unwrap())
        });
        let env = sign_json(
            &f.signer,
            "pingshen.bench+json",
            msg,
            OffsetDateTime::now_utc(),
        )
        .unwrap()
        .to_json();
        let opts = VerifyOptions {
            at: Some(OffsetDateTime::now_utc()),
            expected_typ: None,
        };
        // Cold: a store built afresh each call (building it is not timed).
        let mut stores: Vec<TrustStore> = Vec::new();
        let cold = {
            let mut total = 0.0;
            let mut n = 0u32;
            let started = Instant::now();
            while started.elapsed() < budget || n < 20 {
                if stores.is_empty() {
                    stores = (0..50).map(|_| f.store()).collect();
                }
                let store = stores.pop().unwrap();
                let t = Instant::now();
                verify_envelope(&store, black_box(env.as_bytes()), &opts).unwrap();
                total += t.elapsed().as_secs_f64() * 1e6;
                n += 1;
            }
            total / f64::from(n)
        };
        let warm_store = f.store();
        let warm = per_call(budget, || {
            verify_envelope(&warm_store, black_box(env.as_bytes()), &opts).unwrap();
        });
        let openssl = speed
            .iter()
            .find(|(n, _)| *n == f.openssl_name)
            .map_or("-".to_string(), |(_, v)| format!("{v:.0}"));
        println!(
            "{:<7} {:>12} {:>11.1} {:>13.1} {:>13.1} {:>13.1} {:>10.0}",
            f.name,
            openssl,
            raw,
            cold,
            warm,
            warm - raw,
            1e6 / warm
        );
    }
}
