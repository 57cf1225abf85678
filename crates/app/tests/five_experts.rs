//! The whole panel against the real sandbox: five experts on both demo CAs
//! and all three algorithms — E001 RSA, E002 P-256, E003 and E004 SM2, and
//! E005 P-256 with the key on a SoftHSM2 token (a USB key stand-in) — log in,
//! sign their declarations, elect a leader, score in their encrypted local
//! stores and submit signed sheets through the outbox. The platform ends with
//! exactly one sheet per expert and the leader sees the panel summary.
//! SoftHSM2 and its tools are required (scripts/setup installs them): when
//! missing, the test fails and says so.

// Its own process (not in `tests/it`): it sets SOFTHSM2_CONF, which the
// PKCS#11 module reads once, and setting the environment while other tests
// run on other threads is unsafe.

use pingshen_api::DeclarationDecision;
use pingshen_app::evaluation::{self, RulesInForce};
use pingshen_app::outbox;
use pingshen_client::{sign_challenge, PlatformClient};
use pingshen_pki::{Pkcs12Signer, Signer, TokenConfig, TokenSigner, Zeroizing};
use pingshen_platform::RunningPlatform;
use pingshen_rules::Rules;
use pingshen_store::{Store, Vault};
use pingshen_testkit::cells::full_marks_but_plan;
use pingshen_testkit::{softhsm, DEMO};
use std::path::Path;
use std::sync::{Arc, Mutex};

const LABEL: &str = "E005-usb-key";
const PIN: &str = "246810";

/// Puts E005's demo key, certificate and CA chain on a fresh SoftHSM2 token,
/// as a CA would issue a USB key.
fn issue_token(dir: &Path, p12: &Path) -> TokenConfig {
    let hsm = softhsm::SoftHsm::new(dir);
    let token = hsm.init_token(LABEL, "13579111", PIN);
    token.import_p12(p12, "pingshen-demo", "05", dir)
}

struct Expert {
    id: &'static str,
    signer: Box<dyn Signer + Send>,
    client: PlatformClient,
    store: Arc<Mutex<Store>>,
    _dir: tempfile::TempDir,
}

async fn log_in(
    platform: &RunningPlatform,
    id: &'static str,
    signer: Box<dyn Signer + Send>,
) -> Expert {
    let chain: Vec<Vec<u8>> = signer.chain().iter().map(|c| c.to_der().unwrap()).collect();
    // The handshake step by step: a token's session is not shared between
    // threads, so the challenge is signed here rather than in a closure.
    let anonymous = PlatformClient::new(&platform.url()).unwrap();
    let challenge = anonymous.request_challenge(&chain).await.unwrap();
    let signed = sign_challenge(signer.as_ref(), &challenge).unwrap();
    let session = anonymous
        .open_session(signed)
        .await
        .unwrap_or_else(|e| panic!("{id} login: {e}"));
    let client = anonymous.with_session(&session);
    assert_eq!(session.person.id, id);
    let dir = tempfile::tempdir().unwrap();
    let store = Vault::new(dir.path()).open(signer.as_ref()).unwrap();
    Expert {
        id,
        signer,
        client,
        store: Arc::new(Mutex::new(store)),
        _dir: dir,
    }
}

/// Every criterion passed; full marks but one: `plan` points for the
/// construction plan, with its reason.
fn fill(store: &Store, rules: &Rules, bidders: &[String], plan: &str) {
    for cell in full_marks_but_plan(rules, bidders, plan, "针对性一般") {
        evaluation::save_cell(store, DEMO, &cell).unwrap();
    }
}

async fn drain(e: &Expert, trust: &Arc<pingshen_app::PlatformTrust>) {
    let report = outbox::drain(&e.store, &e.client, trust).await.unwrap();
    assert!(!report.offline, "{}: platform unreachable", e.id);
    assert_eq!(report.pending, 0, "{}: outbox not drained", e.id);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_experts_on_two_cas_three_algorithms_and_a_token_complete_the_evaluation() {
    let platform_dir = tempfile::tempdir().unwrap();
    let token_dir = tempfile::tempdir().unwrap();
    let platform = RunningPlatform::start_demo(platform_dir.path())
        .await
        .unwrap();
    let trust = Arc::new(pingshen_app::PlatformTrust::new(
        pingshen_pki::demo::load_trust(&platform.state.pki.dir).unwrap(),
        pingshen_pki::demo::platform_pins(&platform.state.pki.dir).unwrap(),
    ));
    let token = issue_token(token_dir.path(), &platform.demo_p12("E005"));

    // A wrong PIN on the token is refused with its code, before any network.
    let wrong = match TokenSigner::open(&token, Zeroizing::new("000000".into())) {
        Ok(_) => panic!("a wrong PIN opened the token"),
        Err(e) => e,
    };
    assert_eq!(wrong.code(), "pin_incorrect", "{}", wrong.message_zh());

    let mut experts = Vec::new();
    for id in ["E001", "E002", "E003", "E004"] {
        let signer = Pkcs12Signer::from_file(&platform.demo_p12(id), "pingshen-demo").unwrap();
        experts.push(log_in(&platform, id, Box::new(signer)).await);
    }
    let on_token = TokenSigner::open(&token, Zeroizing::new(PIN.into())).unwrap();
    assert_eq!(on_token.algorithm(), pingshen_pki::Algorithm::Es256);
    experts.push(log_in(&platform, "E005", Box::new(on_token)).await);
    let algorithms: Vec<_> = experts.iter().map(|e| e.signer.algorithm()).collect();
    assert_eq!(
        algorithms,
        [
            pingshen_pki::Algorithm::Rs256,
            pingshen_pki::Algorithm::Es256,
            pingshen_pki::Algorithm::Sm2Sm3,
            pingshen_pki::Algorithm::Sm2Sm3,
            pingshen_pki::Algorithm::Es256,
        ]
    );

    // Declarations, then everyone elects E003 (who has declared) as leader.
    for e in &experts {
        {
            let store = e.store.lock().unwrap();
            evaluation::declare(
                &store,
                e.signer.as_ref(),
                DEMO,
                e.id,
                DeclarationDecision::NoConflict,
                None,
            )
            .unwrap();
        }
        drain(e, &trust).await;
    }
    for e in &experts {
        {
            let store = e.store.lock().unwrap();
            evaluation::vote(&store, e.signer.as_ref(), DEMO, e.id, "E003").unwrap();
        }
        drain(e, &trust).await;
    }

    // Scoring and signed submission through the outbox.
    let pingshen_testkit::ProjectRules {
        published,
        rules,
        bidders,
    } = pingshen_testkit::project_rules(&experts[0].client, DEMO).await;
    let rif = RulesInForce {
        rules: &rules,
        version: published.version,
        sha256: &published.sha256,
    };
    for (e, plan) in experts.iter().zip(["5.5", "5", "6", "5.5", "5"]) {
        {
            let store = e.store.lock().unwrap();
            fill(&store, &rules, &bidders, plan);
            evaluation::submit_sheet(&store, e.signer.as_ref(), DEMO, e.id, &rif, &bidders)
                .unwrap_or_else(|err| panic!("{}: {} {}", e.id, err.code, err.message));
        }
        drain(e, &trust).await;
        // Draining again sends nothing more.
        let again = outbox::drain(&e.store, &e.client, &trust).await.unwrap();
        assert!(again.delivered.is_empty(), "{}: sent twice", e.id);
    }

    // The platform holds exactly one sheet per expert; the leader sees the
    // panel summary with all five and a ranking of every bidder.
    let panel = experts[2].client.panel(DEMO).await.unwrap();
    assert_eq!(panel.leader.as_deref(), Some("E003"));
    for m in &panel.members {
        assert_eq!(m.sheet_version, Some(1), "{}", m.id);
    }
    let summary = experts[2].client.summary(DEMO).await.unwrap();
    let mut signers: Vec<_> = summary.sheets.iter().map(|s| s.expert.clone()).collect();
    signers.sort();
    assert_eq!(signers, ["E001", "E002", "E003", "E004", "E005"]);
    assert_eq!(summary.result.ranking.entries.len(), bidders.len());
    // Not the leader: refused.
    let refused = experts[0].client.summary(DEMO).await.unwrap_err();
    assert_eq!(refused.code(), "not_leader");
}
