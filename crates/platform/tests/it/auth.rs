//! Certificate login against the real platform: every algorithm, and every
//! way a login can be refused (replay, expiry, another platform, an
//! unregistered or untrusted certificate, a bad signature, an expired session).

use pingshen_api::{Challenge, SignedEnvelope};
use pingshen_client::{sign_challenge, PlatformClient};

use pingshen_testkit::TestPlatform;

use pingshen_testkit::{chain as chain_of, signer};

async fn started() -> (TestPlatform, PlatformClient) {
    let platform = super::demo().await;
    let client = platform.client();
    (platform, client)
}

#[tokio::test]
async fn rsa_p256_and_sm2_people_log_in() {
    let (platform, client) = started().await;
    for (id, alg) in [
        ("E001", "RS256"),
        ("E002", "ES256"),
        ("E003", "SM2SM3"),
        ("W001", "SM2SM3"),
    ] {
        let s = signer(&platform, id);
        let (authed, session) = client
            .login(&chain_of(&s), |c| sign_challenge(&s, c))
            .await
            .unwrap_or_else(|e| panic!("{id}: {e}"));
        assert_eq!(session.person.id, id);
        assert_eq!(session.certificate.alg, alg, "{id}");
        assert!(!session.certificate.issuer.is_empty());
        assert!(session.expires_at > time::OffsetDateTime::now_utc());
        assert_eq!(authed.projects().await.unwrap().len(), 1, "{id}");
    }
    platform.stop().await;
}

#[tokio::test]
async fn a_replayed_challenge_is_refused() {
    let (platform, client) = started().await;
    let s = signer(&platform, "E001");
    let challenge = client.request_challenge(&chain_of(&s)).await.unwrap();
    let envelope = sign_challenge(&s, &challenge).unwrap();
    client.open_session(envelope.clone()).await.unwrap();
    let err = client.open_session(envelope).await.unwrap_err();
    assert_eq!(err.code(), "challenge_replayed");
    platform.stop().await;
}

#[tokio::test]
async fn an_expired_challenge_is_refused() {
    let (platform, client) = started().await;
    let s = signer(&platform, "E002");
    let challenge = client.request_challenge(&chain_of(&s)).await.unwrap();
    let envelope = sign_challenge(&s, &challenge).unwrap();
    // Age the stored challenge instead of waiting for it to expire.
    platform
        .state
        .db
        .with(|c| {
            c.execute(
                "UPDATE challenges SET issued_at = '2020-01-01T00:00:00Z',
                        expires_at = '2020-01-01T00:02:00Z' WHERE nonce = ?1",
                [&challenge.nonce],
            )?;
            Ok(())
        })
        .unwrap();
    // The signed copy no longer matches the stored one, and the stored one has
    // expired: either way the login is refused.
    let err = client.open_session(envelope).await.unwrap_err();
    assert!(
        matches!(err.code(), "challenge_expired" | "bad_challenge"),
        "{}",
        err.code()
    );
    // A challenge that matches but has expired is refused as expired.
    let challenge = client.request_challenge(&chain_of(&s)).await.unwrap();
    let past = time::OffsetDateTime::now_utc() - time::Duration::minutes(10);
    let aged = Challenge {
        issued_at: past.replace_nanosecond(0).unwrap(),
        expires_at: (past + time::Duration::minutes(2))
            .replace_nanosecond(0)
            .unwrap(),
        ..challenge.clone()
    };
    platform
        .state
        .db
        .with(|c| {
            c.execute(
                "UPDATE challenges SET issued_at = ?2, expires_at = ?3 WHERE nonce = ?1",
                [
                    &aged.nonce,
                    &aged
                        .issued_at
                        .format(&time::format_description::well_known::Rfc3339)
                        .unwrap(),
                    &aged
                        .expires_at
                        .format(&time::format_description::well_known::Rfc3339)
                        .unwrap(),
                ],
            )?;
            Ok(())
        })
        .unwrap();
    let err = client
        .open_session(sign_challenge(&s, &aged).unwrap())
        .await
        .unwrap_err();
    assert_eq!(err.code(), "challenge_expired");
    platform.stop().await;
}

#[tokio::test]
async fn a_challenge_from_another_platform_is_refused() {
    let (platform_a, client_a) = started().await;
    let (platform_b, client_b) = started().await;
    assert_ne!(platform_a.state.platform_id, platform_b.state.platform_id);
    let s = signer(&platform_a, "E003");
    let challenge = client_a.request_challenge(&chain_of(&s)).await.unwrap();
    let err = client_b
        .open_session(sign_challenge(&s, &challenge).unwrap())
        .await
        .unwrap_err();
    assert_eq!(err.code(), "foreign_challenge");
    platform_a.stop().await;
    platform_b.stop().await;
}

#[tokio::test]
async fn unregistered_and_untrusted_certificates_are_refused() {
    let (platform, client) = started().await;
    // The platform's own certificate chains to a recognised CA but belongs to nobody.
    let pki = platform.state.pki.clone();
    let platform_chain = chain_of(pki.signer());
    let err = client.request_challenge(&platform_chain).await.unwrap_err();
    assert_eq!(err.code(), "unregistered_certificate");

    // A self-signed certificate chains to no recognised CA.
    let key = openssl::pkey::PKey::from_ec_key(
        openssl::ec::EcKey::generate(
            &openssl::ec::EcGroup::from_curve_name(openssl::nid::Nid::X9_62_PRIME256V1).unwrap(),
        )
        .unwrap(),
    )
    .unwrap();
    let mut name = openssl::x509::X509NameBuilder::new().unwrap();
    name.append_entry_by_text("CN", "冒名专家").unwrap();
    let name = name.build();
    let mut b = openssl::x509::X509Builder::new().unwrap();
    b.set_version(2).unwrap();
    b.set_subject_name(&name).unwrap();
    b.set_issuer_name(&name).unwrap();
    b.set_pubkey(&key).unwrap();
    b.set_not_before(&openssl::asn1::Asn1Time::days_from_now(0).unwrap())
        .unwrap();
    b.set_not_after(&openssl::asn1::Asn1Time::days_from_now(30).unwrap())
        .unwrap();
    b.sign(&key, openssl::hash::MessageDigest::sha256())
        .unwrap();
    let err = client
        .request_challenge(&[b.build().to_der().unwrap()])
        .await
        .unwrap_err();
    assert_eq!(err.code(), "untrusted_root");

    let err = client
        .request_challenge(&[b"not a certificate".to_vec()])
        .await
        .unwrap_err();
    assert_eq!(err.code(), "malformed");
    platform.stop().await;
}

#[tokio::test]
async fn a_signature_by_another_key_or_over_other_bytes_is_refused() {
    let (platform, client) = started().await;
    let e1 = signer(&platform, "E001");
    let e2 = signer(&platform, "E002");
    // E002 signs E001's challenge: the certificate does not match the challenge.
    let challenge = client.request_challenge(&chain_of(&e1)).await.unwrap();
    let err = client
        .open_session(sign_challenge(&e2, &challenge).unwrap())
        .await
        .unwrap_err();
    assert_eq!(err.code(), "challenge_mismatch");
    // An altered payload breaks the signature.
    let good = sign_challenge(&e1, &challenge).unwrap();
    let mut other = challenge.clone();
    other.nonce = "AAAA".into();
    let forged = SignedEnvelope {
        payload: sign_challenge(&e1, &other).unwrap().payload,
        ..good
    };
    let err = client.open_session(forged).await.unwrap_err();
    assert_eq!(err.code(), "signature_invalid");
    platform.stop().await;
}

#[tokio::test]
async fn an_expired_session_must_log_in_again() {
    let (platform, client) = started().await;
    let s = signer(&platform, "E004");
    let (authed, _) = client
        .login(&chain_of(&s), |c| sign_challenge(&s, c))
        .await
        .unwrap();
    authed.projects().await.unwrap();
    platform
        .state
        .db
        .with(|c| {
            c.execute(
                "UPDATE sessions SET expires_at = '2020-01-01T00:00:00Z'",
                [],
            )?;
            Ok(())
        })
        .unwrap();
    assert_eq!(
        authed.projects().await.unwrap_err().code(),
        "session_expired"
    );
    platform.stop().await;
}

/// Logging out ends the session on the platform: the token (or a copy of
/// it) stops working at once, while the person's other sessions go on.
#[tokio::test]
async fn logout_ends_the_session_at_once() {
    let (platform, client) = started().await;
    let s = signer(&platform, "E002");
    let (here, _) = client
        .login(&chain_of(&s), |c| sign_challenge(&s, c))
        .await
        .unwrap();
    let (elsewhere, _) = client
        .login(&chain_of(&s), |c| sign_challenge(&s, c))
        .await
        .unwrap();
    here.projects().await.unwrap();
    here.logout().await.unwrap();
    assert_eq!(here.projects().await.unwrap_err().code(), "unauthenticated");
    // Idempotent: ending it again answers 204 as well.
    here.logout().await.unwrap();
    elsewhere.projects().await.unwrap();
    // Without a session there is nothing to end.
    client.logout().await.unwrap();
    let rows: i64 = platform
        .state
        .db
        .with(|c| Ok(c.query_row("SELECT COUNT(*) FROM sessions", [], |r| r.get(0))?))
        .unwrap();
    assert_eq!(rows, 1, "only the other session is left");
    platform.stop().await;
}
