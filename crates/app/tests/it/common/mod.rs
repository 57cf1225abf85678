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
