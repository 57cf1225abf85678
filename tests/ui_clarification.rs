//! Real-window UI test of a clarification (澄清): the rules flag a bidder's
//! price and the platform asks it to explain once the panel has a leader;
//! the panel leader writes a question to another bidder and signs it; the
//! flagged bidder answers through the platform with its own certificate;
//! the leader's window shows the answer, verified, beside the question and
//! opens the answer document in the viewer; the other expert sees it
//! answered too.

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
    // The centre's rules take the 2024 pilot's triggers; B02's 1,200,000.00
    // is below half of the second-lowest price and 45% of the ceiling.
    let template = std::fs::read_to_string(
        pingshen_e2e::workspace_root().join("assets/rules/municipal-construction.toml"),
    )?;
    let cut = template
        .find("\n[abnormally_low]")
        .ok_or_else(|| anyhow::anyhow!("the template has no [abnormally_low]"))?;
    let rules = template[..cut].to_string()
        + "\n[abnormally_low]\nbelow_mean_ratio = \"0.50\"\nbelow_second_lowest_ratio = \"0.50\"\nbelow_ceiling_ratio = \"0.45\"\n";
    platform
        .small_project_with(
            PROJECT,
            "沿江大道绿化提升工程",
            Decimal::new(120000000, 2),
            &["E001", "E002"],
            rules,
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

    // 澄清: the rules flag B02's price, and the platform asked B02 to
    // explain as soon as the leader was elected — signed by the platform,
    // with the computation, verified by this window before it shows it.
    app.click("#tab-clarification").await?;
    app.wait_text(
        "#abnormal-B02",
        "低于次低有效投标报价 2,880,000.00 元的 50%",
        WAIT,
    )
    .await?;
    app.wait_text("#clarification-0-state", "等待答复", WAIT)
        .await?;
    app.wait_text("#clarification-0", "你单位投标报价 1,200,000.00 元", WAIT)
        .await?;
    app.wait_text(
        "#clarification-0",
        "交易平台（依评标办法的异常低价启动条件自动发出）",
        WAIT,
    )
    .await?;
    // And a question written by hand, to B01.
    app.select("#clarification-bidder", "B01").await?;
    app.fill(
        "#clarification-text",
        "请澄清投标文件第 12 页与第 35 页工期不一致之处。",
    )
    .await?;
    app.click("#ask-clarification").await?;
    app.wait_text("#clarification-1-state", "等待答复", WAIT)
        .await?;
    app.wait_text("#clarification-0", "交易平台", WAIT).await?;
    app.screenshot("clarification-abnormal-opened").await?;

    // B02 answers with its own certificate; no session.
    let asked = e001.clarifications(PROJECT).await?.items.remove(0);
    assert_eq!(asked.question.bidder_id, "B02");
    assert!(
        asked.question.text.contains("45%"),
        "{}",
        asked.question.text
    );
    assert_eq!(asked.question.asked_by, pingshen_api::PLATFORM_ASKER);
    let answer = ClarificationAnswer {
        project_id: PROJECT.into(),
        clarification_id: asked.question.clarification_id.clone(),
        bidder_id: "B02".into(),
        text: "我公司在相邻标段有可周转的临时设施和机械，成本构成见附表，以费用明细表为准，报价总额不变。".into(),
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
    let mut seen = e001.clarifications(PROJECT).await?.items;
    assert_eq!(seen[1].state, ClarificationState::Awaiting);
    let seen = seen.remove(0);
    assert_eq!(seen.state, ClarificationState::Answered);
    assert_eq!(seen.answer.unwrap().answer.text, answer.text);
    app.close().await?;
    platform.stop();
    Ok(())
}
