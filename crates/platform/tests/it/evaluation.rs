//! The evaluation against the real platform: declarations, the leader vote,
//! signed score sheets with receipts (idempotent, versioned, locked after
//! submission), reopening, the leader's summary, and every refusal.

use pingshen_api::{
    Declaration, DeclarationDecision, LeaderVote, ScoreSheet, SignedEnvelope, DECLARATION_TEXT,
    DECLARATION_TYP, LEADER_VOTE_TYP, SCORE_SHEET_TYP,
};
use pingshen_client::{sign_challenge, sign_document, PlatformClient};
use pingshen_pki::{Pkcs12Signer, Signer};
use pingshen_platform::RunningPlatform;
use pingshen_rules::{BidderSheet, CriterionVerdict, ExpertSheet, FactorScore, Rules};
use rust_decimal::Decimal;

const DEMO: &str = "JA-2026-0117";
const EXPERTS: [&str; 5] = ["E001", "E002", "E003", "E004", "E005"];

struct Expert {
    id: &'static str,
    signer: Pkcs12Signer,
    client: PlatformClient,
}

async fn expert(p: &RunningPlatform, id: &'static str) -> Expert {
    let signer = Pkcs12Signer::from_file(&p.demo_p12(id), "pingshen-demo").unwrap();
    let chain: Vec<Vec<u8>> = signer.chain().iter().map(|c| c.to_der().unwrap()).collect();
    let client = PlatformClient::new(&p.url())
        .unwrap()
        .login(&chain, |c| sign_challenge(&signer, c))
        .await
        .unwrap()
        .0;
    Expert { id, signer, client }
}

fn declaration(id: &str, decision: DeclarationDecision, reason: Option<&str>) -> Declaration {
    Declaration {
        project_id: DEMO.into(),
        expert_id: id.into(),
        statement: DECLARATION_TEXT.into(),
        decision,
        reason: reason.map(str::to_string),
    }
}

async fn declare(e: &Expert) {
    let env = sign_document(
        &e.signer,
        DECLARATION_TYP,
        &declaration(e.id, DeclarationDecision::NoConflict, None),
    )
    .unwrap();
    e.client.declare(DEMO, env).await.unwrap();
}

/// A valid sheet: every criterion passed, objective factors identical for
/// every expert, one subjective factor varying with a reason.
fn sheet_for(rules: &Rules, expert: &str, tweak: u32) -> ExpertSheet {
    let bidders = ["B01", "B02", "B03", "B04", "B05", "B06"];
    ExpertSheet {
        expert: expert.into(),
        bidders: bidders
            .iter()
            .enumerate()
            .map(|(i, b)| BidderSheet {
                bidder: b.to_string(),
                preliminary: rules
                    .preliminary
                    .iter()
                    .map(|c| CriterionVerdict {
                        criterion: c.id.clone(),
                        pass: true,
                        reason: None,
                    })
                    .collect(),
                factors: rules
                    .factors
                    .iter()
                    .filter(|f| f.id != "price.bid")
                    .map(|f| {
                        let mut s = FactorScore::new(&f.id);
                        match f.id.as_str() {
                            "tech.construction_plan" => {
                                let off = Decimal::new(((i as u32 + tweak) % 3) as i64 * 5, 1);
                                s.points = Some(Decimal::from(6) - off);
                                if off > Decimal::ZERO {
                                    s.reason =
                                        Some("施工方案针对性一般，部分工序安排欠合理".into());
                                }
                            }
                            "tech.resources" => s.option = Some("good".into()),
                            "tech.completeness" => {}
                            "biz.project_manager" => s.option = Some("two_or_more".into()),
                            "biz.technical_lead" => s.option = Some("senior".into()),
                            "biz.credit" => s.option = Some("aaa".into()),
                            _ => s.points = Some(f.max),
                        }
                        s
                    })
                    .collect(),
                adjustments: vec![],
                deviation_reasons: vec![],
            })
            .collect(),
    }
}

pub(super) fn score_sheet(
    rules: &Rules,
    rules_version: u32,
    rules_sha: &str,
    expert: &str,
    version: u32,
    tweak: u32,
) -> ScoreSheet {
    ScoreSheet {
        submission_id: uuid::Uuid::now_v7().to_string(),
        project_id: DEMO.into(),
        expert_id: expert.into(),
        version,
        rules_version,
        rules_sha256: rules_sha.into(),
        sheet: sheet_for(rules, expert, tweak),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panel_declares_elects_scores_and_the_leader_summarises() {
    let p = super::demo().await;
    let mut experts = Vec::new();
    for id in EXPERTS {
        experts.push(expert(&p, id).await);
    }
    // Before the declaration, no document opens.
    assert_eq!(
        experts[0].client.manifest(DEMO).await.unwrap_err().code(),
        "declaration_required"
    );
    for e in &experts {
        declare(e).await;
    }
    experts[0].client.manifest(DEMO).await.unwrap();

    // Everyone votes for E002; E002 leads.
    for e in &experts {
        let vote = LeaderVote {
            project_id: DEMO.into(),
            voter_id: e.id.into(),
            candidate_id: "E002".into(),
        };
        e.client
            .vote_leader(
                DEMO,
                sign_document(&e.signer, LEADER_VOTE_TYP, &vote).unwrap(),
            )
            .await
            .unwrap();
    }
    let panel = experts[0].client.panel(DEMO).await.unwrap();
    assert_eq!(panel.leader.as_deref(), Some("E002"));
    assert!(!panel.all_submitted);

    let published = experts[0].client.rules(DEMO).await.unwrap();
    let rules = Rules::from_toml(&published.rules_toml).unwrap();
    let mut first_envelopes: Vec<(SignedEnvelope, ScoreSheet)> = Vec::new();
    for (i, e) in experts.iter().enumerate() {
        let sheet = score_sheet(
            &rules,
            published.version,
            &published.sha256,
            e.id,
            1,
            i as u32,
        );
        let env = sign_document(&e.signer, SCORE_SHEET_TYP, &sheet).unwrap();
        let accepted = e.client.submit_sheet(DEMO, env.clone()).await.unwrap();
        // The same envelope again: the same receipt, nothing stored twice.
        let again = e.client.submit_sheet(DEMO, env.clone()).await.unwrap();
        assert_eq!(accepted.receipt, again.receipt);
        first_envelopes.push((env, sheet));
    }

    // Same submission id, different body: refused.
    let (_, sheet) = &first_envelopes[0];
    let mut changed = sheet.clone();
    changed.sheet.bidders[0].factors[1].points = Some(Decimal::from(3));
    let env = sign_document(&experts[0].signer, SCORE_SHEET_TYP, &changed).unwrap();
    assert_eq!(
        experts[0]
            .client
            .submit_sheet(DEMO, env)
            .await
            .unwrap_err()
            .code(),
        "conflict"
    );

    // A new version without a reopening: locked.
    let v2 = score_sheet(&rules, published.version, &published.sha256, "E003", 2, 1);
    let env = sign_document(&experts[2].signer, SCORE_SHEET_TYP, &v2).unwrap();
    assert_eq!(
        experts[2]
            .client
            .submit_sheet(DEMO, env.clone())
            .await
            .unwrap_err()
            .code(),
        "sheet_locked"
    );
    // Staff reopen it (评审回退) with a reason; the new version is accepted.
    let staff = expert(&p, "S001").await;
    staff
        .client
        .reopen_sheet(DEMO, "E003", "专家申请更正录入错误")
        .await
        .unwrap();
    experts[2].client.submit_sheet(DEMO, env).await.unwrap();
    let panel = experts[2].client.panel(DEMO).await.unwrap();
    assert!(panel.all_submitted);
    assert_eq!(
        panel
            .members
            .iter()
            .find(|m| m.id == "E003")
            .unwrap()
            .sheet_version,
        Some(2)
    );

    // Only the leader (and staff) see the summary.
    assert_eq!(
        experts[0].client.summary(DEMO).await.unwrap_err().code(),
        "not_leader"
    );
    let summary = experts[1].client.summary(DEMO).await.unwrap();
    assert_eq!(summary.sheets.len(), 5);
    assert_eq!(summary.result.ranking.entries.len(), 6);
    staff.client.summary(DEMO).await.unwrap();
    p.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_sheets_and_bad_senders_are_refused() {
    let p = super::demo().await;
    let e1 = expert(&p, "E001").await;
    let e2 = expert(&p, "E002").await;
    let e5 = expert(&p, "E005").await;
    let published = e1.client.rules(DEMO).await.unwrap();
    let rules = Rules::from_toml(&published.rules_toml).unwrap();

    // No sheet before the declaration.
    let sheet = score_sheet(&rules, published.version, &published.sha256, "E001", 1, 0);
    let env = sign_document(&e1.signer, SCORE_SHEET_TYP, &sheet).unwrap();
    assert_eq!(
        e1.client.submit_sheet(DEMO, env).await.unwrap_err().code(),
        "declaration_required"
    );
    declare(&e1).await;
    declare(&e2).await;

    // Out of range: more than the factor's maximum.
    let mut bad = score_sheet(&rules, published.version, &published.sha256, "E001", 1, 0);
    bad.sheet.bidders[0].factors[0].points = Some(Decimal::from(9));
    let err = e1
        .client
        .submit_sheet(
            DEMO,
            sign_document(&e1.signer, SCORE_SHEET_TYP, &bad).unwrap(),
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), "invalid_scores");
    // A deduction without a reason.
    let mut bad = score_sheet(&rules, published.version, &published.sha256, "E001", 1, 0);
    bad.sheet.bidders[0].factors[0].points = Some(Decimal::from(4));
    bad.sheet.bidders[0].factors[0].reason = None;
    let err = e1
        .client
        .submit_sheet(
            DEMO,
            sign_document(&e1.signer, SCORE_SHEET_TYP, &bad).unwrap(),
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), "invalid_scores");
    // Scored by other rules.
    let stale = score_sheet(&rules, published.version, &"0".repeat(64), "E001", 1, 0);
    let err = e1
        .client
        .submit_sheet(
            DEMO,
            sign_document(&e1.signer, SCORE_SHEET_TYP, &stale).unwrap(),
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), "rules_changed");

    // An altered sheet: the signature no longer holds.
    let good = score_sheet(&rules, published.version, &published.sha256, "E001", 1, 0);
    let env = sign_document(&e1.signer, SCORE_SHEET_TYP, &good).unwrap();
    let mut tampered = good.clone();
    tampered.sheet.bidders[2].factors[0].points = Some(Decimal::from(6));
    tampered.sheet.bidders[2].factors[0].reason = None;
    let forged = SignedEnvelope {
        payload: sign_document(&e1.signer, SCORE_SHEET_TYP, &tampered)
            .unwrap()
            .payload,
        ..env.clone()
    };
    assert_eq!(
        e1.client
            .submit_sheet(DEMO, forged)
            .await
            .unwrap_err()
            .code(),
        "signature_invalid"
    );
    // E001's sheet replayed through E002's session.
    assert_eq!(
        e2.client
            .submit_sheet(DEMO, env.clone())
            .await
            .unwrap_err()
            .code(),
        "signer_mismatch"
    );
    e1.client.submit_sheet(DEMO, env).await.unwrap();

    // A recusal needs a reason, and removes access.
    let no_reason = sign_document(
        &e5.signer,
        DECLARATION_TYP,
        &declaration("E005", DeclarationDecision::Recuse, None),
    )
    .unwrap();
    assert_eq!(
        e5.client.declare(DEMO, no_reason).await.unwrap_err().code(),
        "reason_required"
    );
    let recuse = sign_document(
        &e5.signer,
        DECLARATION_TYP,
        &declaration(
            "E005",
            DeclarationDecision::Recuse,
            Some("本人曾在投标人武汉恒达建设工程有限公司任职"),
        ),
    )
    .unwrap();
    e5.client.declare(DEMO, recuse).await.unwrap();
    assert_eq!(
        e5.client.manifest(DEMO).await.unwrap_err().code(),
        "recused"
    );
    // A declaration cannot be changed afterwards.
    let change = sign_document(
        &e5.signer,
        DECLARATION_TYP,
        &declaration("E005", DeclarationDecision::NoConflict, None),
    )
    .unwrap();
    assert_eq!(
        e5.client.declare(DEMO, change).await.unwrap_err().code(),
        "already_declared"
    );
    p.stop().await;
}
