//! What the desktop checks before it shows or signs, against the real
//! platform: published rules verify (staff signature, the pinned platform's
//! receipt, hash, version) and altered ones are refused; the project's
//! prices must be the signed opening record's; the expert's own certificate
//! must be known unrevoked before signing, from the CRLs the platform relays.

use crate::common::{world, DEMO};
use pingshen_app::trust_files::TrustFiles;
use pingshen_pki::OffsetDateTime;
use pingshen_pki::Signer;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rules_and_opening_record_verify_and_altered_ones_are_refused() {
    let w = world("E001").await;
    let platform_id = w.platform.state.platform_id.clone();
    let published = w.ctx.client.rules(DEMO).await.unwrap();
    let rules = w
        .ctx
        .trust
        .verify_rules(&published, DEMO, Some(&platform_id))
        .unwrap();
    assert!(!rules.factors.is_empty());

    // One character of the text, the stated hash, the version: each refused.
    let mut text = published.clone();
    text.rules_toml = text.rules_toml.replacen("max = \"60\"", "max = \"66\"", 1);
    assert_ne!(
        text.rules_toml, published.rules_toml,
        "the template has a price weight of 60"
    );
    let mut hash = published.clone();
    hash.sha256 = "0".repeat(64);
    let mut version = published.clone();
    version.version += 1;
    for bad in [text, hash, version] {
        let e = w
            .ctx
            .trust
            .verify_rules(&bad, DEMO, Some(&platform_id))
            .unwrap_err();
        assert_eq!(e.code.as_str(), "rules_unverified");
        assert!(e.message.contains("rules_mismatch"), "{}", e.message);
    }
    // Rules of another platform (or project) are not these.
    let e = w
        .ctx
        .trust
        .verify_rules(&published, "JA-OTHER", Some(&platform_id))
        .unwrap_err();
    assert!(e.message.contains("foreign_project"), "{}", e.message);

    // The project's prices are the opening record's; a changed price is refused.
    let detail = w.ctx.client.project(DEMO).await.unwrap();
    let opening = w.ctx.client.opening_record(DEMO).await.unwrap();
    let record = w
        .ctx
        .trust
        .verify_opening(&opening.envelope, &detail)
        .unwrap();
    assert_eq!(record.bids.len(), detail.bidders.len());
    let mut cheaper = detail.clone();
    cheaper.bidders[1].bid_price -= rust_decimal::Decimal::ONE;
    let e = w
        .ctx
        .trust
        .verify_opening(&opening.envelope, &cheaper)
        .unwrap_err();
    assert_eq!(e.code.as_str(), "opening_record_mismatch");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_needs_a_current_crl_and_refuses_a_revoked_certificate() {
    let w = world("E003").await;
    let app = tempfile::tempdir().unwrap();
    let pki = w.platform.state.pki.dir.clone();
    let now = OffsetDateTime::now_utc();
    // Only the CAs' certificates: without CRLs, revocation is unknown.
    let files = TrustFiles::new(app.path(), None);
    files
        .accept(&w.platform.state.pki.fingerprint(), now)
        .unwrap();
    let trust = files.load(&pki.join("trust"));
    let e = trust.check_own_certificate(&w.signer, now).unwrap_err();
    assert_eq!(e.code.as_str(), "revocation_unknown");
    // The CRLs the platform relays: signing may go ahead.
    let crls = w.ctx.client.crls().await.unwrap();
    assert_eq!(crls.crls.len(), 4, "two CAs, root and intermediate each");
    files.store_crls(&crls).unwrap();
    let trust = files.load(&pki.join("trust"));
    trust.check_own_certificate(&w.signer, now).unwrap();

    // The CA revokes the certificate; the platform relays the new CRL (it
    // reads it within a second); the next signature is refused.
    pingshen_pki::demo::revoke(&pki, "E003", now).unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    files
        .store_crls(&w.ctx.client.crls().await.unwrap())
        .unwrap();
    let trust = files.load(&pki.join("trust"));
    let e = trust
        .check_own_certificate(&w.signer, OffsetDateTime::now_utc())
        .unwrap_err();
    assert_eq!(e.code.as_str(), "revoked");
    assert!(e.message.contains("已被吊销"), "{}", e.message);
    // Past the new CRL's nextUpdate (30 days) nobody can say: unknown.
    let e4 = pingshen_pki::Pkcs12Signer::from_file(&w.platform.demo_p12("E004"), "pingshen-demo")
        .unwrap();
    trust.check_own_certificate(&e4, now).unwrap();
    let later = now + time::Duration::days(31);
    assert_eq!(
        trust
            .check_own_certificate(&e4, later)
            .unwrap_err()
            .code
            .as_str(),
        "revocation_unknown"
    );
    assert!(e4.certificate().not_after() > &*openssl::asn1::Asn1Time::days_from_now(31).unwrap());
}

/// Staff publish through the API; what comes back verifies as it will for
/// every expert.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_staff_publish_verifies() {
    let w = world("E001").await;
    let platform_id = w.platform.state.platform_id.clone();
    let staff_signer =
        pingshen_pki::Pkcs12Signer::from_file(&w.platform.demo_p12("S001"), "pingshen-demo")
            .unwrap();
    let chain: Vec<Vec<u8>> = staff_signer
        .chain()
        .iter()
        .map(|c| c.to_der().unwrap())
        .collect();
    let (staff, _) = pingshen_client::PlatformClient::new(&w.platform.url())
        .unwrap()
        .login(&chain, |c| {
            pingshen_client::sign_challenge(&staff_signer, c)
        })
        .await
        .unwrap();
    let project = "JA-2026-0902";
    let demo =
        pingshen_platform::demo::DemoFile::read(&pingshen_platform::demo::default_assets_dir())
            .unwrap();
    staff
        .create_project(&pingshen_api::NewProject {
            id: project.into(),
            ..demo.new_project()
        })
        .await
        .unwrap();
    let template = std::fs::read_to_string(
        pingshen_platform::demo::default_assets_dir().join("rules/municipal-construction.toml"),
    )
    .unwrap();
    let doc = pingshen_api::RulesDocument {
        project_id: project.into(),
        rules_toml: template,
        based_on_version: None,
    };
    let env = pingshen_client::sign_document(&staff_signer, pingshen_api::RULES_TYP, &doc).unwrap();
    let published = staff.publish_rules(project, env).await.unwrap();
    w.ctx
        .trust
        .verify_rules(&published, project, Some(&platform_id))
        .unwrap();
}
