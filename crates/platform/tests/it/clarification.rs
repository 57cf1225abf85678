//! Clarification (澄清) against the real platform: the elected leader asks a
//! bidder a signed question with a deadline; the bidder answers with its
//! own certificate and no session; the answer becomes a document in the
//! signed manifest; a late answer, an unsolicited one and one signed by
//! another bidder are refused, each with its code.

use base64::Engine;
use pingshen_api::{
    ClarificationAnswer, ClarificationQuestion, ClarificationState, DocumentKind, Manifest,
    CLARIFICATION_ANSWER_TYP, CLARIFICATION_QUESTION_TYP,
};
use pingshen_client::{sign_document, ClientError};
use pingshen_testkit::{seated_panel, signer, Expert, TestPlatform, DEMO};
use time::{Duration, OffsetDateTime};

fn question(id: &str, by: &str, bidder: &str, deadline: OffsetDateTime) -> ClarificationQuestion {
    ClarificationQuestion {
        project_id: DEMO.into(),
        clarification_id: id.into(),
        bidder_id: bidder.into(),
        asked_by: by.into(),
        text: "请说明投标报价中“临时设施费”为零的原因，并提供相应证明材料。".into(),
        deadline,
        motion_id: None,
    }
}

async fn ask(e: &Expert, q: &ClarificationQuestion) -> Result<pingshen_api::Accepted, ClientError> {
    e.client
        .ask_clarification(
            DEMO,
            sign_document(&e.signer, CLARIFICATION_QUESTION_TYP, q).unwrap(),
        )
        .await
}

/// `bidder_doc` answers `id`, signed with the certificate of `signed_by`,
/// sent without a session.
async fn answer(
    p: &TestPlatform,
    signed_by: &str,
    id: &str,
    bidder_doc: &str,
    text: &str,
) -> Result<pingshen_api::Accepted, ClientError> {
    let a = ClarificationAnswer {
        project_id: DEMO.into(),
        clarification_id: id.into(),
        bidder_id: bidder_doc.into(),
        text: text.into(),
    };
    let env = sign_document(
        &signer(&p.platform, signed_by),
        CLARIFICATION_ANSWER_TYP,
        &a,
    )
    .unwrap();
    p.client().answer_clarification(DEMO, id, env).await
}

fn code<T: std::fmt::Debug>(r: Result<T, ClientError>) -> String {
    r.unwrap_err().code().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn asked_answered_in_time_late_unsolicited_and_forged() {
    let p = super::demo().await;
    let experts = seated_panel(&p, "E001").await;
    let now = OffsetDateTime::now_utc();

    // Only the leader asks; the same signed question again is a retry.
    let q = question("c-b02-fee", "E001", "B02", now + Duration::hours(2));
    // The very same envelope sent twice (signing again would be another
    // document: its header carries the signing time).
    let signed = sign_document(&experts[0].signer, CLARIFICATION_QUESTION_TYP, &q).unwrap();
    let first = experts[0]
        .client
        .ask_clarification(DEMO, signed.clone())
        .await
        .unwrap();
    let again = experts[0]
        .client
        .ask_clarification(DEMO, signed)
        .await
        .unwrap();
    assert_eq!(again.receipt, first.receipt);
    assert_eq!(
        code(
            ask(
                &experts[1],
                &question("c-2", "E002", "B02", now + Duration::hours(2))
            )
            .await
        ),
        "not_leader"
    );
    assert_eq!(
        code(
            ask(
                &experts[0],
                &question("c-3", "E001", "B02", now - Duration::minutes(1))
            )
            .await
        ),
        "bad_deadline"
    );
    assert_eq!(
        code(
            ask(
                &experts[0],
                &question("c-4", "E001", "B02", now + Duration::days(8))
            )
            .await
        ),
        "bad_deadline"
    );
    assert_eq!(
        code(
            ask(
                &experts[0],
                &question("c-5", "E001", "B99", now + Duration::hours(2))
            )
            .await
        ),
        "unknown_bidder"
    );

    // Asked by the panel's vote: only a carried clarification motion about
    // that bidder counts.
    let mut by_vote = question("c-by-vote", "E001", "B02", now + Duration::hours(2));
    by_vote.motion_id = Some("m-none".into());
    assert_eq!(code(ask(&experts[0], &by_vote).await), "motion_not_carried");
    let motion = pingshen_api::Motion {
        project_id: DEMO.into(),
        motion_id: "m-ask-b02".into(),
        proposer_id: "E002".into(),
        kind: pingshen_api::MotionKind::Clarification,
        bidder_id: Some("B02".into()),
        text: "是否要求 B02 澄清临时设施费？".into(),
        options: vec!["同意".into(), "不同意".into()],
    };
    experts[1]
        .client
        .propose_motion(
            DEMO,
            sign_document(&experts[1].signer, pingshen_api::MOTION_TYP, &motion).unwrap(),
        )
        .await
        .unwrap();
    for e in &experts[..3] {
        let v = pingshen_api::MotionVote {
            project_id: DEMO.into(),
            motion_id: "m-ask-b02".into(),
            voter_id: e.id.clone(),
            option: "同意".into(),
        };
        e.client
            .vote_motion(
                DEMO,
                "m-ask-b02",
                sign_document(&e.signer, pingshen_api::MOTION_VOTE_TYP, &v).unwrap(),
            )
            .await
            .unwrap();
    }
    by_vote.motion_id = Some("m-ask-b02".into());
    ask(&experts[0], &by_vote).await.unwrap();

    // Awaiting until B02 answers, signed with its own certificate.
    // (The demo's B04 review, opened by the rules, is listed too.)
    let listed = experts[2].client.clarifications(DEMO).await.unwrap().items;
    let b02 = |items: &[pingshen_api::Clarification]| {
        items
            .iter()
            .find(|c| c.question.clarification_id == "c-b02-fee")
            .cloned()
            .unwrap()
    };
    assert_eq!(b02(&listed).state, ClarificationState::Awaiting);
    let text = "临时设施利用本公司在相邻标段的既有项目部，已附租赁合同及现场照片。";
    let signed = sign_document(
        &signer(&p.platform, "B02"),
        CLARIFICATION_ANSWER_TYP,
        &ClarificationAnswer {
            project_id: DEMO.into(),
            clarification_id: "c-b02-fee".into(),
            bidder_id: "B02".into(),
            text: text.into(),
        },
    )
    .unwrap();
    let ok = p
        .client()
        .answer_clarification(DEMO, "c-b02-fee", signed.clone())
        .await
        .unwrap();
    let again = p
        .client()
        .answer_clarification(DEMO, "c-b02-fee", signed)
        .await
        .unwrap();
    assert_eq!(
        ok.receipt, again.receipt,
        "a retry of the same envelope gets the same receipt"
    );
    assert_eq!(
        code(answer(&p, "B02", "c-b02-fee", "B02", "改口").await),
        "already_answered"
    );

    // Every expert sees it answered, and the answer is a project document.
    let listed = b02(&experts[4].client.clarifications(DEMO).await.unwrap().items);
    assert_eq!(listed.state, ClarificationState::Answered);
    let recorded = listed.answer.as_ref().unwrap();
    assert_eq!(recorded.answer.text, text);
    let env = experts[4].client.manifest(DEMO).await.unwrap();
    let manifest: Manifest = serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(env.payload.as_bytes())
            .unwrap(),
    )
    .unwrap();
    let file = manifest
        .files
        .iter()
        .find(|f| f.file_id == recorded.file_id)
        .expect("the answer is in the manifest");
    assert_eq!(file.kind, DocumentKind::Clarification);
    assert_eq!(file.bidder_id.as_deref(), Some("B02"));
    let pdf = experts[4]
        .client
        .range(DEMO, &file.file_id, 0, 7, &file.sha256)
        .await
        .unwrap();
    assert_eq!(&pdf[..5], b"%PDF-");

    // Unsolicited: no question was put to B03 (nor any under this id).
    assert_eq!(
        code(answer(&p, "B03", "c-b02-fee", "B03", "我方补充说明").await),
        "unsolicited"
    );
    assert_eq!(
        code(answer(&p, "B03", "c-never", "B03", "我方补充说明").await),
        "unsolicited"
    );
    // Another bidder's certificate cannot answer in B02's name; nor can an expert's.
    assert_eq!(
        code(answer(&p, "B03", "c-b02-fee", "B02", "代答").await),
        "signer_mismatch"
    );
    assert_eq!(
        code(answer(&p, "E002", "c-b02-fee", "B02", "代答").await),
        "not_bidder"
    );

    // Late: the deadline passes before the answer arrives.
    let soon = OffsetDateTime::now_utc() + Duration::seconds(2);
    ask(&experts[0], &question("c-b05-late", "E001", "B05", soon))
        .await
        .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(3200)).await;
    assert_eq!(
        code(answer(&p, "B05", "c-b05-late", "B05", "迟到的答复").await),
        "deadline_passed"
    );
    let listed = experts[0].client.clarifications(DEMO).await.unwrap().items;
    let late = listed
        .iter()
        .find(|c| c.question.clarification_id == "c-b05-late")
        .unwrap();
    assert_eq!(late.state, ClarificationState::Expired);
    assert!(late.answer.is_none());
}

/// The demo rules flag B04 (21,876,500.00 is below 85% of the mean and 80%
/// of the ceiling): once the panel has a leader the platform asks B04 to
/// explain, signed with its own key and receipted like any document, with
/// the computation and the rules' two hours. The desktop and the auditor
/// accept it only as the platform's; an expert cannot ask in its name;
/// listing again asks nothing twice; B04 answers like any bidder.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_rules_open_the_review_of_an_abnormally_low_bid_once_the_panel_has_a_leader() {
    use pingshen_api::{SignedWithReceipt, PLATFORM_ASKER};
    use pingshen_audit::{person_document, person_or_platform_document, Expect};

    let p = super::demo().await;
    let (_, staff) = p.person("S001").await;
    assert!(staff.clarifications(DEMO).await.unwrap().items.is_empty());

    let experts = seated_panel(&p, "E001").await;
    let listed = experts[1].client.clarifications(DEMO).await.unwrap().items;
    assert_eq!(listed.len(), 1, "{listed:#?}");
    let c = &listed[0];
    assert!(c.question.by_platform());
    assert_eq!(c.question.bidder_id, "B04");
    assert_eq!(c.question.clarification_id, "abnormal-B04");
    for part in [
        "你单位投标报价 21,876,500.00 元",
        "低于全部有效投标报价的平均值 26,429,633.33 元的 85%（22,465,188.33 元）",
        "低于最高投标限价 28,600,000.00 元的 80%（22,880,000.00 元）",
        "请于 2 小时内书面说明",
    ] {
        assert!(
            c.question.text.contains(part),
            "{part} / {}",
            c.question.text
        );
    }
    assert_eq!(c.question.deadline - c.asked_at, Duration::hours(2));
    assert_eq!(c.state, ClarificationState::Awaiting);

    // Verified as the platform's document, and not as a person's.
    let trust = p.platform.state.pki.trust();
    let pins = pingshen_pki::PlatformPins::one(&p.platform.state.pki.fingerprint()).unwrap();
    let item = SignedWithReceipt {
        envelope: c.envelope.clone(),
        receipt: c.receipt.clone(),
    };
    let expect = Expect {
        typ: CLARIFICATION_QUESTION_TYP,
        kind: "clarification_question",
        role: pingshen_api::Role::Expert,
        project: DEMO,
        platform_id: None,
    };
    let author = |q: &ClarificationQuestion| q.asked_by.clone();
    let project = |q: &ClarificationQuestion| q.project_id.clone();
    let ok = person_or_platform_document(
        &trust,
        &pins,
        &item,
        &expect,
        PLATFORM_ASKER,
        author,
        project,
    )
    .unwrap();
    assert_eq!(ok.doc, c.question);
    assert_eq!(ok.receipt.submitted_by, PLATFORM_ASKER);
    let refused = person_document(&trust, &pins, &item, &expect, author, project).unwrap_err();
    assert_eq!(refused.code, "wrong_role");

    // An expert — the leader too — cannot ask in the platform's name.
    let forged = question(
        "c-forged",
        PLATFORM_ASKER,
        "B01",
        OffsetDateTime::now_utc() + Duration::hours(2),
    );
    assert_eq!(code(ask(&experts[0], &forged).await), "project_mismatch");

    // Listing again (and again) asks nothing twice.
    let again = staff.clarifications(DEMO).await.unwrap().items;
    assert_eq!(again.len(), 1);
    assert_eq!(again[0].receipt, c.receipt);

    answer(
        &p,
        "B04",
        "abnormal-B04",
        "B04",
        "我公司自有沥青拌合站，附成本构成分析表。",
    )
    .await
    .unwrap();
    let answered = experts[2].client.clarifications(DEMO).await.unwrap().items;
    assert_eq!(answered[0].state, ClarificationState::Answered);
}
