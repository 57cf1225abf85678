//! Panel votes (表决) against the real platform: a motion proposed and
//! carried by the sitting panel, a tie stated, a recused expert neither
//! proposing nor counted, retries answered with the same receipt, and every
//! refusal with its code.

use pingshen_api::{
    Declaration, DeclarationDecision, Motion, MotionKind, MotionVote, DECLARATION_TEXT,
    DECLARATION_TYP, MOTION_TYP, MOTION_VOTE_TYP,
};
use pingshen_client::{sign_document, PlatformClient};
use pingshen_pki::Pkcs12Signer;
use pingshen_rules::motion::{MotionOutcome, ACCEPT_EXPLANATION, REJECT_BID};
use pingshen_testkit::{TestPlatform, DEMO};

struct Expert {
    id: &'static str,
    signer: Pkcs12Signer,
    client: PlatformClient,
}

async fn seated(p: &TestPlatform, id: &'static str, decision: DeclarationDecision) -> Expert {
    let (signer, client) = p.person(id).await;
    let d = Declaration {
        project_id: DEMO.into(),
        expert_id: id.into(),
        statement: DECLARATION_TEXT.into(),
        decision,
        reason: (decision == DeclarationDecision::Recuse).then(|| "与投标人B03存在利害关系".into()),
    };
    client
        .declare(DEMO, sign_document(&signer, DECLARATION_TYP, &d).unwrap())
        .await
        .unwrap();
    Expert { id, signer, client }
}

fn motion(by: &str, id: &str, options: &[&str]) -> Motion {
    Motion {
        project_id: DEMO.into(),
        motion_id: id.into(),
        proposer_id: by.into(),
        kind: MotionKind::Dispute,
        bidder_id: Some("B03".into()),
        text: "B03 施工组织设计的工期安排是否满足招标文件要求？".into(),
        options: options.iter().map(|o| o.to_string()).collect(),
    }
}

/// An abnormal-price motion about `bidder`: its options are fixed.
fn abnormal(by: &str, id: &str, bidder: &str) -> Motion {
    Motion {
        kind: MotionKind::AbnormalPrice,
        bidder_id: Some(bidder.into()),
        text: format!("{bidder} 的书面说明及证明材料是否足以证明其报价合理？"),
        ..motion(by, id, &[ACCEPT_EXPLANATION, REJECT_BID])
    }
}

async fn propose(
    e: &Expert,
    m: &Motion,
) -> Result<pingshen_api::Accepted, pingshen_client::ClientError> {
    e.client
        .propose_motion(DEMO, sign_document(&e.signer, MOTION_TYP, m).unwrap())
        .await
}

async fn vote(
    e: &Expert,
    motion: &str,
    option: &str,
) -> Result<pingshen_api::Accepted, pingshen_client::ClientError> {
    let v = MotionVote {
        project_id: DEMO.into(),
        motion_id: motion.into(),
        voter_id: e.id.into(),
        option: option.into(),
    };
    e.client
        .vote_motion(
            DEMO,
            motion,
            sign_document(&e.signer, MOTION_VOTE_TYP, &v).unwrap(),
        )
        .await
}

fn code<T: std::fmt::Debug>(r: Result<T, pingshen_client::ClientError>) -> String {
    r.unwrap_err().code().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sitting_panel_votes_and_a_simple_majority_decides() {
    let p = super::demo().await;
    let mut experts = Vec::new();
    for id in ["E001", "E002", "E003", "E004"] {
        experts.push(seated(&p, id, DeclarationDecision::NoConflict).await);
    }
    let recused = seated(&p, "E005", DeclarationDecision::Recuse).await;

    // Proposed once; the same signed motion again gets the same receipt.
    let m = motion("E001", "m-abnormal-b03", &["满足", "不满足"]);
    let env = sign_document(&experts[0].signer, MOTION_TYP, &m).unwrap();
    let first = experts[0]
        .client
        .propose_motion(DEMO, env.clone())
        .await
        .unwrap();
    let again = experts[0].client.propose_motion(DEMO, env).await.unwrap();
    assert_eq!(first.receipt, again.receipt);
    // Another motion under the same id is a conflict.
    let other = motion("E001", "m-abnormal-b03", &["同意", "不同意"]);
    assert_eq!(
        code(propose(&experts[0], &other).await),
        "submission_conflict"
    );

    // Three of four sitting experts carry it before the fourth votes; a
    // recused expert is not counted, and may not vote.
    vote(&experts[0], "m-abnormal-b03", "不满足").await.unwrap();
    vote(&experts[1], "m-abnormal-b03", "不满足").await.unwrap();
    let open = &experts[2].client.motions(DEMO).await.unwrap().motions[0];
    assert_eq!(open.outcome, MotionOutcome::Open);
    assert_eq!(open.sitting, ["E001", "E002", "E003", "E004"]);
    assert_eq!(
        code(vote(&recused, "m-abnormal-b03", "满足").await),
        "recused"
    );
    vote(&experts[2], "m-abnormal-b03", "不满足").await.unwrap();
    let carried = &experts[3].client.motions(DEMO).await.unwrap().motions[0];
    assert_eq!(
        carried.outcome,
        MotionOutcome::Carried {
            option: "不满足".into()
        }
    );
    assert!(
        carried.outcome_zh.contains("在席专家 4 人"),
        "{}",
        carried.outcome_zh
    );
    assert_eq!(carried.votes.len(), 3);

    // One vote each, never changed; a retry of the same vote is answered again.
    assert_eq!(
        code(vote(&experts[0], "m-abnormal-b03", "满足").await),
        "already_voted"
    );
    // Only offered options; only existing motions.
    assert_eq!(
        code(vote(&experts[3], "m-abnormal-b03", "弃权").await),
        "bad_option"
    );
    assert_eq!(code(vote(&experts[3], "m-none", "满足").await), "not_found");

    // A tie among four sitting experts is stated, not decided.
    let tie = motion("E002", "m-dispute", &["维持", "调整"]);
    propose(&experts[1], &tie).await.unwrap();
    for (e, option) in experts.iter().zip(["维持", "调整", "调整", "维持"]) {
        vote(e, "m-dispute", option).await.unwrap();
    }
    let motions = experts[0].client.motions(DEMO).await.unwrap().motions;
    assert_eq!(
        motions[1].outcome,
        MotionOutcome::NoMajority {
            leading: vec!["维持".into(), "调整".into()]
        }
    );
    assert!(
        motions[1].outcome_zh.contains("票数相同"),
        "{}",
        motions[1].outcome_zh
    );

    // An abnormal-price motion names its bidder and has the fixed options.
    let mut loose = abnormal("E001", "m-6", "B03");
    loose.options = vec!["同意".into(), "不同意".into()];
    assert_eq!(code(propose(&experts[0], &loose).await), "bad_options");
    let mut nobody = abnormal("E001", "m-7", "B03");
    nobody.bidder_id = None;
    assert_eq!(code(propose(&experts[0], &nobody).await), "bad_options");

    // Bad motions are refused before anything is recorded.
    assert_eq!(
        code(propose(&experts[0], &motion("E001", "m-1", &["同意"])).await),
        "bad_options"
    );
    assert_eq!(
        code(propose(&experts[0], &motion("E001", "m-2", &["同意", "同意"])).await),
        "bad_options"
    );
    let mut unknown = motion("E001", "m-3", &["同意", "不同意"]);
    unknown.bidder_id = Some("B99".into());
    assert_eq!(code(propose(&experts[0], &unknown).await), "unknown_bidder");
    // Nobody proposes in another's name.
    assert_eq!(
        code(propose(&experts[1], &motion("E001", "m-4", &["同意", "不同意"])).await),
        "project_mismatch"
    );
    assert_eq!(
        code(propose(&recused, &motion("E005", "m-5", &["同意", "不同意"])).await),
        "recused"
    );
}

/// The whole panel scores; the bid ranked first is then rejected by vote
/// after an abnormal-price review: it fails the preliminary review with the
/// decision cited, and prices, scores and the ranking are recomputed
/// without it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bid_rejected_by_vote_leaves_the_ranking_and_the_prices() {
    use pingshen_api::{ScoreSheet, SCORE_SHEET_TYP};
    use pingshen_rules::cells::build_sheet;
    use pingshen_rules::BidStatus;

    let p = super::demo().await;
    let mut experts = Vec::new();
    for id in ["E001", "E002", "E003", "E004", "E005"] {
        experts.push(seated(&p, id, DeclarationDecision::NoConflict).await);
    }
    let pingshen_testkit::ProjectRules {
        published,
        rules,
        bidders,
    } = pingshen_testkit::project_rules(&experts[0].client, DEMO).await;
    let cells = pingshen_platform::demo_run::full_marks(&rules, &bidders);
    for e in &experts {
        let sheet = ScoreSheet {
            submission_id: uuid::Uuid::now_v7().to_string(),
            project_id: DEMO.into(),
            expert_id: e.id.into(),
            version: 1,
            rules_version: published.version,
            rules_sha256: published.sha256.clone(),
            sheet: build_sheet(&rules, e.id, &bidders, &cells),
        };
        e.client
            .submit_sheet(
                DEMO,
                sign_document(&e.signer, SCORE_SHEET_TYP, &sheet).unwrap(),
            )
            .await
            .unwrap();
    }
    let (_, staff) = p.person("S001").await;
    let before = staff.summary(DEMO).await.unwrap().result;
    let first = before.ranking.entries[0].bidder.clone();

    // A majority (3 of 5) rejects the first-ranked bid.
    let m = abnormal("E002", "m-low", &first);
    propose(&experts[1], &m).await.unwrap();
    for e in &experts[..3] {
        vote(e, "m-low", REJECT_BID).await.unwrap();
    }
    let after = staff.summary(DEMO).await.unwrap().result;
    let pre = after
        .preliminary
        .iter()
        .find(|x| x.bidder == first)
        .unwrap();
    assert!(!pre.passed);
    let cited = pre.rejected.as_deref().unwrap();
    assert!(
        cited.contains("经评标委员会表决否决投标") && cited.contains("表决通过"),
        "{cited}"
    );
    assert!(after.ranking.entries.iter().all(|e| e.bidder != first));
    assert_eq!(
        after.ranking.entries.len(),
        before.ranking.entries.len() - 1
    );
    let price = after.price.as_ref().unwrap();
    let status = price
        .bids
        .iter()
        .find(|b| b.bidder == first)
        .unwrap()
        .status;
    assert_eq!(status, BidStatus::InvalidPreliminary);
    // The benchmark moved: the other bids' price scores are recomputed.
    assert_ne!(
        before.price.as_ref().unwrap().explanation.benchmark,
        price.explanation.benchmark
    );
    assert!(after
        .prose_zh
        .iter()
        .any(|l| l.contains(&format!("投标人 {first} 经评标委员会表决否决投标"))));
}
