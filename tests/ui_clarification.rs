//! Real-window UI test of a clarification (澄清): the panel leader writes a
//! question to a bidder and signs it; the bidder answers through the
//! platform with its own certificate; the leader's window shows the answer,
//! verified, beside the question and opens the answer document in the
//! viewer; the other expert sees it answered too.

use pingshen_api::{
    ClarificationAnswer, ClarificationState, LeaderVote, CLARIFICATION_ANSWER_TYP, LEADER_VOTE_TYP,
};
use pingshen_e2e::{AppDriver, PlatformProcess};
use rust_decimal::Decimal;
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(40);
const PROJECT: &str = "UI-CLAR-1";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_leader_asks_the_bidder_answers_and_every_expert_sees_it() -> anyhow::Result<()> {
    let platform_dir = tempfile::tempdir()?;
    let app_dir = tempfile::tempdir()?;
    let platform = PlatformProcess::start(platform_dir.path(), true)?;
    platform
        .small_project(
            PROJECT,
            "沿江大道绿化提升工程",
            Decimal::new(279500000, 2),
            &["E001", "E002"],
        )
        .await?;
    // E001 has declared; once E002 has, E001 votes her panel leader.
    platform.declare_no_conflict("E001", PROJECT).await?;
    let e001 = platform.client_as("E001").await?;

    let app = AppDriver::launch_against(&platform, &platform.url, app_dir.path()).await?;
    app.login_as(&platform, "E002", "李娜").await?;
    app.open_and_declare(PROJECT, "沿江大道绿化提升工程")
        .await?;
    let vote = LeaderVote {
        project_id: PROJECT.into(),
        voter_id: "E001".into(),
        candidate_id: "E002".into(),
    };
    e001.vote_leader(PROJECT, platform.sign_as("E001", LEADER_VOTE_TYP, &vote)?)
        .await?;
    app.wait_text("#vote-E002", "推选为组长", WAIT).await?;
    app.click("#vote-E002").await?;
    app.wait_text("#leader", "评标组长：李娜", WAIT).await?;

    // 澄清: the leader writes to B02 and signs.
    app.click("#tab-clarification").await?;
    app.wait_text("#clarifications", "尚未发出澄清问题", WAIT)
        .await?;
    app.select("#clarification-bidder", "B02").await?;
    app.fill(
        "#clarification-text",
        "请澄清投标报价中安全文明施工费低于规定标准的原因。",
    )
    .await?;
    app.click("#ask-clarification").await?;
    app.wait_text("#clarification-0-state", "等待答复", WAIT)
        .await?;

    // B02 answers with its own certificate; no session.
    let asked = e001.clarifications(PROJECT).await?.items.remove(0);
    assert_eq!(asked.question.bidder_id, "B02");
    assert_eq!(asked.question.asked_by, "E002");
    let answer = ClarificationAnswer {
        project_id: PROJECT.into(),
        clarification_id: asked.question.clarification_id.clone(),
        bidder_id: "B02".into(),
        text: "报价中安全文明施工费按费率 3.1% 计取，系计算表格引用错误，以费用明细表为准，报价总额不变。".into(),
    };
    pingshen_client::PlatformClient::new(&platform.url)?
        .answer_clarification(
            PROJECT,
            &answer.clarification_id,
            platform.sign_as("B02", CLARIFICATION_ANSWER_TYP, &answer)?,
        )
        .await?;

    // The leader's window: answered, verified, and the document opens.
    app.click("#tab-declaration").await?;
    app.click("#tab-clarification").await?;
    app.wait_text("#clarification-0-state", "已答复", WAIT)
        .await?;
    app.wait_text("#clarification-0-answer", "费用明细表为准", WAIT)
        .await?;
    app.wait_text("#clarification-0-answer", "已核验", WAIT)
        .await?;
    app.click("#clarification-0-open").await?;
    app.wait_text("#page-no-clarification", "第 1 / 1 页", WAIT)
        .await?;
    app.screenshot("clarification-answered").await?;

    // The other expert sees the same, answered.
    let seen = e001.clarifications(PROJECT).await?.items.remove(0);
    assert_eq!(seen.state, ClarificationState::Answered);
    assert_eq!(seen.answer.unwrap().answer.text, answer.text);
    app.close().await?;
    platform.stop();
    Ok(())
}
