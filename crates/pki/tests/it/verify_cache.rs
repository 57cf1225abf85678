//! A warm trust store answers exactly as a cold one: a remembered signer or
//! path never lets through what a fresh validation would refuse (time outside
//! the validity window, a CRL added later, a claimed time against a
//! revocation, an expired CRL, a changed signature or header).

use crate::common::{key, now, serial_hex, TestCa};
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use pingshen_pki::envelope::Envelope;
use pingshen_pki::issue::{issue_cert, KeyKind};
use pingshen_pki::{sign_json, verify_envelope, Pkcs12Signer, Signer, TrustStore, VerifyOptions};
use time::{Duration, OffsetDateTime};

const KINDS: [KeyKind; 3] = [KeyKind::Rsa(2048), KeyKind::P256, KeyKind::Sm2];

fn signed(ca: &TestCa, kind: KeyKind) -> (Pkcs12Signer, Envelope) {
    signed_with(ca, kind, 2)
}

fn signed_with(ca: &TestCa, kind: KeyKind, slot: usize) -> (Pkcs12Signer, Envelope) {
    let key = key(kind, slot);
    let cert = issue_cert(&ca.leaf_spec("张伟"), &key, Some(&ca.issuer())).unwrap();
    let signer = Pkcs12Signer::from_parts(key, cert, std::slice::from_ref(&ca.inter)).unwrap();
    let env = sign_json(
        &signer,
        "pingshen.test+json",
        br#"{"score":"87.50"}"#,
        now(),
    )
    .unwrap();
    (signer, env)
}

fn at(t: OffsetDateTime) -> VerifyOptions {
    VerifyOptions {
        at: Some(t),
        expected_typ: None,
    }
}

fn code(store: &TrustStore, env: &Envelope, opts: &VerifyOptions) -> &'static str {
    match verify_envelope(store, env.to_json().as_bytes(), opts) {
        Ok(_) => "ok",
        Err(e) => e.code(),
    }
}

#[test]
fn a_remembered_path_is_not_reused_outside_its_validity() {
    for kind in KINDS {
        let ca = TestCa::new(kind, "缓存CA");
        let store = ca.store();
        let (_, env) = signed(&ca, kind);
        // Warm the cache, twice, then ask about a time after the leaf expired
        // and one before it was issued.
        assert_eq!(code(&store, &env, &at(now())), "ok");
        assert_eq!(code(&store, &env, &at(now())), "ok");
        assert_eq!(
            code(&store, &env, &at(now() + Duration::days(400))),
            "expired"
        );
        assert_eq!(
            code(&store, &env, &at(now() - Duration::days(20))),
            "not_yet_valid"
        );
        assert_eq!(code(&store, &env, &at(now())), "ok", "{kind:?}");
    }
}

#[test]
fn a_crl_added_after_warming_is_applied() {
    for kind in KINDS {
        let ca = TestCa::new(kind, "缓存CA");
        let mut store = ca.store();
        let (signer, env) = signed(&ca, kind);
        assert_eq!(code(&store, &env, &VerifyOptions::default()), "ok");
        let listed = ca.crl(&[serial_hex(signer.certificate())], 30);
        store.add_crl_bytes(&listed.to_der().unwrap()).unwrap();
        // Revoked an hour ago: refused against the signer's claimed time,
        // accepted at a vouched-for time before the revocation, refused at now.
        assert_eq!(code(&store, &env, &VerifyOptions::default()), "revoked");
        assert_eq!(code(&store, &env, &at(now() - Duration::hours(3))), "ok");
        assert_eq!(code(&store, &env, &at(now())), "revoked");
        // The cached path keeps its CRL, and the CRL's own expiry is judged per call.
        assert_eq!(
            code(&store, &env, &at(now() + Duration::days(31))),
            "revocation_unknown"
        );
    }
}

#[test]
fn strictness_set_after_warming_is_applied() {
    let ca = TestCa::new(KeyKind::Sm2, "缓存CA");
    let mut store = ca.store();
    let (_, env) = signed(&ca, KeyKind::Sm2);
    assert_eq!(code(&store, &env, &at(now())), "ok");
    store.set_require_crl(true);
    assert_eq!(code(&store, &env, &at(now())), "revocation_unknown");
}

#[test]
fn a_warm_signer_still_needs_a_valid_signature_and_header() {
    for kind in KINDS {
        let ca = TestCa::new(kind, "缓存CA");
        let store = ca.store();
        let (_, env) = signed(&ca, kind);
        assert_eq!(code(&store, &env, &at(now())), "ok");
        let mut sig = B64.decode(&env.signature).unwrap();
        sig[10] ^= 0x01;
        let tampered = Envelope {
            signature: B64.encode(&sig),
            ..env.clone()
        };
        assert_eq!(code(&store, &tampered, &at(now())), "signature_invalid");
        let other_payload = Envelope {
            payload: B64.encode(br#"{"score":"97.50"}"#),
            ..env.clone()
        };
        assert_eq!(
            code(&store, &other_payload, &at(now())),
            "signature_invalid"
        );
        // Another signer from the same CA is not confused with the first.
        let (other_signer, _) = signed_with(&ca, kind, 3);
        let other = sign_json(&other_signer, "pingshen.test+json", br#"{"a":1}"#, now()).unwrap();
        assert_eq!(code(&store, &other, &at(now())), "ok");
        let swapped = Envelope {
            signature: other.signature.clone(),
            ..env.clone()
        };
        assert_eq!(code(&store, &swapped, &at(now())), "signature_invalid");
    }
}

#[test]
fn a_store_that_learns_a_new_root_forgets_its_refusals() {
    let ca = TestCa::new(KeyKind::P256, "缓存CA");
    let mut store = TrustStore::new();
    let (_, env) = signed(&ca, KeyKind::P256);
    assert_eq!(code(&store, &env, &at(now())), "untrusted_root");
    ca.add_to(&mut store);
    assert_eq!(code(&store, &env, &at(now())), "ok");
}
