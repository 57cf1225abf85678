//! SM2 reference values: the sample signature of GB/T 32918.2 / GM/T 0003.5
//! Annex A (message "message digest", default ID 1234567812345678), and
//! round trips with keys made here.

use pingshen_pki::issue::{generate_key, KeyKind};
use pingshen_pki::{sig, sm2, Algorithm};

const PX: &str = "09F9DF311E5421A150DD7D161E4BC5C672179FAD1833FC076BB08FF356F35020";
const PY: &str = "CCEA490CE26775A52DC6EA718CC1AA600AED05FBF35E084A6632F6072DA9AD13";
const R: &str = "F5A03B0648D2C4630EEAC513E1BB81A15944DA3827D5B74143AC7EACEEE720B3";
const S: &str = "B1B6AA29DF212FD8763182BC0D421CA1BB9038FD1F7F42D4840B69C485BBC1AA";
const MSG: &[u8] = b"message digest";

fn standard_key() -> openssl::pkey::PKey<openssl::pkey::Public> {
    sm2::public_key_from_coordinates(&hex::decode(PX).unwrap(), &hex::decode(PY).unwrap()).unwrap()
}

fn standard_sig() -> Vec<u8> {
    let mut raw = hex::decode(R).unwrap();
    raw.extend(hex::decode(S).unwrap());
    raw
}

#[test]
fn gbt32918_sample_signature_verifies() {
    let key = standard_key();
    assert_eq!(Algorithm::of_key(&key).unwrap(), Algorithm::Sm2Sm3);
    assert!(sig::verify(Algorithm::Sm2Sm3, &key, MSG, &standard_sig()).unwrap());
    // The DER form verifies through the lower-level function too.
    let der = sig::raw_to_der(&standard_sig()).unwrap();
    assert!(sm2::verify_der(&key, MSG, &der).unwrap());
}

#[test]
fn gbt32918_sample_fails_when_anything_changes() {
    let key = standard_key();
    assert!(!sig::verify(Algorithm::Sm2Sm3, &key, b"message digesT", &standard_sig()).unwrap());
    let mut s = standard_sig();
    s[63] ^= 1;
    assert!(!sig::verify(Algorithm::Sm2Sm3, &key, MSG, &s).unwrap());
    assert!(!sig::verify(Algorithm::Sm2Sm3, &key, MSG, &standard_sig()[..63]).unwrap());
}

#[test]
fn sign_and_verify_round_trip_with_the_default_id() {
    let key = generate_key(KeyKind::Sm2).unwrap();
    assert!(sm2::is_sm2(&key));
    let s = sig::sign(Algorithm::Sm2Sm3, &key, b"hello").unwrap();
    assert_eq!(s.len(), 64);
    assert!(sig::verify(Algorithm::Sm2Sm3, &key, b"hello", &s).unwrap());
    assert!(!sig::verify(Algorithm::Sm2Sm3, &key, b"hellO", &s).unwrap());
    // A signature made with an empty ID (what a plain EVP Signer does) must not pass.
    let mut plain = openssl::sign::Signer::new(openssl::hash::MessageDigest::sm3(), &key).unwrap();
    let der = plain.sign_oneshot_to_vec(b"hello").unwrap();
    assert!(!sm2::verify_der(&key, b"hello", &der).unwrap());
}

#[test]
fn z_a_of_the_sample_key_matches_the_standard() {
    // GB/T 32918.5-2017 Annex A gives Z_A for the sample key and the default ID.
    let z = sm2::z_a(&standard_key()).unwrap();
    assert_eq!(
        hex::encode_upper(z),
        "B2E14C5C79C6DF5B85F4FE7ED8DB7A262B9DA7E07CCB0EA9F4747B8CCDA8A4F3"
    );
}

#[test]
fn precomputed_z_a_gives_the_same_answers_as_the_digest_context() {
    let key = standard_key();
    let z = sm2::z_a(&key).unwrap();
    let der = sig::raw_to_der(&standard_sig()).unwrap();
    assert!(sm2::verify_der_with_z_a(&key, &z, MSG, &der).unwrap());
    assert!(!sm2::verify_der_with_z_a(&key, &z, b"message digesT", &der).unwrap());
    let mut wrong_z = z;
    wrong_z[0] ^= 1;
    assert!(!sm2::verify_der_with_z_a(&key, &wrong_z, MSG, &der).unwrap());
    assert!(!sm2::verify_der_with_z_a(&key, &z, MSG, b"\x30\x00").unwrap());
    for len in [0usize, 1, 55, 56, 64, 1000] {
        let own = generate_key(KeyKind::Sm2).unwrap();
        let own_z = sm2::z_a(&own).unwrap();
        let msg = vec![0x5a; len];
        let der = sm2::sign_der(&own, &msg).unwrap();
        assert_eq!(
            sm2::verify_der_with_z_a(&own, &own_z, &msg, &der).unwrap(),
            sm2::verify_der(&own, &msg, &der).unwrap()
        );
        assert!(sm2::verify_der_with_z_a(&own, &own_z, &msg, &der).unwrap());
        let mut other = msg.clone();
        other.push(1);
        assert!(!sm2::verify_der_with_z_a(&own, &own_z, &other, &der).unwrap());
    }
}
