//! The diagnostics bundle a help desk asks for, made from a real store with
//! synced bid documents and a sheet waiting in the outbox while the platform
//! is down: it says what a help desk needs (versions, the platform check,
//! the USB-key drivers found, each project's sync and outbox state) and
//! holds no secret and no content — neither the PIN, nor the private key,
//! nor a sentence, a file name or a price from the bids.

use crate::common::{extractor, submit_full_marks, world, World, DEMO};
use pingshen_app::diagnostics::{self, PlatformCheck, Setup};
use pingshen_app::{outbox, sync};
use std::path::Path;
use std::sync::Arc;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_diagnostics_bundle_tells_the_state_and_holds_no_secret_or_content() {
    let World {
        platform,
        ctx,
        signer,
        _dirs,
    } = world("E002").await;
    let report = sync::sync_project(&ctx, DEMO, extractor(), Arc::new(|_| {}))
        .await
        .unwrap();
    assert_eq!(report.verified, 7);
    let project = pingshen_testkit::project_rules(&ctx.client, DEMO).await;
    let detail = ctx.client.project(DEMO).await.unwrap();
    let pki = platform.state.pki.dir.clone();
    platform.stop().await;

    // Signed and queued while the platform is down.
    submit_full_marks(&ctx.store.lock().unwrap(), &signer, "E002", &project);
    let drained = outbox::drain(&ctx.store, &ctx.client, &ctx.trust)
        .await
        .unwrap();
    assert!(drained.offline);

    let check = match ctx.client.health().await {
        Ok(_) => panic!("the platform is down"),
        Err(e) => PlatformCheck {
            reachable: false,
            error_code: Some(e.code().to_string()),
            platform_id: None,
            answered_in_ms: None,
        },
    };
    let data_dir = _dirs.1.path();
    let cert_dir = pki.join("people");
    let setup = Setup {
        app_version: "0.1.0",
        commit: "test",
        platform_url: "http://E002:pingshen-demo@127.0.0.1:1/api?token=secret",
        data_dir,
        cert_dir: &cert_dir,
        pkcs11_module: "/usr/lib/softhsm/libsofthsm2.so",
        install: &pingshen_api::InstallKind::Unmanaged,
    };
    let bundle_dir = tempfile::tempdir().unwrap();
    let bundle = bundle_dir.path().join("pingshen-diagnostics.json");
    {
        let store = ctx.store.lock().unwrap();
        let d = diagnostics::collect(&setup, check, Some(&store), Path::new("/")).unwrap();
        diagnostics::write_bundle(&d, &bundle).unwrap();
    }
    let text = std::fs::read_to_string(&bundle).unwrap();
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();

    // What the help desk needs.
    assert_eq!(json["format"], diagnostics::FORMAT);
    assert_eq!(json["settings"]["platform_url"], "http://127.0.0.1:1/api");
    assert_eq!(json["platform"]["reachable"], false);
    assert_eq!(json["platform"]["error_code"], "platform_unreachable");
    assert!(
        json["token_modules"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["path"].as_str().unwrap().ends_with("libsofthsm2.so")),
        "SoftHSM2 found: {}",
        json["token_modules"]
    );
    assert!(json["certificate_files"].as_u64().unwrap() >= 5);
    let project = &json["projects"][0];
    assert_eq!(project["id"], DEMO);
    assert_eq!(project["documents_total"], 7);
    assert_eq!(project["documents_verified"], 7);
    assert_eq!(project["outbox_pending"], 1);
    assert_eq!(
        project["outbox_errors"],
        serde_json::json!(["platform_unreachable"])
    );

    // What it must never hold.
    let mut secrets: Vec<(String, String)> = vec![
        ("the PIN / PKCS#12 password".into(), "pingshen-demo".into()),
        ("a private key".into(), "PRIVATE KEY".into()),
        ("a certificate".into(), "CERTIFICATE".into()),
        ("the URL's query".into(), "token=secret".into()),
    ];
    let p12 = openssl::pkcs12::Pkcs12::from_der(&std::fs::read(cert_dir.join("E002.p12")).unwrap())
        .unwrap()
        .parse2("pingshen-demo")
        .unwrap();
    let key_der = p12.pkey.unwrap().private_key_to_der().unwrap();
    use base64::Engine;
    let key_b64 = base64::engine::general_purpose::STANDARD.encode(&key_der);
    secrets.push((
        "the private key's base64".into(),
        key_b64[40..80].to_string(),
    ));
    secrets.push((
        "the private key's hex".into(),
        hex::encode(&key_der[20..40]),
    ));
    for b in &detail.bidders {
        secrets.push((format!("{}'s price", b.id), b.bid_price.to_string()));
        secrets.push((format!("{}'s name", b.id), b.name.clone()));
    }
    {
        let store = ctx.store.lock().unwrap();
        for d in store.documents().list(DEMO).unwrap() {
            secrets.push(("a file name".into(), d.entry.name.clone()));
            let pages = store
                .documents()
                .page_texts(DEMO, &d.entry.file_id)
                .unwrap();
            let sentence = pages
                .iter()
                .flat_map(|(_, text)| text.lines())
                .map(str::trim)
                .filter(|l| l.chars().count() >= 12)
                .max_by_key(|l| l.chars().count())
                .expect("a bid document has text");
            let middle: String = sentence.chars().skip(2).take(10).collect();
            secrets.push((format!("a sentence of {}", d.entry.file_id), middle));
        }
    }
    for (what, needle) in &secrets {
        assert!(
            !text.contains(needle.as_str()),
            "{what} ({needle}) is in the bundle"
        );
    }
}
