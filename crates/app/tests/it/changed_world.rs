//! Coming back to a changed world: while the expert signed offline, the
//! platform moved on. Each change has a defined outcome and nothing is lost:
//! a sheet the platform now refuses stays in the outbox as refused, with the
//! platform's code and reason, is never resent, can be exported as signed,
//! and the sheet opens again for the expert to correct and sign anew; new
//! documents (a clarification) arrive with the next sync.

use crate::common::{extractor, world, DEMO};
use pingshen_api::{DocumentKind, Stage};
use pingshen_app::evaluation::{self, RulesInForce};
use pingshen_app::{outbox, workspace};
use pingshen_platform::demo_run;
use pingshen_rules::Rules;
use pingshen_store::OutboxState;
use std::sync::Arc;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sheet_refused_after_the_stage_closed_is_kept_refused_exportable_and_reopened() {
    let w = world("E002").await;
    let pingshen_testkit::ProjectRules {
        published,
        rules,
        bidders,
    } = pingshen_testkit::project_rules(&w.ctx.client, DEMO).await;
    // Scored and signed "offline": queued, not sent.
    let queued = {
        let store = w.ctx.store.lock().unwrap();
        for c in demo_run::full_marks(&rules, &bidders) {
            evaluation::save_cell(&store, DEMO, &c).unwrap();
        }
        evaluation::submit_sheet(
            &store,
            &w.signer,
            DEMO,
            "E002",
            &RulesInForce {
                rules: &rules,
                version: published.version,
                sha256: &published.sha256,
            },
            &bidders,
        )
        .unwrap()
    };
    // Meanwhile staff closed the scoring stage.
    let staff = demo_run::login(&w.platform.url(), &w.platform.state.pki.dir, "S001")
        .await
        .unwrap();
    staff
        .client
        .change_stage(DEMO, Stage::Summary)
        .await
        .unwrap();

    // Back online: refused for good, with the platform's reason.
    let report = outbox::drain(&w.ctx.store, &w.ctx.client, &w.ctx.trust)
        .await
        .unwrap();
    assert!(report.delivered.is_empty());
    assert_eq!(report.refused.len(), 1, "{report:?}");
    assert_eq!(report.refused[0].1, "wrong_stage");
    assert_eq!(report.pending, 0, "a refused entry is not pending");
    {
        let store = w.ctx.store.lock().unwrap();
        let e = store.outbox().get(&queued.submission_id).unwrap().unwrap();
        assert_eq!(e.state, OutboxState::Refused);
        assert_eq!(e.last_error.as_deref(), Some("wrong_stage"));
        assert!(e.refusal.as_deref().unwrap().contains("阶段"), "{e:?}");
        // The sheet is open again, its cells as they were.
        let status = evaluation::sheet_status(&store, DEMO).unwrap();
        assert!(status.editable);
        assert_eq!(status.version, 1);
        assert!(!evaluation::cells(&store, DEMO).unwrap().is_empty());
        // A later start does not close it again.
        evaluation::reconcile(&store, DEMO).unwrap();
        assert!(evaluation::sheet_status(&store, DEMO).unwrap().editable);
    }
    // Never resent.
    let again = outbox::drain(&w.ctx.store, &w.ctx.client, &w.ctx.trust)
        .await
        .unwrap();
    assert!(again.delivered.is_empty() && again.refused.is_empty());
    // The workspace shows it refused, with code and reason.
    let ws = workspace::load(
        &w.ctx.store,
        Some((
            &w.ctx.client,
            &w.ctx.trust,
            Some(&w.platform.state.platform_id),
        )),
        DEMO,
        "E002",
    )
    .await
    .unwrap();
    let item = ws
        .outbox
        .iter()
        .find(|o| o.submission_id == queued.submission_id)
        .unwrap();
    assert_eq!(item.refused.as_ref().unwrap().code.as_str(), "wrong_stage");
    // Exported as signed, with the refusal.
    let out = tempfile::tempdir().unwrap();
    let path = workspace::export_submission(
        &w.ctx.store.lock().unwrap(),
        DEMO,
        &queued.submission_id,
        out.path(),
    )
    .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    assert_eq!(doc["refused"]["code"], "wrong_stage");
    let envelope: pingshen_api::SignedEnvelope =
        serde_json::from_value(doc["signed_envelope"].clone()).unwrap();
    let trust = &w.ctx.trust.cas;
    pingshen_pki::verify_envelope(
        trust,
        serde_json::to_string(&envelope).unwrap().as_bytes(),
        &pingshen_pki::VerifyOptions::default(),
    )
    .expect("the exported sheet still verifies as signed");
}

/// A clarification answered while the expert was away is a new document in
/// the signed manifest: the next sync fetches and verifies it, and nothing
/// already synced is fetched again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn new_documents_arrive_with_the_next_sync() {
    let w = world("E003").await;
    let quiet = Arc::new(|_| {});
    let first = pingshen_app::sync::sync_project(&w.ctx, DEMO, extractor(), quiet.clone())
        .await
        .unwrap();
    assert_eq!(first.verified, 7);
    // The platform adds a clarification (澄清) to the project.
    let pdf = std::fs::read(pingshen_platform::demo::default_assets_dir().join("demo/bid-B02.pdf"))
        .unwrap();
    w.platform
        .state
        .db
        .with(|c| {
            let stored = pingshen_platform::files::put(&w.platform.state.data_dir, &pdf)?;
            pingshen_platform::db::documents::upsert(
                c,
                DEMO,
                &stored.manifest_file(
                    "clarification-B02-1",
                    Some("B02".into()),
                    DocumentKind::Clarification,
                    "B02 澄清答复（第 1 次）.pdf",
                ),
                7,
            )
        })
        .unwrap();
    let second = pingshen_app::sync::sync_project(&w.ctx, DEMO, extractor(), quiet)
        .await
        .unwrap();
    assert_eq!(second.files, 8);
    assert_eq!(second.verified, 8);
    assert!(
        second.bytes_fetched < pdf.len() as u64 + 4096,
        "only the new file was fetched: {}",
        second.bytes_fetched
    );
}

/// The rules were published anew while the expert scored by the old ones:
/// the platform refuses the old sheet (`rules_changed`), the sheet opens
/// again, and the expert signs it anew under the new rules, once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sheet_scored_by_superseded_rules_is_refused_then_signed_anew_once() {
    let w = world("E002").await;
    let (url, pki) = (w.platform.url(), w.platform.state.pki.dir.clone());
    let assets = pingshen_platform::demo::default_assets_dir();
    let project = "JA-2026-0119";
    let staff = demo_run::login(&url, &pki, "S001").await.unwrap();
    let demo = pingshen_platform::demo::DemoFile::read(&assets).unwrap();
    staff
        .client
        .create_project(&pingshen_api::NewProject {
            id: project.into(),
            k: demo.project.k,
            ..demo.new_project()
        })
        .await
        .unwrap();
    staff.client.assign(project, "E002").await.unwrap();
    let template =
        std::fs::read_to_string(assets.join("rules/municipal-construction.toml")).unwrap();
    let publish = |toml: String, base: Option<u32>| {
        let doc = pingshen_api::RulesDocument {
            project_id: project.into(),
            rules_toml: toml,
            based_on_version: base,
        };
        pingshen_client::sign_document(&staff.signer, pingshen_api::RULES_TYP, &doc).unwrap()
    };
    staff
        .client
        .publish_rules(project, publish(template.clone(), None))
        .await
        .unwrap();
    // The expert keeps version 1 (verified) and scores by it.
    let v1 = w.ctx.client.rules(project).await.unwrap();
    w.ctx
        .trust
        .verify_rules(&v1, project, Some(&w.platform.state.platform_id))
        .unwrap();
    // Staff publish version 2 and open the evaluation.
    let v2_text = template.replacen(
        "deviation_threshold = \"0.30\"",
        "deviation_threshold = \"0.25\"",
        1,
    );
    assert_ne!(v2_text, template);
    staff
        .client
        .publish_rules(project, publish(v2_text, Some(1)))
        .await
        .unwrap();
    staff
        .client
        .change_stage(project, Stage::Evaluating)
        .await
        .unwrap();
    let declaration = pingshen_api::Declaration {
        project_id: project.into(),
        expert_id: "E002".into(),
        statement: pingshen_api::DECLARATION_TEXT.into(),
        decision: pingshen_api::DeclarationDecision::NoConflict,
        reason: None,
    };
    w.ctx
        .client
        .declare(
            project,
            pingshen_client::sign_document(&w.signer, pingshen_api::DECLARATION_TYP, &declaration)
                .unwrap(),
        )
        .await
        .unwrap();
    let bidders: Vec<String> = demo.bidders.iter().map(|b| b.id.clone()).collect();
    let submit = |rules: &pingshen_api::PublishedRules| {
        let parsed = Rules::from_toml(&rules.rules_toml).unwrap();
        let store = w.ctx.store.lock().unwrap();
        for c in demo_run::full_marks(&parsed, &bidders) {
            evaluation::save_cell(&store, project, &c).unwrap();
        }
        evaluation::submit_sheet(
            &store,
            &w.signer,
            project,
            "E002",
            &RulesInForce {
                rules: &parsed,
                version: rules.version,
                sha256: &rules.sha256,
            },
            &bidders,
        )
        .unwrap()
    };
    submit(&v1);
    let refused = outbox::drain(&w.ctx.store, &w.ctx.client, &w.ctx.trust)
        .await
        .unwrap();
    assert_eq!(refused.refused.len(), 1, "{refused:?}");
    assert_eq!(refused.refused[0].1, "rules_changed");
    // Review the new rules and sign anew: delivered once.
    let v2 = w.ctx.client.rules(project).await.unwrap();
    assert_eq!(v2.version, 2);
    let anew = submit(&v2);
    assert_eq!(anew.version, 1, "the refused version never counted");
    let sent = outbox::drain(&w.ctx.store, &w.ctx.client, &w.ctx.trust)
        .await
        .unwrap();
    assert_eq!(sent.delivered, vec![anew.submission_id.clone()]);
    let panel = w.ctx.client.panel(project).await.unwrap();
    let me = panel.members.iter().find(|m| m.id == "E002").unwrap();
    assert_eq!(me.sheet_version, Some(1));
}
