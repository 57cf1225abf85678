//! A line that comes and goes every second or so through a whole
//! evaluation — document sync, declaration, score sheet, report signature,
//! witness entries — as a remote expert on a poor mobile link lives it. The
//! client keeps retrying as the desktop's sender does. At the end: every
//! document verified and intact, every submission on the platform exactly
//! once, every witness entry once and in order, nothing lost locally.

use crate::common::{self, extractor, submit_full_marks, DEMO};
use pingshen_app::evaluation;
use pingshen_app::{sync, witness, PlatformTrust};
use pingshen_client::PlatformClient;
use pingshen_pki::Pkcs12Signer;
use pingshen_platform::{demo_run, RunningPlatform};
use pingshen_rules::Rules;
use pingshen_store::{BlobReader, DocState, Store, Vault};
use pingshen_testkit::Link;
use sha2::{Digest, Sha256};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const PAUSE: Duration = Duration::from_millis(300);
/// However bad the line, the evaluation must finish within this.
const PATIENCE: Duration = Duration::from_secs(240);

/// Retries `f` until it succeeds, as the desktop does after a lost line.
async fn retry<T, F, Fut>(what: &str, f: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, String>>,
{
    common::retry(what, PATIENCE, PAUSE, f).await
}

async fn login(url: &str, signer: &Pkcs12Signer) -> PlatformClient {
    retry("login", || async {
        PlatformClient::new(url)
            .unwrap()
            .login_with(signer)
            .await
            .map(|(c, _)| c)
            .map_err(|e| e.to_string())
    })
    .await
}

async fn deliver(store: &Mutex<Store>, client: &PlatformClient, trust: &PlatformTrust) {
    common::deliver(store, client, trust, PATIENCE, PAUSE).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flapping_line_loses_nothing_and_doubles_nothing() {
    let platform_dir = tempfile::tempdir().unwrap();
    let platform = RunningPlatform::start_demo(platform_dir.path())
        .await
        .unwrap();
    let pki = platform.state.pki.dir.clone();
    let link = Arc::new(Link::start(platform.addr).await.unwrap());
    // A modest line (4 Mbit/s, 20 ms each way) so that transfers are cut
    // half-way, up and down every 0.5–1.5 s from a fixed seed.
    link.shape(500_000, Duration::from_millis(20));
    let flapping = Arc::new(AtomicBool::new(true));
    let flapper = {
        let (link, flapping) = (link.clone(), flapping.clone());
        tokio::spawn(async move {
            let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
            let mut up = true;
            while flapping.load(Ordering::SeqCst) {
                seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                let ms = 500 + (seed >> 33) % 1000;
                tokio::time::sleep(Duration::from_millis(ms)).await;
                up = !up;
                link.set_up(up);
            }
            link.set_up(true);
        })
    };
    let trust = Arc::new(PlatformTrust::new(
        pingshen_pki::demo::load_trust(&pki).unwrap(),
        pingshen_pki::demo::platform_pins(&pki).unwrap(),
    ));

    // The expert, over the flapping line.
    let dir = tempfile::tempdir().unwrap();
    let signer = Pkcs12Signer::from_file(&platform.demo_p12("E001"), "pingshen-demo").unwrap();
    let client = login(&link.url, &signer).await;
    let store = Arc::new(Mutex::new(Vault::new(dir.path()).open(&signer).unwrap()));
    {
        let s = store.lock().unwrap();
        evaluation::declare(
            &s,
            &signer,
            DEMO,
            "E001",
            pingshen_api::DeclarationDecision::NoConflict,
            None,
        )
        .unwrap();
    }
    deliver(&store, &client, &trust).await;

    // The documents: synced through cuts, each verified.
    let ctx = sync::SyncContext::new(
        store.clone(),
        client.clone(),
        trust.clone(),
        platform.state.platform_id.clone(),
    );
    let quiet: sync::ProgressFn = Arc::new(|_| {});
    let manifest_files = retry("sync", || async {
        let r = sync::sync_project(&ctx, DEMO, extractor(), quiet.clone())
            .await
            .map_err(|e| e.to_string())?;
        if r.verified == r.files && r.failed.is_empty() {
            Ok(r.files)
        } else {
            Err(format!("{}/{} verified", r.verified, r.files))
        }
    })
    .await;
    assert_eq!(manifest_files, 7);

    // The sheet.
    let published = retry("rules", || async {
        client.rules(DEMO).await.map_err(|e| e.to_string())
    })
    .await;
    let rules = Rules::from_toml(&published.rules_toml).unwrap();
    let detail = retry("project", || async {
        client.project(DEMO).await.map_err(|e| e.to_string())
    })
    .await;
    let project = pingshen_testkit::ProjectRules {
        published,
        rules,
        bidders: detail.bidders.iter().map(|b| b.id.clone()).collect(),
    };
    submit_full_marks(&store.lock().unwrap(), &signer, "E001", &project);
    deliver(&store, &client, &trust).await;

    // The rest of the panel, on a good line, so that the report exists.
    let url = platform.url();
    for id in ["E002", "E003", "E004", "E005"] {
        let e = demo_run::login(&url, &pki, id).await.unwrap();
        e.declare_no_conflict(DEMO).await.unwrap();
        e.submit_full_marks(DEMO, &project.published, &project.rules, &project.bidders)
            .await
            .unwrap();
    }

    // The report signature, over the flapping line.
    let report = retry("report", || async {
        client.report_status(DEMO).await.map_err(|e| e.to_string())
    })
    .await;
    {
        let s = store.lock().unwrap();
        evaluation::sign_report(&s, &signer, DEMO, "E001", &report.sha256).unwrap();
    }
    deliver(&store, &client, &trust).await;

    // The witness, over the same line: entries written while it flaps.
    let wdir = tempfile::tempdir().unwrap();
    let w_signer = Pkcs12Signer::from_file(&platform.demo_p12("W001"), "pingshen-demo").unwrap();
    let w_client = login(&link.url, &w_signer).await;
    let w_store = Mutex::new(Vault::new(wdir.path()).open(&w_signer).unwrap());
    for i in 1..=6 {
        {
            let s = w_store.lock().unwrap();
            witness::record(
                &s,
                &w_signer,
                DEMO,
                "W001",
                &pingshen_api::ipc::WitnessDraft {
                    stage: "detailed_review".into(),
                    category: "normal".into(),
                    text: format!("第 {i} 条：评审秩序正常"),
                    attachments: vec![],
                    corrects: None,
                },
                0,
                time::OffsetDateTime::now_utc(),
            )
            .unwrap();
        }
        // Try to send after each entry, whatever the line does.
        let _ = witness::sync(&w_store, &w_client, &trust, DEMO).await;
        tokio::time::sleep(Duration::from_millis(400)).await;
    }
    retry("witness sync", || async {
        let r = witness::sync(&w_store, &w_client, &trust, DEMO)
            .await
            .map_err(|e| e.to_string())?;
        if r.pending == 0 && !r.offline {
            Ok(())
        } else {
            Err(format!("{} entries pending", r.pending))
        }
    })
    .await;

    flapping.store(false, Ordering::SeqCst);
    flapper.await.unwrap();
    let stats = link.stats();
    assert!(
        stats.connections_cut + stats.connections_refused > 0,
        "the line did flap: {stats:?}"
    );
    eprintln!("link: {stats:?}");

    // Exactly once on the platform.
    let staff = demo_run::login(&url, &pki, "S001").await.unwrap();
    let package = staff.client.evaluation_package(DEMO).await.unwrap();
    let count = |items: &[pingshen_api::SignedWithReceipt], who: &str| {
        items
            .iter()
            .filter(|i| String::from_utf8_lossy(&base64_url(&i.envelope.payload)).contains(who))
            .count()
    };
    assert_eq!(count(&package.declarations, "\"E001\""), 1);
    assert_eq!(count(&package.sheets, "\"expert_id\":\"E001\""), 1);
    assert_eq!(count(&package.report_signatures, "\"E001\""), 1);
    let log = &package.witness_logs[0];
    assert_eq!(log.entries.len(), 6, "every witness entry once");
    // Locally: every document verified and bit-for-bit the manifest's.
    let s = store.lock().unwrap();
    let docs = s.documents().list(DEMO).unwrap();
    assert_eq!(docs.len(), 7);
    for d in docs {
        assert_eq!(d.state, DocState::Verified, "{}", d.entry.file_id);
        let mut reader = BlobReader::open(&s, DEMO, &d.entry.file_id).unwrap();
        let bytes = reader.read_all().unwrap();
        assert_eq!(hex::encode(Sha256::digest(&bytes)), d.entry.sha256);
    }
    assert_eq!(s.outbox().pending_count().unwrap(), 0);
}

fn base64_url(s: &str) -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(s)
        .unwrap()
}
