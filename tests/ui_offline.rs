//! Real-window UI test of the remote expert's cold start: after one online
//! session (declaration signed, documents synced), the app is closed and the
//! platform stops. The app starts again with no platform: the expert logs in
//! with the certificate, sees the synced project in the list with its sync
//! state and the offline marker, opens it, scores every bidder and signs the
//! sheet, which waits in the outbox. The platform comes back at the same
//! address; the app notices by itself, sends the sheet once and shows the
//! verified receipt. The platform then holds exactly one sheet.

use pingshen_e2e::{free_port, AppDriver, PlatformProcess};
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(60);
const PROJECT: &str = "JA-2026-0117";
const BIDDERS: [&str; 6] = ["B01", "B02", "B03", "B04", "B05", "B06"];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cold_start_offline_scores_signs_and_sends_once_when_the_platform_returns(
) -> anyhow::Result<()> {
    let platform_dir = tempfile::tempdir()?;
    let app_dir = tempfile::tempdir()?;
    let port = free_port()?;
    let platform = PlatformProcess::start_on(platform_dir.path(), true, port)?;
    let url = platform.url.clone();

    // One online session: declaration signed and received, documents synced.
    let app = AppDriver::launch_against(&platform, &url, app_dir.path()).await?;
    app.login_as(&platform, "E002", "李娜").await?;
    app.wait_text("#sync-JA-2026-0117", "文件尚未同步", WAIT)
        .await?;
    app.click(&format!("#open-{PROJECT}")).await?;
    app.click("#sign-declaration").await?;
    app.wait_text("#sign-declaration", "确认签署", WAIT).await?;
    app.click("#sign-declaration").await?;
    app.wait_text("#declaration-status", "平台已签收", WAIT)
        .await?;
    app.click("#tab-documents").await?;
    app.click("#sync-button").await?;
    app.wait_text("#sync-summary", "已校验 7 / 7 个文件", WAIT)
        .await?;
    app.close().await?;
    // The platform stops (its data stays).
    let pki = platform.pki_dir();
    platform.stop();

    // Cold start with no platform.
    let app = AppDriver::launch(&[
        "--platform-url".into(),
        url.clone(),
        "--data-dir".into(),
        app_dir.path().display().to_string(),
        "--cert-dir".into(),
        pki.join("people").display().to_string(),
        "--trust-dir".into(),
        pki.display().to_string(),
    ])
    .await?;
    app.wait_text("#login", "数字证书登录", WAIT).await?;
    app.fill(
        "#cert-path",
        &pki.join("people/E002.p12").display().to_string(),
    )
    .await?;
    app.fill("#pin", "pingshen-demo").await?;
    app.click("#login-button").await?;
    app.wait_text("#user-name", "李娜", WAIT).await?;
    app.wait_text("#projects-offline", "离线", WAIT).await?;
    app.wait_text("#projects-offline", "最近一次连上评标平台", WAIT)
        .await?;
    app.wait_text("#sync-JA-2026-0117", "文件已全部同步（7 个）", WAIT)
        .await?;
    app.screenshot("offline-projects").await?;
    app.click(&format!("#open-{PROJECT}")).await?;
    app.wait_text("#offline-tag", "离线", WAIT).await?;

    // Everything up to signing, offline.
    app.full_marks(&BIDDERS).await?;
    app.sign_and_submit().await?;
    app.wait_text("#receipt-pending", "等待发送到平台", WAIT)
        .await?;
    app.screenshot("offline-sheet-waiting").await?;

    // The platform returns at the same address: the app notices by itself.
    let back = PlatformProcess::start_on(platform_dir.path(), true, port)?;
    app.wait_text("#receipt", "平台签名回执已验证", Duration::from_secs(90))
        .await?;
    // The header says so too: the platform is online and so is the session.
    app.wait_text("#platform-status", "平台在线", WAIT).await?;
    app.screenshot("offline-sheet-delivered").await?;
    assert!(
        app.texts("#offline-work").await?.is_empty(),
        "the offline badge is gone"
    );
    app.close().await?;

    let expert = back.client_as("E002").await?;
    let panel = expert.panel(PROJECT).await?;
    let me = panel.members.iter().find(|m| m.id == "E002").unwrap();
    assert_eq!(me.sheet_version, Some(1), "exactly one sheet, sent once");
    back.stop();
    Ok(())
}
