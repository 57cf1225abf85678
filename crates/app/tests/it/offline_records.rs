//! Offline, the project page shows what it verified online: the platform's
//! credit records and the bids the panel rejected by vote come from the
//! encrypted store, so credit points and the ranking are computed offline
//! exactly as they were online.

use crate::common::{context, DEMO};
use pingshen_api::{Motion, MotionKind, MotionVote, MOTION_TYP, MOTION_VOTE_TYP};
use pingshen_app::workspace;
use pingshen_client::sign_document;
use pingshen_rules::motion::{ACCEPT_EXPLANATION, REJECT_BID};
use pingshen_testkit::{seated_panel, TestPlatform};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn credit_records_and_bids_rejected_by_vote_stay_offline() {
    let p = TestPlatform::demo().await;
    let experts = seated_panel(&p, "E001").await;
    let (_, staff) = p.person("S001").await;
    let records: pingshen_api::CreditRecords = serde_json::from_value(serde_json::json!({
        "as_of": "2026-12-03",
        "bidders": [
            { "bidder": "B01", "grade": "AAA", "grade_source": "武汉市城乡建设局" },
            { "bidder": "B02", "grade": "AA" }
        ]
    }))
    .unwrap();
    staff.publish_credit_record(DEMO, &records).await.unwrap();
    // The panel rejects B04's abnormally low bid, 3 votes to 2.
    let motion = Motion {
        project_id: DEMO.into(),
        motion_id: "m-b04".into(),
        proposer_id: "E001".into(),
        kind: MotionKind::AbnormalPrice,
        bidder_id: Some("B04".into()),
        text: "B04 的书面说明是否足以证明其报价合理？".into(),
        options: vec![ACCEPT_EXPLANATION.into(), REJECT_BID.into()],
    };
    experts[0]
        .client
        .propose_motion(
            DEMO,
            sign_document(&experts[0].signer, MOTION_TYP, &motion).unwrap(),
        )
        .await
        .unwrap();
    for (i, e) in experts.iter().enumerate() {
        let vote = MotionVote {
            project_id: DEMO.into(),
            motion_id: "m-b04".into(),
            voter_id: e.id.clone(),
            option: if i < 3 {
                REJECT_BID
            } else {
                ACCEPT_EXPLANATION
            }
            .into(),
        };
        e.client
            .vote_motion(
                DEMO,
                "m-b04",
                sign_document(&e.signer, MOTION_VOTE_TYP, &vote).unwrap(),
            )
            .await
            .unwrap();
    }

    let app_dir = tempfile::tempdir().unwrap();
    let e002 = &experts[1];
    let ctx = context(&p, &e002.signer, e002.client.clone(), app_dir.path());
    let online = workspace::load(
        &ctx.store,
        Some((&ctx.client, &ctx.trust, Some(&p.state.platform_id))),
        DEMO,
        "E002",
    )
    .await
    .unwrap();
    assert!(online.online);
    assert_eq!(online.credit.as_ref(), Some(&records));
    assert_eq!(online.rejected.len(), 1);
    assert_eq!(online.rejected[0].bidder, "B04");

    let offline = workspace::load(&ctx.store, None, DEMO, "E002")
        .await
        .unwrap();
    assert!(!offline.online);
    assert_eq!(offline.credit, online.credit);
    assert_eq!(offline.rejected, online.rejected);
}
