//! Real-window UI test of 串标分析: the elected panel leader syncs the demo
//! bids, opens the screens, sees the planted B03/B05 collusion with its
//! evidence side by side, and records the panel's decision signed with the
//! leader's certificate; the platform holds the signed decision.

use pingshen_api::{LeaderVote, ScreenVerdict, LEADER_VOTE_TYP};
use pingshen_e2e::{AppDriver, PlatformProcess};
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(60);
const DEMO: &str = "JA-2026-0117";

async fn declare_and_vote(
    platform: &PlatformProcess,
    who: &str,
    declare: bool,
) -> anyhow::Result<()> {
    if declare {
        platform.declare_no_conflict(who, DEMO).await?;
    }
    let client = platform.client_as(who).await?;
    let v = LeaderVote {
        project_id: DEMO.into(),
        voter_id: who.into(),
        candidate_id: "E001".into(),
    };
    client
        .vote_leader(DEMO, platform.sign_as(who, LEADER_VOTE_TYP, &v)?)
        .await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_leader_reviews_a_flag_and_signs_the_panels_decision() -> anyhow::Result<()> {
    let platform_dir = tempfile::tempdir()?;
    let app_dir = tempfile::tempdir()?;
    let platform = PlatformProcess::start(platform_dir.path(), true)?;
    let app = AppDriver::launch_against(&platform, &platform.url, app_dir.path()).await?;
    app.login_as(&platform, "E001", "张伟").await?;
    app.click(&format!("#open-{DEMO}")).await?;
    app.click("#sign-declaration").await?;
    app.click("#sign-declaration").await?;
    app.wait_text("#declaration-status", "平台已签收", WAIT)
        .await?;

    // Three of the five elect E001 (张伟) as the panel leader.
    declare_and_vote(&platform, "E002", true).await?;
    declare_and_vote(&platform, "E003", true).await?;
    declare_and_vote(&platform, "E001", false).await?;

    app.click("#tab-documents").await?;
    app.click("#sync-button").await?;
    app.wait_text("#sync-summary", "已校验 7 / 7 个文件", WAIT)
        .await?;

    app.click("#tab-screening").await?;
    app.wait_text("#flags", "B03", WAIT).await?;
    app.click("li.flag[data-kind=text_overlap] .flag-head")
        .await?;
    let evidence = app.wait_text(".passages", "第", WAIT).await?;
    assert!(
        evidence.contains("B03") && evidence.contains("B05"),
        "{evidence}"
    );
    app.screenshot("screening-evidence").await?;

    app.click("#verdict-referred").await?;
    app.fill(
        "#verdict-reason",
        "两份投标文件施工组织设计多处雷同且有相同错别字，提请行政监督部门核查",
    )
    .await?;
    app.click("#record-verdict").await?;
    app.wait_text("#record-verdict", "确认记录", WAIT).await?;
    app.click("#record-verdict").await?;
    // The flag stays open while the decision is signed, sent and shown.
    app.wait_text("#flag-decision", "提请行政监督部门核查", WAIT)
        .await?;
    app.screenshot("screening-decided").await?;
    app.close().await?;

    // The recorded decisions are for the leader and staff.
    let decisions = platform
        .client_as("S001")
        .await?
        .screen_decisions(DEMO)
        .await?;
    assert_eq!(decisions.decisions.len(), 1);
    let d = &decisions.decisions[0].decision;
    assert_eq!(d.verdict, ScreenVerdict::Referred);
    assert_eq!(d.decided_by, "E001");
    assert_eq!(d.flag_kind, "text_overlap");
    assert_eq!(d.involved, ["B03", "B05"]);
    platform.stop();
    Ok(())
}
