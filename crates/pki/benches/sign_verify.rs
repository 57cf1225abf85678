//! Sign and verify throughput per algorithm: raw signatures, chain validation
//! and whole envelopes. `cargo bench -p pingshen-pki`; criterion reports time
//! per operation (ops/s = 1 / time).

use criterion::{criterion_group, criterion_main, Criterion};
use pingshen_pki::issue::{generate_key, issue_cert, CertSpec, Issuer, KeyKind, SubjectSpec};
use pingshen_pki::{
    sig, sign_json, verify_envelope, Pkcs12Signer, Signer, TrustStore, VerifyOptions,
};
use std::hint::black_box;
use time::{Duration, OffsetDateTime};

struct Fixture {
    name: &'static str,
    signer: Pkcs12Signer,
    store: TrustStore,
}

fn fixture(name: &'static str, ca_kind: KeyKind, leaf_kind: KeyKind) -> Fixture {
    let now = OffsetDateTime::now_utc();
    let root_key = generate_key(ca_kind).unwrap();
    let root = issue_cert(
        &CertSpec::ca(
            SubjectSpec::cn("Bench Root"),
            now - Duration::days(1),
            now + Duration::days(30),
            None,
        ),
        &root_key,
        None,
    )
    .unwrap();
    let inter_key = generate_key(ca_kind).unwrap();
    let inter = issue_cert(
        &CertSpec::ca(
            SubjectSpec::cn("Bench CA"),
            now - Duration::days(1),
            now + Duration::days(30),
            Some(0),
        ),
        &inter_key,
        Some(&Issuer {
            cert: &root,
            key: &root_key,
        }),
    )
    .unwrap();
    let leaf_key = generate_key(leaf_kind).unwrap();
    let leaf = issue_cert(
        &CertSpec::leaf(
            SubjectSpec::cn("Bench Signer"),
            now - Duration::days(1),
            now + Duration::days(30),
        ),
        &leaf_key,
        Some(&Issuer {
            cert: &inter,
            key: &inter_key,
        }),
    )
    .unwrap();
    let mut store = TrustStore::new();
    store.add_cert(root);
    store.add_cert(inter.clone());
    Fixture {
        name,
        signer: Pkcs12Signer::from_parts(leaf_key, leaf, &[inter]).unwrap(),
        store,
    }
}

fn benches(c: &mut Criterion) {
    let fixtures = [
        fixture("RS256", KeyKind::Rsa(2048), KeyKind::Rsa(2048)),
        fixture("ES256", KeyKind::P256, KeyKind::P256),
        fixture("SM2SM3", KeyKind::Sm2, KeyKind::Sm2),
    ];
    let msg = br#"{"bidder":"B01","project":"JA-2026-0117","score":"87.50"}"#;
    for f in &fixtures {
        let alg = f.signer.algorithm();
        let public = f.signer.certificate().public_key().unwrap();
        let signature = f.signer.sign(msg).unwrap();
        c.bench_function(&format!("{}/sign", f.name), |b| {
            b.iter(|| f.signer.sign(black_box(msg)).unwrap())
        });
        c.bench_function(&format!("{}/verify", f.name), |b| {
            b.iter(|| assert!(sig::verify(alg, &public, black_box(msg), &signature).unwrap()))
        });
        let now = OffsetDateTime::now_utc();
        c.bench_function(&format!("{}/chain", f.name), |b| {
            b.iter(|| {
                f.store
                    .validate(f.signer.certificate(), &f.signer.chain()[1..], now)
                    .unwrap()
            })
        });
        let env = sign_json(&f.signer, "pingshen.bench+json", msg, now)
            .unwrap()
            .to_json();
        c.bench_function(&format!("{}/envelope_sign", f.name), |b| {
            b.iter(|| sign_json(&f.signer, "pingshen.bench+json", black_box(msg), now).unwrap())
        });
        c.bench_function(&format!("{}/envelope_verify", f.name), |b| {
            b.iter(|| {
                verify_envelope(
                    &f.store,
                    black_box(env.as_bytes()),
                    &VerifyOptions::default(),
                )
                .unwrap()
            })
        });
    }
}

criterion_group! {
    name = group;
    config = Criterion::default().warm_up_time(std::time::Duration::from_millis(500)).measurement_time(std::time::Duration::from_secs(2)).sample_size(20);
    targets = benches
}
criterion_main!(group);
