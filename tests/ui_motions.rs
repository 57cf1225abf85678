//! Real-window UI test of a panel vote (表决): an expert proposes a motion
//! about a bidder's abnormally low price and votes on it, signed; the other
//! sitting expert votes through the platform; the window shows the motion
//! carried by the majority, counted from the verified signed votes. The
//! platform is then asked what it recorded.

use pingshen_api::{MotionVote, MOTION_VOTE_TYP};
use pingshen_e2e::{AppDriver, PlatformProcess};
use pingshen_rules::motion::{MotionOutcome, REJECT_BID};
use rust_decimal::Decimal;
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(40);
const PROJECT: &str = "UI-MOTION-1";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expert_proposes_and_votes_and_the_majority_carries_the_motion() -> anyhow::Result<()> {
    let platform_dir = tempfile::tempdir()?;
    let app_dir = tempfile::tempdir()?;
    let platform = PlatformProcess::start(platform_dir.path(), true)?;

    // Two sitting experts, E001 and E002, on a two-bidder project.
    platform
        .small_project(
            PROJECT,
            "沿江大道照明改造工程",
            Decimal::new(120000000, 2),
            &["E001", "E002"],
        )
        .await?;
    platform.declare_no_conflict("E001", PROJECT).await?;

    let app = AppDriver::launch_against(&platform, &platform.url, app_dir.path()).await?;
    app.login_as(&platform, "E002", "李娜").await?;
    app.open_and_declare(PROJECT, "沿江大道照明改造工程")
        .await?;

    // 表决: she proposes an abnormal-price motion about B02; its options are
    // fixed: 采纳说明 / 否决投标.
    app.click("#tab-motions").await?;
    app.wait_text("#motions", "尚无表决事项", WAIT).await?;
    app.select("#motion-bidder", "B02").await?;
    app.fill(
        "#motion-text",
        "B02 报价明显低于其他投标报价，其书面说明及证明材料是否足以证明报价合理？",
    )
    .await?;
    app.click("#propose-motion").await?;
    app.wait_text("#motion-0", "书面说明及证明材料", WAIT)
        .await?;
    app.wait_text("#motion-0-outcome", "表决进行中", WAIT)
        .await?;

    // Her vote, confirmed before it is signed.
    app.click("#vote-0-1").await?;
    app.wait_text("#vote-0-1", "确认", WAIT).await?;
    app.click("#vote-0-1").await?;
    app.wait_text("#motion-0-mine", "否决投标", WAIT).await?;
    app.wait_text("#motion-0-mine", "平台已签收", WAIT).await?;

    // E001 votes the same through the platform: two of two carry it.
    let e001 = platform.client_as("E001").await?;
    let motion = e001.motions(PROJECT).await?.motions.remove(0);
    let vote = MotionVote {
        project_id: PROJECT.into(),
        motion_id: motion.motion.motion_id.clone(),
        voter_id: "E001".into(),
        option: REJECT_BID.into(),
    };
    e001.vote_motion(
        PROJECT,
        &motion.motion.motion_id,
        platform.sign_as("E001", MOTION_VOTE_TYP, &vote)?,
    )
    .await?;

    // A visit to the tab reloads: the window counts the verified votes.
    app.click("#tab-declaration").await?;
    app.click("#tab-motions").await?;
    app.wait_text("#motion-0-outcome", "表决通过", WAIT).await?;
    app.wait_text("#motion-0", "否决投标：2 票", WAIT).await?;
    app.wait_text("#motion-0-votes", "E001 否决投标", WAIT)
        .await?;
    app.wait_text("#motion-0-effect", "B02 的投标被否决", WAIT)
        .await?;
    app.screenshot("motion-carried").await?;
    // The expert's own price view follows the panel's decision: B02 is no
    // longer a valid price there either.
    app.click("#tab-detailed").await?;
    app.wait_text("#price-explanation", "初步评审未通过，不作为有效报价", WAIT)
        .await?;

    // What the platform recorded: the motion, two signed votes, carried.
    let recorded = e001.motions(PROJECT).await?.motions.remove(0);
    assert_eq!(recorded.motion.proposer_id, "E002");
    assert_eq!(recorded.votes.len(), 2);
    assert_eq!(
        recorded.outcome,
        MotionOutcome::Carried {
            option: REJECT_BID.into()
        }
    );
    app.close().await?;
    platform.stop();
    Ok(())
}
