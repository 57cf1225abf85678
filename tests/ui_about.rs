//! Real-window UI test of 关于/诊断: after the expert has synced the bid
//! documents, the about page shows the version, the platform check, the
//! USB-key drivers found on this machine (SoftHSM2, which scripts/setup
//! installs) and the project's sync state; 导出诊断包 writes a bundle that
//! holds none of the PIN, the private key or a sentence of a bid.

use pingshen_e2e::{AppDriver, PlatformProcess};
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(60);
const PROJECT: &str = "JA-2026-0117";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_about_page_shows_the_state_and_exports_a_bundle_without_secrets() -> anyhow::Result<()>
{
    let platform_dir = tempfile::tempdir()?;
    let app_dir = tempfile::tempdir()?;
    let platform = PlatformProcess::start(platform_dir.path(), true)?;
    // The expert declared earlier (documents open only after the declaration).
    platform.declare_no_conflict("E002", PROJECT).await?;
    let app = AppDriver::launch_against(&platform, &platform.url, app_dir.path()).await?;
    app.login_as(&platform, "E002", "李娜").await?;
    app.click(&format!("#open-{PROJECT}")).await?;
    app.wait_text("#project-title", "解放大道", WAIT).await?;
    app.click("#tab-documents").await?;
    app.click("#sync-button").await?;
    app.wait_text("#sync-summary", "已校验 7 / 7 个文件", WAIT)
        .await?;

    app.click("#about-button").await?;
    app.wait_text("#about-version", env!("CARGO_PKG_VERSION"), WAIT)
        .await?;
    app.wait_text("#about-platform", "可连接", WAIT).await?;
    app.wait_text("#about-modules", "libsofthsm2.so", WAIT)
        .await?;
    // The update keys this build trusts: here the public demo key, named so.
    app.wait_text("#about-update-keys", "演示密钥", WAIT)
        .await?;
    app.wait_text("#update-current", "开发版本", WAIT).await?;
    app.wait_text(&format!("#about-project-{PROJECT}"), "7 / 7", WAIT)
        .await?;
    app.click("#export-diagnostics").await?;
    let shown = app
        .wait_text("#diagnostics-path", "诊断包已保存", WAIT)
        .await?;
    app.screenshot("about-diagnostics").await?;
    app.close().await?;

    let path = shown
        .split_once('：')
        .map(|(_, p)| p.trim().to_string())
        .expect("the path is shown");
    assert!(
        path.starts_with(&app_dir.path().display().to_string()),
        "{path}"
    );
    let bundle = std::fs::read_to_string(&path)?;
    let json: serde_json::Value = serde_json::from_str(&bundle)?;
    assert_eq!(json["projects"][0]["documents_verified"], 7);
    assert_eq!(json["app"]["install"]["kind"], "unmanaged");
    assert_eq!(json["app"]["demo_update_key"], true);
    assert_eq!(json["app"]["update_keys"].as_array().map(Vec::len), Some(1));
    // The PIN typed at login, the key's PEM armour, and text of a bid.
    for secret in ["pingshen-demo", "PRIVATE KEY", "CERTIFICATE", "投标函"] {
        assert!(!bundle.contains(secret), "the bundle holds “{secret}”");
    }
    platform.stop();
    Ok(())
}
