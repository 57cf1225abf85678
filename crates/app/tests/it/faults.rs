//! The fault proxy between an expert and the real platform, one fault after
//! another through a whole evaluation: answers reset or cut short after a
//! number of bytes (also the answer to a submission the platform has
//! already stored), a slow line with latency, a platform that stops
//! sending in the middle of a download, and a platform restart (same data,
//! another port) in the middle of the report-signature round. The client
//! retries as the desktop does. At the end every document is verified and
//! bit-for-bit the manifest's, and every declaration, sheet and report
//! signature is on the platform exactly once with a verified receipt.

use crate::common::{self, extractor, submit_full_marks, DEMO};
use pingshen_app::evaluation;
use pingshen_app::{outbox, sync, PlatformTrust};
use pingshen_client::PlatformClient;
use pingshen_pki::Pkcs12Signer;
use pingshen_platform::{demo_run, AppState, Config, RunningPlatform};
use pingshen_store::{BlobReader, DocState, Store, Vault};
use pingshen_testkit::{Fault, Link};
use sha2::{Digest, Sha256};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// However bad the line, each step must succeed within this.
const PATIENCE: Duration = Duration::from_secs(120);
/// The client gives up on a silent connection after this (the desktop uses
/// 20 s; a test need not wait that long to see it happen).
const STALL: Duration = Duration::from_secs(2);
const PAUSE: Duration = Duration::from_millis(200);

async fn retry<T, F, Fut>(what: &str, f: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, String>>,
{
    common::retry(what, PATIENCE, PAUSE, f).await
}

async fn deliver(store: &Mutex<Store>, client: &PlatformClient, trust: &PlatformTrust) -> u32 {
    common::deliver(store, client, trust, PATIENCE, PAUSE).await
}

/// Syncs into a fresh store until every file is verified.
async fn sync_all(ctx: &sync::SyncContext) {
    let quiet: sync::ProgressFn = Arc::new(|_| {});
    retry("sync", || async {
        let r = sync::sync_project(ctx, DEMO, extractor(), quiet.clone())
            .await
            .map_err(|e| format!("{} {}", e.code.as_str(), e.message))?;
        if r.verified == r.files && r.failed.is_empty() {
            Ok(())
        } else {
            Err(format!(
                "{}/{} verified: {:?}",
                r.verified, r.files, r.failed
            ))
        }
    })
    .await;
}

/// Another panel member signs the report on a good line.
async fn sign_report_directly(url: &str, pki: &std::path::Path, id: &str, sha256: &str) {
    let e = demo_run::login(url, pki, id).await.unwrap();
    e.sign_report(DEMO, sha256).await.unwrap();
}

/// Every document of the store is verified and is the manifest's bytes.
fn assert_documents_intact(store: &Mutex<Store>, what: &str) {
    let s = store.lock().unwrap();
    let docs = s.documents().list(DEMO).unwrap();
    assert_eq!(docs.len(), 7, "{what}");
    for d in docs {
        assert_eq!(d.state, DocState::Verified, "{what}: {}", d.entry.file_id);
        let bytes = BlobReader::open(&s, DEMO, &d.entry.file_id)
            .unwrap()
            .read_all()
            .unwrap();
        assert_eq!(
            hex::encode(Sha256::digest(&bytes)),
            d.entry.sha256,
            "{what}: {}",
            d.entry.file_id
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_fault_of_the_line_and_a_platform_restart_lose_nothing_and_double_nothing() {
    let platform_dir = tempfile::tempdir().unwrap();
    let platform = RunningPlatform::start_demo(platform_dir.path())
        .await
        .unwrap();
    let pki = platform.state.pki.dir.clone();
    let platform_id = platform.state.platform_id.clone();
    let link = Arc::new(Link::start(platform.addr).await.unwrap());
    let trust = Arc::new(PlatformTrust::new(
        pingshen_pki::demo::load_trust(&pki).unwrap(),
        pingshen_pki::demo::platform_pins(&pki).unwrap(),
    ));
    let signer = Pkcs12Signer::from_file(&platform.demo_p12("E001"), "pingshen-demo").unwrap();
    let client = PlatformClient::new(&link.url)
        .unwrap()
        .with_stall_timeout(STALL)
        .unwrap()
        .login_with(&signer)
        .await
        .unwrap()
        .0;
    let open_store = |dir: &tempfile::TempDir| {
        Arc::new(Mutex::new(Vault::new(dir.path()).open(&signer).unwrap()))
    };
    let dir = tempfile::tempdir().unwrap();
    let store = open_store(&dir);

    // 1. The declaration's answer is cut before its first byte: the
    //    platform has stored it, the client cannot know. The retry must get
    //    the same receipt, not a second declaration.
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
    link.inject(Fault::Truncate, 0, 1);
    let rounds = deliver(&store, &client, &trust).await;
    assert_eq!(link.stats().faults_injected, 1);
    assert!(
        rounds >= 2,
        "the first answer was lost, so a second drain ran"
    );

    // 2. Documents, each time into a fresh cache (a second computer of the
    //    same expert): downloads reset, then cut short, part-way through.
    let sync_ctx = |store: Arc<Mutex<Store>>| {
        sync::SyncContext::new(store, client.clone(), trust.clone(), platform_id.clone())
    };
    let faults_before = link.stats().faults_injected;
    link.inject(Fault::Reset, 150_000, 3);
    sync_all(&sync_ctx(store.clone())).await;
    assert_documents_intact(&store, "after resets");
    assert_eq!(
        link.stats().faults_injected,
        faults_before + 3,
        "three resets"
    );

    let dir_truncated = tempfile::tempdir().unwrap();
    let store_truncated = open_store(&dir_truncated);
    link.inject(Fault::Truncate, 200_000, 3);
    sync_all(&sync_ctx(store_truncated.clone())).await;
    assert_documents_intact(&store_truncated, "after truncated answers");
    assert_eq!(
        link.stats().faults_injected,
        faults_before + 6,
        "three cuts"
    );

    // 3. A slow line (2 MB/s, 50 ms each way) on which the platform stops
    //    sending for longer than the client waits, mid-download.
    let dir_stalled = tempfile::tempdir().unwrap();
    let store_stalled = open_store(&dir_stalled);
    link.shape(2_000_000, Duration::from_millis(50));
    let staller = {
        let link = link.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(400)).await;
            link.set_stalled(true);
            tokio::time::sleep(STALL * 2).await;
            link.set_stalled(false);
        })
    };
    let stalled_start = Instant::now();
    sync_all(&sync_ctx(store_stalled.clone())).await;
    staller.await.unwrap();
    assert!(
        stalled_start.elapsed() > STALL * 2,
        "the sync waited out the stall"
    );
    assert_documents_intact(&store_stalled, "after a stall");
    link.shape(0, Duration::ZERO);

    // 4. The sheet: the answer to the submission is reset after its
    //    headers began.
    let project = pingshen_testkit::project_rules(&client, DEMO).await;
    submit_full_marks(&store.lock().unwrap(), &signer, "E001", &project);
    let faults_before = link.stats().faults_injected;
    link.inject(Fault::Reset, 40, 1);
    deliver(&store, &client, &trust).await;
    assert_eq!(link.stats().faults_injected, faults_before + 1);

    // The rest of the panel scores on a good line, so the report exists.
    let url = platform.url();
    for id in ["E002", "E003", "E004", "E005"] {
        let e = demo_run::login(&url, &pki, id).await.unwrap();
        e.declare_no_conflict(DEMO).await.unwrap();
        e.submit_full_marks(DEMO, &project.published, &project.rules, &project.bidders)
            .await
            .unwrap();
    }

    // 5. The report-signature round. E002 and E003 sign; E001's signature
    //    reaches the platform but its answer is lost; the platform restarts
    //    (same data, another port); E001's outbox sends again, E004 and E005
    //    sign after the restart.
    let report = client.report_status(DEMO).await.unwrap();
    for id in ["E002", "E003"] {
        sign_report_directly(&url, &pki, id, &report.sha256).await;
    }
    {
        let s = store.lock().unwrap();
        evaluation::sign_report(&s, &signer, DEMO, "E001", &report.sha256).unwrap();
    }
    link.inject(Fault::Truncate, 0, 1);
    let lost = outbox::drain(&store, &client, &trust).await.unwrap();
    assert_eq!(lost.pending, 1, "the answer was lost: still pending");
    platform.stop().await;
    let back = RunningPlatform::start_with(
        AppState::open(&Config {
            data_dir: platform_dir.path().to_path_buf(),
            pki_dir: pki.clone(),
            platform_name: "测试平台".into(),
            demo: true,
        })
        .unwrap(),
    )
    .await
    .unwrap();
    link.set_upstream(back.addr);
    deliver(&store, &client, &trust).await;
    let url = back.url();
    for id in ["E004", "E005"] {
        sign_report_directly(&url, &pki, id, &report.sha256).await;
    }
    let stats = link.stats();
    eprintln!("link: {stats:?}");

    // Exactly once on the platform, each with a receipt kept locally.
    let staff = demo_run::login(&url, &pki, "S001").await.unwrap();
    let package = staff.client.evaluation_package(DEMO).await.unwrap();
    let payload = |i: &pingshen_api::SignedWithReceipt| {
        use base64::Engine;
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(&i.envelope.payload)
            .unwrap();
        String::from_utf8(bytes).unwrap()
    };
    let count = |items: &[pingshen_api::SignedWithReceipt], needle: &str| {
        items.iter().filter(|i| payload(i).contains(needle)).count()
    };
    assert_eq!(count(&package.declarations, "\"E001\""), 1);
    assert_eq!(count(&package.sheets, "\"expert_id\":\"E001\""), 1);
    assert_eq!(package.report_signatures.len(), 5, "the round is complete");
    for id in ["E001", "E002", "E003", "E004", "E005"] {
        assert_eq!(
            count(&package.report_signatures, &format!("\"{id}\"")),
            1,
            "{id} signed the report once"
        );
    }
    let s = store.lock().unwrap();
    assert_eq!(s.outbox().pending_count().unwrap(), 0);
    drop(s);
    back.stop().await;
}
