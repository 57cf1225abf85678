//! `pingshen bidder answer` against a real platform: the leader asks B02; the
//! CLI signs B02's answer with B02's own certificate and the platform
//! accepts it once; an unsolicited answer and a wrong password are refused
//! with their codes and exit codes.

use pingshen_api::{ClarificationQuestion, ClarificationState, CLARIFICATION_QUESTION_TYP};
use pingshen_client::sign_document;
use pingshen_testkit::cli::{bin, exit_and_json};
use pingshen_testkit::{seated_panel, TestPlatform, DEMO};
use std::process::{Command, Output};

fn answer(
    p: &TestPlatform,
    bidder: &str,
    clarification: &str,
    text: &str,
    password: &str,
) -> Output {
    Command::new(bin("pingshen"))
        .args(["bidder", "answer", "--platform", &p.url(), "--p12"])
        .arg(p.demo_p12(bidder))
        .args([
            "--password-env",
            "BIDDER_PW",
            "--bidder",
            bidder,
            "--project",
            DEMO,
        ])
        .args(["--clarification", clarification, "--text", text])
        .env("BIDDER_PW", password)
        .output()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bidder_answers_with_its_own_certificate() {
    let p = TestPlatform::demo().await;
    let panel = seated_panel(&p, "E001").await;
    let q = ClarificationQuestion {
        project_id: DEMO.into(),
        clarification_id: "c-cli-b02".into(),
        bidder_id: "B02".into(),
        asked_by: "E001".into(),
        text: "请澄清投标文件第 35 页工期表与第 12 页承诺工期不一致之处。".into(),
        deadline: time::OffsetDateTime::now_utc() + time::Duration::hours(1),
        motion_id: None,
    };
    panel[0]
        .client
        .ask_clarification(
            DEMO,
            sign_document(&panel[0].signer, CLARIFICATION_QUESTION_TYP, &q).unwrap(),
        )
        .await
        .unwrap();

    // The CLI blocks on its own runtime: run it off the test's.
    let run = |bidder: &'static str, id: &'static str, text: &'static str, pw: &'static str| {
        let p = &p;
        tokio::task::block_in_place(move || answer(p, bidder, id, text, pw))
    };
    let out = run(
        "B02",
        "c-cli-b02",
        "第 12 页为笔误，以第 35 页工期表为准（180 日历天）。",
        "pingshen-demo",
    );
    let (code, json) = exit_and_json(&out);
    assert_eq!(code, 0, "{json}");
    assert_eq!(json["code"], "accepted");
    let listed = panel[1].client.clarifications(DEMO).await.unwrap().items;
    let ours = listed
        .iter()
        .find(|c| c.question.clarification_id == "c-cli-b02")
        .unwrap();
    assert_eq!(ours.state, ClarificationState::Answered);
    assert!(ours
        .answer
        .as_ref()
        .unwrap()
        .answer
        .text
        .contains("180 日历天"));

    // Unsolicited: B05 was asked nothing.
    let (code, json) = exit_and_json(&run("B05", "c-cli-b02", "我方主动补充", "pingshen-demo"));
    assert_eq!(code, 1);
    assert_eq!(json["code"], "unsolicited");

    // A wrong password is a local error, with no JSON and exit 2.
    let out = run("B02", "c-cli-b02", "再答", "wrong-password");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("wrong_password"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
