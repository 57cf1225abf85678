//! 串标分析 on the desktop against the real platform: after syncing the demo
//! project, the screens over the locally extracted bids flag the planted
//! collusion between B03 and B05 (shared passages, the copied typo 低副, the
//! same PDF metadata) with evidence; the elected leader's signed decision on
//! a flag reaches the platform once through the outbox; an expert who is not
//! the leader is refused.

use crate::common::{extractor, world, DEMO};
use pingshen_api::{ScreenVerdict, DECLARATION_TEXT, DECLARATION_TYP, LEADER_VOTE_TYP};
use pingshen_app::{outbox, screening, sync::sync_project};
use pingshen_client::{sign_challenge, sign_document, PlatformClient};
use pingshen_pki::{Pkcs12Signer, Signer};
use pingshen_screens::{FlagKind, Party};
use std::sync::Arc;

async fn declare_and_vote(url: &str, p12: &std::path::Path, who: &str, candidate: &str) {
    let signer = Pkcs12Signer::from_file(p12, "pingshen-demo").unwrap();
    let chain: Vec<Vec<u8>> = signer.chain().iter().map(|c| c.to_der().unwrap()).collect();
    let (client, _) = PlatformClient::new(url)
        .unwrap()
        .login(&chain, |c| sign_challenge(&signer, c))
        .await
        .unwrap();
    let declaration = pingshen_api::Declaration {
        project_id: DEMO.into(),
        expert_id: who.into(),
        statement: DECLARATION_TEXT.into(),
        decision: pingshen_api::DeclarationDecision::NoConflict,
        reason: None,
    };
    client
        .declare(
            DEMO,
            sign_document(&signer, DECLARATION_TYP, &declaration).unwrap(),
        )
        .await
        .unwrap();
    let vote = pingshen_api::LeaderVote {
        project_id: DEMO.into(),
        voter_id: who.into(),
        candidate_id: candidate.into(),
    };
    client
        .vote_leader(
            DEMO,
            sign_document(&signer, LEADER_VOTE_TYP, &vote).unwrap(),
        )
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_screens_flag_the_planted_pair_and_the_leader_signs_a_decision() {
    let w = world("E001").await;
    sync_project(&w.ctx, DEMO, extractor(), Arc::new(|_| {}))
        .await
        .unwrap();
    let detail = w.ctx.client.project(DEMO).await.unwrap();
    let rules =
        pingshen_rules::Rules::from_toml(&w.ctx.client.rules(DEMO).await.unwrap().rules_toml)
            .unwrap();

    let report = {
        let store = w.ctx.store.lock().unwrap();
        screening::run(&store, &detail, Some(&rules)).unwrap()
    };
    let pair = |kind: FlagKind| {
        report.flags.iter().find(|f| {
            f.kind == kind
                && f.involved == [Party::Bidder("B03".into()), Party::Bidder("B05".into())]
        })
    };
    let overlap = pair(FlagKind::TextOverlap).expect("B03/B05 share passages");
    assert!(pair(FlagKind::SharedTypo).is_some(), "the copied typo 低副");
    assert!(
        pair(FlagKind::MetadataMatch).is_some(),
        "the same PDF metadata"
    );
    // No text flag involves an independently written bid.
    for f in &report.flags {
        if matches!(f.kind, FlagKind::TextOverlap | FlagKind::SharedTypo) {
            for p in &f.involved {
                assert!(
                    matches!(p, Party::Bidder(b) if b == "B03" || b == "B05"),
                    "unexpected text flag {f:?}"
                );
            }
        }
    }

    // Not yet the leader: the decision is refused by the platform.
    let involved: Vec<String> = vec!["B03".into(), "B05".into()];
    {
        let store = w.ctx.store.lock().unwrap();
        screening::decide(
            &store,
            &w.signer,
            DEMO,
            "E001",
            &overlap.id,
            overlap.kind.code(),
            involved.clone(),
            ScreenVerdict::Referred,
            "两份投标文件多处雷同且同一错别字，提请核查",
        )
        .unwrap();
    }
    let refused = outbox::drain(&w.ctx.store, &w.ctx.client, &w.ctx.trust)
        .await
        .unwrap();
    assert_eq!(refused.refused.len(), 1, "{refused:?}");
    assert_eq!(refused.refused[0].1, "not_leader");

    // Elected (three of five), the leader's decision is recorded once.
    let url = w.platform.url();
    declare_and_vote(&url, &w.platform.demo_p12("E002"), "E002", "E001").await;
    declare_and_vote(&url, &w.platform.demo_p12("E003"), "E003", "E001").await;
    {
        let vote = pingshen_api::LeaderVote {
            project_id: DEMO.into(),
            voter_id: "E001".into(),
            candidate_id: "E001".into(),
        };
        w.ctx
            .client
            .vote_leader(
                DEMO,
                sign_document(&w.signer, LEADER_VOTE_TYP, &vote).unwrap(),
            )
            .await
            .unwrap();
    }
    let submission = {
        let store = w.ctx.store.lock().unwrap();
        screening::decide(
            &store,
            &w.signer,
            DEMO,
            "E001",
            &overlap.id,
            overlap.kind.code(),
            involved,
            ScreenVerdict::Referred,
            "两份投标文件多处雷同且同一错别字，提请核查",
        )
        .unwrap()
    };
    let sent = outbox::drain(&w.ctx.store, &w.ctx.client, &w.ctx.trust)
        .await
        .unwrap();
    assert_eq!(sent.delivered, vec![submission.clone()]);
    let again = outbox::drain(&w.ctx.store, &w.ctx.client, &w.ctx.trust)
        .await
        .unwrap();
    assert!(again.delivered.is_empty());
    let recorded = w.ctx.client.screen_decisions(DEMO).await.unwrap();
    assert_eq!(recorded.decisions.len(), 1);
    let d = &recorded.decisions[0].decision;
    assert_eq!(d.flag_id, overlap.id);
    assert_eq!(d.verdict, ScreenVerdict::Referred);
    assert_eq!(d.submission_id, submission);
}
