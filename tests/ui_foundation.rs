//! Real-window UI test of the foundation: the desktop app, pointed at a real
//! sandbox platform with demo data, lists the demo project and its bidders;
//! with the platform stopped it says so in Chinese.

use pingshen_e2e::{AppDriver, PlatformProcess};
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(30);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_project_and_bidders_then_unreachable_platform() -> anyhow::Result<()> {
    let platform_dir = tempfile::tempdir()?;
    let app_dir = tempfile::tempdir()?;
    let platform = PlatformProcess::start(platform_dir.path(), true)?;

    let app = AppDriver::launch(&[
        "--platform-url".into(),
        platform.url.clone(),
        "--data-dir".into(),
        app_dir.path().display().to_string(),
    ])
    .await?;

    app.wait_text("#platform-status", "平台在线", WAIT).await?;
    app.wait_text("#project-title", "解放大道（二七路—黄浦大街段）市政道路改造工程施工", WAIT)
        .await?;
    let names = app.texts("#bidders .bidder-name").await?;
    assert_eq!(
        names,
        [
            "武汉江城路桥工程有限公司",
            "湖北汉通市政建设集团有限公司",
            "武汉恒达建设工程有限公司",
            "湖北荆楚交通工程有限公司",
            "武汉鑫盛市政工程有限公司",
            "湖北德润建设有限公司",
        ]
    );
    let table = app.wait_text("#bidders", "27,365,000.00 元", WAIT).await?;
    assert!(table.contains("25,870,300.00 元"), "{table}");
    app.screenshot("foundation-projects").await?;

    platform.stop();
    app.click("#refresh").await?;
    // The page must explain, in Chinese, what happened.
    app.wait_text("#error-panel", "无法连接评标平台", WAIT).await?;
    app.wait_text("#error-panel", "platform_unreachable", WAIT).await?;
    app.wait_text("#platform-status", "平台离线", WAIT).await?;
    app.screenshot("foundation-unreachable").await?;
    app.close().await?;
    Ok(())
}
