//! Signed envelopes: round trips for the three algorithms, and every way a
//! tampered or ill-formed envelope is refused.

use crate::common::{key, now, TestCa};
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD as B64};
use base64::Engine;
use pingshen_pki::envelope::{parse_header, Envelope};
use pingshen_pki::issue::{issue_cert, KeyKind};
use pingshen_pki::{
    prove_possession, sign_json, sign_value, verify_envelope, Algorithm, Pkcs12Signer, Signer,
    VerifyOptions,
};
use serde_json::json;
use time::Duration;

const TYP: &str = "pingshen.score-sheet+json";

fn signer_for(ca: &TestCa, leaf_kind: KeyKind, name: &str) -> Pkcs12Signer {
    let k = key(leaf_kind, 2);
    let cert = issue_cert(&ca.leaf_spec(name), &k, Some(&ca.issuer())).unwrap();
    Pkcs12Signer::from_parts(k, cert, &[ca.inter.clone(), ca.root.clone()]).unwrap()
}

fn cases() -> Vec<(TestCa, KeyKind, Algorithm)> {
    vec![
        (
            TestCa::new(KeyKind::Rsa(2048), "湖北CA"),
            KeyKind::Rsa(2048),
            Algorithm::Rs256,
        ),
        (
            TestCa::new(KeyKind::Rsa(2048), "湖北CA"),
            KeyKind::P256,
            Algorithm::Es256,
        ),
        (
            TestCa::new(KeyKind::Sm2, "国密CA"),
            KeyKind::Sm2,
            Algorithm::Sm2Sm3,
        ),
    ]
}

fn reencode_header(env: &Envelope, edit: impl FnOnce(&mut serde_json::Value)) -> Envelope {
    let mut h: serde_json::Value =
        serde_json::from_slice(&B64.decode(&env.protected).unwrap()).unwrap();
    edit(&mut h);
    Envelope {
        protected: B64.encode(serde_json::to_vec(&h).unwrap()),
        ..env.clone()
    }
}

#[test]
fn round_trip_for_each_algorithm() {
    for (ca, kind, alg) in cases() {
        let signer = signer_for(&ca, kind, "张伟");
        assert_eq!(signer.algorithm(), alg);
        assert_eq!(signer.chain().len(), 3, "leaf, intermediate, root");
        let at = now() - Duration::minutes(5);
        let doc = br#"{ "bidder": "B01", "score": "87.50", "items": [ {"k": 2}, {"k": 1} ] }"#;
        let env = sign_json(&signer, TYP, doc, at).unwrap();
        let text = env.to_json();
        let v = verify_envelope(&ca.store(), text.as_bytes(), &VerifyOptions::default())
            .unwrap_or_else(|e| panic!("{alg}: {} {}", e.code(), e.message_zh()));
        assert_eq!(v.algorithm, alg);
        assert_eq!(v.typ, TYP);
        assert_eq!(v.signer.subject_cn.as_deref(), Some("张伟"));
        assert_eq!(v.signer.person_id.as_deref(), Some("E900"));
        let issuer = if alg == Algorithm::Sm2Sm3 {
            "国密CA Intermediate"
        } else {
            "湖北CA Intermediate"
        };
        assert_eq!(v.signer.issuer_cn.as_deref(), Some(issuer));
        assert_eq!(v.signed_at.unix_timestamp(), at.unix_timestamp());
        assert_eq!(
            v.payload_bytes,
            br#"{"bidder":"B01","items":[{"k":2},{"k":1}],"score":"87.50"}"#
        );
        assert_eq!(v.payload["score"], "87.50");
        assert_eq!(
            v.signer.fingerprint_sha256,
            pingshen_pki::cert::fingerprint_sha256(signer.certificate()).unwrap()
        );

        let header = parse_header(&env).unwrap();
        assert_eq!(header.alg, alg.jws_name());
        assert_eq!(header.x5c.len(), 3);
        assert_eq!(
            STANDARD.decode(&header.x5c[0]).unwrap(),
            signer.certificate().to_der().unwrap()
        );
        if alg != Algorithm::Rs256 {
            assert_eq!(B64.decode(&env.signature).unwrap().len(), 64, "r||s");
        }
    }
}

#[test]
fn tampering_is_detected() {
    for (ca, kind, alg) in cases() {
        let signer = signer_for(&ca, kind, "李娜");
        let store = ca.store();
        let opts = VerifyOptions::default();
        let env = sign_value(&signer, TYP, &json!({"score": "90.00"}), now()).unwrap();
        let code = |e: &Envelope| {
            verify_envelope(&store, e.to_json().as_bytes(), &opts)
                .unwrap_err()
                .code()
        };

        let mut changed = env.clone();
        changed.payload = B64.encode(br#"{"score":"99.00"}"#);
        assert_eq!(code(&changed), "signature_invalid", "{alg}");

        let mut sig = B64.decode(&env.signature).unwrap();
        sig[10] ^= 0x40;
        let mut bad_sig = env.clone();
        bad_sig.signature = B64.encode(sig);
        assert_eq!(code(&bad_sig), "signature_invalid", "{alg}");

        // Another signer's certificate put in front of this signature.
        let other = signer_for(&ca, kind, "冒名者");
        let swapped = reencode_header(&env, |h| {
            h["x5c"][0] = json!(STANDARD.encode(other.certificate().to_der().unwrap()));
        });
        assert_eq!(code(&swapped), "signature_invalid", "{alg}");

        // Claiming a different algorithm than the key's.
        let wrong_alg = if alg == Algorithm::Rs256 {
            "ES256"
        } else {
            "RS256"
        };
        let relabelled = reencode_header(&env, |h| h["alg"] = json!(wrong_alg));
        assert_eq!(code(&relabelled), "alg_mismatch", "{alg}");
        let none = reencode_header(&env, |h| h["alg"] = json!("none"));
        assert_eq!(code(&none), "unsupported_algorithm");
        let crit = reencode_header(&env, |h| h["crit"] = json!(["exp"]));
        assert_eq!(code(&crit), "bad_envelope");
    }
}

#[test]
fn non_canonical_payloads_and_odd_envelopes_are_refused() {
    let ca = TestCa::new(KeyKind::P256, "CA");
    let signer = signer_for(&ca, KeyKind::P256, "王强");
    let store = ca.store();
    let opts = VerifyOptions::default();
    // A correctly signed but non-canonical payload.
    let env = sign_json(&signer, TYP, b"{}", now()).unwrap();
    let mut raw = Envelope {
        payload: B64.encode(br#"{"b":1, "a":2}"#),
        ..env.clone()
    };
    raw.signature = B64.encode(signer.sign(&raw.signing_input()).unwrap());
    let e = verify_envelope(&store, raw.to_json().as_bytes(), &opts).unwrap_err();
    assert_eq!(e.code(), "not_canonical");

    let with_header = br#"{"protected":"e30","payload":"e30","signature":"","header":{}}"#;
    assert_eq!(
        verify_envelope(&store, with_header, &opts)
            .unwrap_err()
            .code(),
        "bad_envelope"
    );
    assert_eq!(
        verify_envelope(&store, b"[]", &opts).unwrap_err().code(),
        "bad_envelope"
    );
    let no_x5c = reencode_header(&env, |h| h["x5c"] = json!([]));
    assert_eq!(
        verify_envelope(&store, no_x5c.to_json().as_bytes(), &opts)
            .unwrap_err()
            .code(),
        "bad_envelope"
    );
    let junk_x5c = reencode_header(&env, |h| h["x5c"] = json!(["AAAA"]));
    assert_eq!(
        verify_envelope(&store, junk_x5c.to_json().as_bytes(), &opts)
            .unwrap_err()
            .code(),
        "malformed"
    );

    let typed = VerifyOptions {
        expected_typ: Some("pingshen.declaration+json".into()),
        ..Default::default()
    };
    assert_eq!(
        verify_envelope(&store, env.to_json().as_bytes(), &typed)
            .unwrap_err()
            .code(),
        "bad_envelope"
    );
    assert!(sign_json(&signer, TYP, b"{\"a\":1,\"a\":2}", now()).is_err());
}

#[test]
fn chain_is_checked_at_signing_time_unless_told_otherwise() {
    let ca = TestCa::new(KeyKind::Sm2, "国密CA");
    let signer = signer_for(&ca, KeyKind::Sm2, "刘洋");
    let env = sign_json(&signer, TYP, b"{\"ok\":true}", now())
        .unwrap()
        .to_json();
    let store = ca.store();
    // Years later the leaf has expired, but the archive still verifies at its signing time.
    assert!(verify_envelope(&store, env.as_bytes(), &VerifyOptions::default()).is_ok());
    let later = VerifyOptions {
        at: Some(now() + Duration::days(800)),
        ..Default::default()
    };
    assert_eq!(
        verify_envelope(&store, env.as_bytes(), &later)
            .unwrap_err()
            .code(),
        "expired"
    );
    // A signer from a CA the platform does not recognise.
    let other = TestCa::new(KeyKind::Sm2, "外省CA");
    assert_eq!(
        verify_envelope(&other.store(), env.as_bytes(), &VerifyOptions::default())
            .unwrap_err()
            .code(),
        "untrusted_root"
    );
    // Revoked after signing: refused anyway (a signing time is only a claim).
    let mut revoking = ca.store();
    let serial = crate::common::serial_hex(signer.certificate());
    revoking
        .add_crl_bytes(&ca.crl(&[serial], 30).to_der().unwrap())
        .unwrap();
    assert_eq!(
        verify_envelope(&revoking, env.as_bytes(), &VerifyOptions::default())
            .unwrap_err()
            .code(),
        "revoked"
    );
}

#[test]
fn proof_of_possession_binds_key_to_stored_certificate() {
    for (ca, kind, _) in cases() {
        let signer = signer_for(&ca, kind, "孙丽");
        prove_possession(&signer, signer.certificate()).unwrap();
        let other = issue_cert(&ca.leaf_spec("别人"), &key(kind, 3), Some(&ca.issuer())).unwrap();
        assert_eq!(
            prove_possession(&signer, &other).unwrap_err().code(),
            "key_mismatch"
        );
    }
}

#[test]
fn a_key_that_is_not_the_certificates_is_refused() {
    let ca = TestCa::new(KeyKind::P256, "CA");
    let cert = issue_cert(
        &ca.leaf_spec("甲"),
        &key(KeyKind::P256, 0),
        Some(&ca.issuer()),
    )
    .unwrap();
    let e = Pkcs12Signer::from_parts(key(KeyKind::P256, 0), cert, &[])
        .err()
        .unwrap();
    assert_eq!(e.code(), "key_mismatch");
}
