//! Offline cache key wrapping: wrap to a certificate, unwrap with the person's key.

use crate::common::{key, TestCa};
use pingshen_pki::issue::{issue_cert, KeyKind};
use pingshen_pki::keywrap::WrapAlg;
use pingshen_pki::{wrap_key_for, DataKey, Pkcs12Signer, Signer, WrappedKey};

fn signer(ca: &TestCa, kind: KeyKind, slot: usize) -> Pkcs12Signer {
    let k = key(kind, slot);
    let cert = issue_cert(&ca.leaf_spec("持有人"), &k, Some(&ca.issuer())).unwrap();
    Pkcs12Signer::from_parts(k, cert, &[]).unwrap()
}

#[test]
fn wrap_and_unwrap_for_each_algorithm() {
    let rsa = TestCa::new(KeyKind::Rsa(2048), "RSA");
    let sm = TestCa::new(KeyKind::Sm2, "SM");
    for (ca, kind, alg) in [
        (&rsa, KeyKind::Rsa(2048), WrapAlg::RsaOaep256),
        (&rsa, KeyKind::P256, WrapAlg::EcdhEsA256Gcm),
        (&sm, KeyKind::Sm2, WrapAlg::Sm2Encrypt),
    ] {
        let me = signer(ca, kind, 2);
        let data = DataKey::random().unwrap();
        let wrapped = wrap_key_for(me.certificate(), &data).unwrap();
        assert_eq!(wrapped.alg, alg);
        // Stored as JSON next to the cache, and read back.
        let stored = serde_json::to_string(&wrapped).unwrap();
        let back: WrappedKey = serde_json::from_str(&stored).unwrap();
        assert_eq!(me.unwrap_key(&back).unwrap().expose(), data.expose());
        // Wrapping twice gives different ciphertexts (randomised).
        assert_ne!(
            wrap_key_for(me.certificate(), &data).unwrap().ct,
            wrapped.ct
        );

        // Someone else's key cannot unwrap it, even if the kid is forged.
        let other = signer(ca, kind, 3);
        assert_eq!(
            other.unwrap_key(&wrapped).unwrap_err().code(),
            "unwrap_failed"
        );
        let mut forged = wrapped.clone();
        forged.kid = pingshen_pki::cert::fingerprint_sha256(other.certificate()).unwrap();
        assert_eq!(
            other.unwrap_key(&forged).unwrap_err().code(),
            "unwrap_failed"
        );

        // A flipped ciphertext bit is detected.
        let mut tampered = wrapped.clone();
        let mut ct = base64::Engine::decode(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD,
            &wrapped.ct,
        )
        .unwrap();
        let last = ct.len() - 1;
        ct[last] ^= 1;
        tampered.ct = base64::Engine::encode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, ct);
        assert_eq!(
            me.unwrap_key(&tampered).unwrap_err().code(),
            "unwrap_failed"
        );
    }
}

#[test]
fn data_key_debug_does_not_print_the_key() {
    let k = DataKey::new([7u8; 32]);
    assert_eq!(format!("{k:?}"), "DataKey(..)");
}
