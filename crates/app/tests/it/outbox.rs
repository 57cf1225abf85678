//! The outbox against the real platform: a sheet signed while the platform
//! is down waits, then drains exactly once when it is back; out-of-range
//! values are refused on the client before anything is signed.

use crate::common::{world, DEMO};
use pingshen_app::evaluation::{self, RulesInForce};
use pingshen_app::outbox;
use pingshen_platform::RunningPlatform;
use pingshen_rules::cells::{Cell, FACTOR};
use pingshen_rules::Rules;
use pingshen_testkit::cells::full_marks_but_plan;

fn fill(store: &pingshen_store::Store, rules: &Rules, bidders: &[String], plan_points: &str) {
    for cell in full_marks_but_plan(rules, bidders, plan_points, "方案可行") {
        evaluation::save_cell(store, DEMO, &cell).unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sheet_signed_offline_is_delivered_exactly_once_when_the_platform_returns() {
    let w = world("E001").await;
    let published = w.ctx.client.rules(DEMO).await.unwrap();
    let rules = Rules::from_toml(&published.rules_toml).unwrap();
    let bidders: Vec<String> = w
        .ctx
        .client
        .project(DEMO)
        .await
        .unwrap()
        .bidders
        .into_iter()
        .map(|b| b.id)
        .collect();
    let rif = RulesInForce {
        rules: &rules,
        version: published.version,
        sha256: &published.sha256,
    };

    // Out of range: refused locally, nothing queued.
    {
        let store = w.ctx.store.lock().unwrap();
        fill(&store, &rules, &bidders, "7.5");
        let err =
            evaluation::submit_sheet(&store, &w.signer, DEMO, "E001", &rif, &bidders).unwrap_err();
        assert_eq!(err.code.as_str(), "invalid_scores");
        assert_eq!(store.outbox().pending_count().unwrap(), 0);
        fill(&store, &rules, &bidders, "5.5");
    }

    // The platform goes down; the expert signs and submits anyway.
    let data_dir = w.platform.state.data_dir.clone();
    let pki = w.platform.state.pki.dir.clone();
    let crate::common::World {
        platform,
        ctx,
        signer,
        _dirs,
    } = w;
    platform.stop().await;
    let queued = {
        let store = ctx.store.lock().unwrap();
        evaluation::submit_sheet(&store, &signer, DEMO, "E001", &rif, &bidders).unwrap()
    };
    let report = outbox::drain(&ctx.store, &ctx.client, &ctx.trust)
        .await
        .unwrap();
    assert!(report.offline);
    assert_eq!(report.pending, 1);
    // Editing is closed once signed, even offline.
    {
        let store = ctx.store.lock().unwrap();
        let err = evaluation::save_cell(
            &store,
            DEMO,
            &Cell {
                kind: FACTOR.into(),
                bidder: "B01".into(),
                item: "tech.quality".into(),
                value: "1".into(),
                reason: "x".into(),
            },
        )
        .unwrap_err();
        assert_eq!(err.code.as_str(), "sheet_submitted");
        // Let the retry be due now.
        store
            .outbox()
            .record_failure(
                &queued.submission_id,
                "platform_unreachable",
                time::OffsetDateTime::now_utc(),
            )
            .unwrap();
    }

    // Back up (same data, new port): the outbox drains once.
    let back = RunningPlatform::start_with(
        pingshen_platform::AppState::open(&pingshen_platform::Config {
            data_dir: data_dir.clone(),
            pki_dir: pki,
            platform_name: "测试平台".into(),
            demo: true,
        })
        .unwrap(),
    )
    .await
    .unwrap();
    let client = ctx.client.with_base_url(&back.url()).unwrap();
    let report = outbox::drain(&ctx.store, &client, &ctx.trust)
        .await
        .unwrap();
    assert_eq!(report.delivered, vec![queued.submission_id.clone()]);
    assert_eq!(report.pending, 0);
    let again = outbox::drain(&ctx.store, &client, &ctx.trust)
        .await
        .unwrap();
    assert!(again.delivered.is_empty());

    let sheets = back
        .state
        .db
        .with(|c| pingshen_platform::db::evaluation::all_sheets(c, DEMO))
        .unwrap();
    let mine: Vec<_> = sheets.iter().filter(|s| s.expert_id == "E001").collect();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].submission_id, queued.submission_id);
    // The verified receipt is kept.
    let store = ctx.store.lock().unwrap();
    assert!(store
        .receipts()
        .get(&queued.submission_id)
        .unwrap()
        .is_some());
    back.stop().await;
}
