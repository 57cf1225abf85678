//! Shared set-up: a real platform with the demo, an expert's store and a
//! logged-in client.

use pingshen_app::sync::SyncContext;
use pingshen_pki::Pkcs12Signer;
use pingshen_platform::RunningPlatform;
use pingshen_store::Vault;
use std::sync::{Arc, Mutex};

pub use pingshen_testkit::DEMO;

pub struct World {
    pub platform: RunningPlatform,
    pub ctx: SyncContext,
    pub signer: Pkcs12Signer,
    pub _dirs: (tempfile::TempDir, tempfile::TempDir),
}

pub async fn world(person: &str) -> World {
    let platform_dir = tempfile::tempdir().unwrap();
    let app_dir = tempfile::tempdir().unwrap();
    let platform = RunningPlatform::start_demo(platform_dir.path())
        .await
        .unwrap();
    let signer = Pkcs12Signer::from_file(&platform.demo_p12(person), "pingshen-demo").unwrap();
    let client = login_at(&platform.url(), &signer).await;
    // Documents open only after the expert has signed the declaration.
    let declaration = pingshen_api::Declaration {
        project_id: DEMO.into(),
        expert_id: person.into(),
        statement: pingshen_api::DECLARATION_TEXT.into(),
        decision: pingshen_api::DeclarationDecision::NoConflict,
        reason: None,
    };
    let env = pingshen_client::sign_document(&signer, pingshen_api::DECLARATION_TYP, &declaration)
        .unwrap();
    client.declare(DEMO, env).await.unwrap();
    let ctx = context(&platform, &signer, client, app_dir.path());
    World {
        platform,
        ctx,
        signer,
        _dirs: (platform_dir, app_dir),
    }
}

/// The expert's side: an encrypted store in `app_dir` opened with
/// `signer`, the platform's trust, and `client`.
pub fn context(
    platform: &RunningPlatform,
    signer: &Pkcs12Signer,
    client: pingshen_client::PlatformClient,
    app_dir: &std::path::Path,
) -> SyncContext {
    let store = Vault::new(app_dir).open(signer).unwrap();
    let trust = pingshen_app::PlatformTrust::new(
        pingshen_pki::demo::load_trust(&platform.state.pki.dir).unwrap(),
        pingshen_pki::demo::platform_pins(&platform.state.pki.dir).unwrap(),
    );
    SyncContext::new(
        Arc::new(Mutex::new(store)),
        client,
        Arc::new(trust),
        platform.state.platform_id.clone(),
    )
}

pub use pingshen_testkit::login_at;

/// The `pingshen` CLI binary doubles as the PDF worker (it calls
/// `pingshen_docs::worker::run_if_requested`).
pub fn extractor() -> Arc<pingshen_docs::Extractor> {
    Arc::new(pingshen_docs::Extractor::with_worker(
        pingshen_testkit::cli::bin("pingshen"),
    ))
}

/// Types full marks for every bidder into the expert's store and signs the
/// first sheet into the outbox, as the desktop does on 签名提交.
pub fn submit_full_marks(
    store: &pingshen_store::Store,
    signer: &dyn pingshen_pki::Signer,
    expert: &str,
    r: &pingshen_testkit::ProjectRules,
) -> pingshen_app::evaluation::Queued {
    for c in pingshen_platform::demo_run::full_marks(&r.rules, &r.bidders) {
        pingshen_app::evaluation::save_cell(store, DEMO, &c).unwrap();
    }
    let rules = pingshen_app::evaluation::RulesInForce {
        rules: &r.rules,
        version: r.published.version,
        sha256: &r.published.sha256,
    };
    pingshen_app::evaluation::submit_sheet(store, signer, DEMO, expert, &rules, &r.bidders).unwrap()
}

/// Retries `f` every `pause` until it succeeds, as the desktop does after a
/// lost line; panics after `patience`.
pub async fn retry<T, F, Fut>(
    what: &str,
    patience: std::time::Duration,
    pause: std::time::Duration,
    mut f: F,
) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, String>>,
{
    let start = std::time::Instant::now();
    loop {
        match f().await {
            Ok(v) => return v,
            Err(e) if start.elapsed() < patience => {
                eprintln!("{what}: {e} — retrying");
                tokio::time::sleep(pause).await;
            }
            Err(e) => panic!("{what} never succeeded: {e}"),
        }
    }
}

/// Drains the outbox until nothing is pending (retrying as [`retry`] does);
/// every entry must be delivered, none refused. Returns how many drains it
/// took.
pub async fn deliver(
    store: &Mutex<pingshen_store::Store>,
    client: &pingshen_client::PlatformClient,
    trust: &pingshen_app::PlatformTrust,
    patience: std::time::Duration,
    pause: std::time::Duration,
) -> u32 {
    let mut rounds = 0;
    retry("deliver", patience, pause, || {
        rounds += 1;
        async {
            let r = pingshen_app::outbox::drain(store, client, trust)
                .await
                .map_err(|e| e.to_string())?;
            assert!(r.refused.is_empty(), "refused: {:?}", r.refused);
            if r.pending == 0 {
                Ok(())
            } else {
                Err(format!("{} still pending", r.pending))
            }
        }
    })
    .await;
    rounds
}
