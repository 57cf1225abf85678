//! The bad-certificate matrix: every failure code for RSA, P-256 and SM2
//! chains, and valid chains from independent CAs accepted side by side.

use crate::common::{key, now, serial_hex, subject, TestCa};
use pingshen_pki::cert::parse_certs;
use pingshen_pki::issue::{issue_cert, issue_crl, CertSpec, Issuer, KeyKind, KeyUsageSpec};
use pingshen_pki::{PkiError, TrustStore};
use time::Duration;

fn code(r: Result<pingshen_pki::ValidatedChain, PkiError>) -> &'static str {
    match r {
        Ok(_) => "ok",
        Err(e) => {
            assert!(!e.message_zh().is_empty());
            e.code()
        }
    }
}

fn matrix(kind: KeyKind) {
    let ca = TestCa::new(kind, "Matrix");
    let mut store = ca.store();
    let (good, _) = ca.leaf("张伟");
    let (revoked, _) = ca.leaf("吊销者");
    store
        .add_crl_bytes(&ca.crl(&[serial_hex(&revoked)], 30).to_der().unwrap())
        .unwrap();
    let n = now();

    // Valid, with the CRL consulted.
    let v = store.validate(&good, &[], n).expect("valid chain");
    assert_eq!(v.leaf.subject_cn.as_deref(), Some("张伟"));
    assert_eq!(v.leaf.person_id.as_deref(), Some("E900"));
    assert_eq!(v.chain.len(), 3);
    assert!(
        !v.revocation_checked,
        "no CRL for the root's issuance of the intermediate"
    );

    // expired / not_yet_valid, and the same certificate valid at another time.
    let mut spec = ca.leaf_spec("过期");
    spec.not_before = n - Duration::days(400);
    spec.not_after = n - Duration::days(1);
    let (expired, _) = ca.leaf_with(&spec);
    assert_eq!(code(store.validate(&expired, &[], n)), "expired");
    assert_eq!(
        code(store.validate(&expired, &[], n - Duration::days(5))),
        "ok"
    );
    let mut spec = ca.leaf_spec("未生效");
    spec.not_before = n + Duration::days(2);
    let (future, _) = ca.leaf_with(&spec);
    assert_eq!(code(store.validate(&future, &[], n)), "not_yet_valid");

    // untrusted_root: same names, different keys, not in the store.
    let other = TestCa::with_key_slots(kind, "Matrix", 3, 2);
    let (stranger, _) = other.leaf("陌生人");
    assert_eq!(
        code(store.validate(&stranger, std::slice::from_ref(&other.inter), n)),
        "untrusted_root"
    );
    // ...even when the stranger's own root travels along in the chain.
    assert_eq!(
        code(store.validate(&stranger, &[other.inter.clone(), other.root.clone()], n)),
        "untrusted_root"
    );

    assert_eq!(code(store.validate(&revoked, &[], n)), "revoked");
    // Revoked an hour ago: at a trusted time before that (a platform
    // receipt's) the certificate still validates; at a time the signer only
    // claims, any listing counts.
    let before = n - Duration::hours(2);
    assert_eq!(code(store.validate(&revoked, &[], before)), "ok");
    assert_eq!(
        code(store.validate_claimed(&revoked, &[], before)),
        "revoked"
    );
    let err = store.validate(&revoked, &[], n).unwrap_err();
    assert!(
        err.message_zh().contains("吊销时间"),
        "{}",
        err.message_zh()
    );

    // bad_key_usage: no digitalSignature, and no key usage extension at all.
    let mut spec = ca.leaf_spec("只能加密");
    spec.key_usage = Some(KeyUsageSpec {
        key_encipherment: true,
        ..Default::default()
    });
    assert_eq!(
        code(store.validate(&ca.leaf_with(&spec).0, &[], n)),
        "bad_key_usage"
    );
    let mut spec = ca.leaf_spec("无用法");
    spec.key_usage = None;
    assert_eq!(
        code(store.validate(&ca.leaf_with(&spec).0, &[], n)),
        "bad_key_usage"
    );

    // bad_signature: right issuer name and key id, signed by another key.
    let wrong_key = key(kind, 3);
    let forged = issue_cert(
        &ca.leaf_spec("伪造"),
        &key(kind, 2),
        Some(&Issuer {
            cert: &ca.inter,
            key: &wrong_key,
        }),
    )
    .unwrap();
    assert_eq!(code(store.validate(&forged, &[], n)), "bad_signature");

    // bad_basic_constraints: an end-entity certificate acting as a CA...
    let not_ca = issue_cert(
        &CertSpec {
            subject: subject("假二级CA", None),
            not_before: n - Duration::days(1),
            not_after: n + Duration::days(100),
            ca: None,
            key_usage: Some(KeyUsageSpec::ca()),
        },
        &key(kind, 3),
        Some(&Issuer {
            cert: &ca.root,
            key: &ca.root_key,
        }),
    )
    .unwrap();
    let under_not_ca = issue_cert(
        &ca.leaf_spec("下级"),
        &key(kind, 2),
        Some(&Issuer {
            cert: &not_ca,
            key: &key(kind, 3),
        }),
    )
    .unwrap();
    assert_eq!(
        code(store.validate(&under_not_ca, std::slice::from_ref(&not_ca), n)),
        "bad_basic_constraints"
    );
    // ...and a CA below an intermediate whose path length is 0.
    let sub_ca = issue_cert(
        &CertSpec::ca(
            subject("三级CA", None),
            n - Duration::days(1),
            n + Duration::days(100),
            None,
        ),
        &key(kind, 3),
        Some(&ca.issuer()),
    )
    .unwrap();
    let under_sub = issue_cert(
        &ca.leaf_spec("路径过长"),
        &key(kind, 2),
        Some(&Issuer {
            cert: &sub_ca,
            key: &key(kind, 3),
        }),
    )
    .unwrap();
    assert_eq!(
        code(store.validate(&under_sub, &[sub_ca], n)),
        "bad_basic_constraints"
    );

    // malformed: garbage, and a truncated certificate.
    assert_eq!(
        parse_certs(b"not a certificate").unwrap_err().code(),
        "malformed"
    );
    let der = good.to_der().unwrap();
    assert_eq!(
        parse_certs(&der[..der.len() / 2]).unwrap_err().code(),
        "malformed"
    );
    let mut pem = good.to_pem().unwrap();
    let mid = pem.len() / 2;
    pem[mid] = b'!';
    assert_eq!(parse_certs(&pem).unwrap_err().code(), "malformed");

    // CRL problems: expired, badly signed, missing when required.
    let mut stale = ca.store();
    stale
        .add_crl_bytes(&ca.crl(&[], 1).to_der().unwrap())
        .unwrap();
    assert_eq!(
        code(stale.validate(&good, &[], n + Duration::days(3))),
        "revocation_unknown"
    );
    let mut forged_crl = ca.store();
    let bad_crl = issue_crl(
        &Issuer {
            cert: &ca.inter,
            key: &wrong_key,
        },
        &[],
        n - Duration::hours(1),
        n + Duration::days(10),
        2,
    )
    .unwrap();
    forged_crl
        .add_crl_bytes(&bad_crl.to_pem().unwrap())
        .unwrap();
    assert_eq!(
        code(forged_crl.validate(&good, &[], n)),
        "crl_bad_signature"
    );
    let mut strict = ca.store();
    strict.set_require_crl(true);
    assert_eq!(code(strict.validate(&good, &[], n)), "revocation_unknown");
    // With CRLs for both levels, strict mode passes and says revocation was checked.
    strict
        .add_crl_bytes(&ca.crl(&[], 30).to_der().unwrap())
        .unwrap();
    let root_crl = issue_crl(
        &Issuer {
            cert: &ca.root,
            key: &ca.root_key,
        },
        &[],
        n - Duration::hours(1),
        n + Duration::days(10),
        1,
    )
    .unwrap();
    strict.add_crl_bytes(&root_crl.to_der().unwrap()).unwrap();
    let v = strict.validate(&good, &[], n).expect("strict with CRLs");
    assert!(v.revocation_checked);
}

#[test]
fn rsa_chain_matrix() {
    matrix(KeyKind::Rsa(2048));
}

#[test]
fn p256_chain_matrix() {
    matrix(KeyKind::P256);
}

#[test]
fn sm2_chain_matrix() {
    matrix(KeyKind::Sm2);
}

#[test]
fn both_cas_are_recognised_side_by_side() {
    let rsa = TestCa::new(KeyKind::Rsa(2048), "湖北CA");
    let sm = TestCa::new(KeyKind::Sm2, "国密CA");
    let mut store = TrustStore::new();
    rsa.add_to(&mut store);
    sm.add_to(&mut store);
    let n = now();
    let (a, _) = rsa.leaf("张伟");
    let (b, _) = sm.leaf("王强");
    let p256_leaf = issue_cert(
        &rsa.leaf_spec("李娜"),
        &key(KeyKind::P256, 0),
        Some(&rsa.issuer()),
    )
    .unwrap();
    assert_eq!(
        store.validate(&a, &[], n).unwrap().algorithm.jws_name(),
        "RS256"
    );
    assert_eq!(
        store.validate(&b, &[], n).unwrap().algorithm.jws_name(),
        "SM2SM3"
    );
    assert_eq!(
        store
            .validate(&p256_leaf, &[], n)
            .unwrap()
            .algorithm
            .jws_name(),
        "ES256"
    );
    let v = store.validate(&b, &[], n).unwrap();
    assert_eq!(v.leaf.issuer_cn.as_deref(), Some("国密CA Intermediate"));

    // A store that recognises only one CA rejects the other's people.
    let only_rsa = rsa.store();
    assert_eq!(
        only_rsa
            .validate(&b, std::slice::from_ref(&sm.inter), n)
            .unwrap_err()
            .code(),
        "untrusted_root"
    );
}

#[test]
fn trust_dir_loads_roots_intermediates_and_crls() {
    let ca = TestCa::new(KeyKind::P256, "目录CA");
    let (leaf, _) = ca.leaf("赵敏");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("root.pem"), ca.root.to_pem().unwrap()).unwrap();
    std::fs::write(dir.path().join("inter.der"), ca.inter.to_der().unwrap()).unwrap();
    std::fs::write(
        dir.path().join("inter.crl"),
        ca.crl(&[serial_hex(&leaf)], 5).to_pem().unwrap(),
    )
    .unwrap();
    std::fs::write(dir.path().join("notes.txt"), b"ignored").unwrap();
    let store = TrustStore::from_dir(dir.path()).unwrap();
    assert_eq!(store.roots().len(), 1);
    assert_eq!(store.intermediates().len(), 1);
    assert_eq!(
        store.validate(&leaf, &[], now()).unwrap_err().code(),
        "revoked"
    );
}

#[test]
fn short_rsa_keys_are_unsupported() {
    let ca = TestCa::new(KeyKind::P256, "弱密钥");
    let weak = pingshen_pki::issue::generate_key(KeyKind::Rsa(1024)).unwrap();
    let cert = issue_cert(&ca.leaf_spec("弱"), &weak, Some(&ca.issuer())).unwrap();
    let e = ca.store().validate(&cert, &[], now()).unwrap_err();
    assert_eq!(e.code(), "unsupported_algorithm");
}
