//! Real-window UI tests of the foundation and of certificate login: the
//! desktop app, pointed at a real sandbox platform with demo data, refuses a
//! wrong PIN with a readable message, logs in with a demo .p12, lists the
//! demo project and its bidders; with the platform stopped it says so and
//! lists the projects kept on this computer.

use pingshen_e2e::{AppDriver, PlatformProcess};
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(30);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_then_demo_project_then_unreachable_platform() -> anyhow::Result<()> {
    let platform_dir = tempfile::tempdir()?;
    let app_dir = tempfile::tempdir()?;
    let platform = PlatformProcess::start(platform_dir.path(), true)?;
    let cert_dir = platform_dir.path().join("pki/people");

    let app = AppDriver::launch(&[
        "--platform-url".into(),
        platform.url.clone(),
        "--data-dir".into(),
        app_dir.path().display().to_string(),
        "--cert-dir".into(),
        cert_dir.display().to_string(),
        // The recognised CAs, as an installation ships them.
        "--trust-dir".into(),
        platform.pki_dir().display().to_string(),
    ])
    .await?;

    app.wait_text("#platform-status", "平台在线", WAIT).await?;
    app.wait_text("#login", "数字证书登录", WAIT).await?;
    let p12 = cert_dir.join("E003.p12").display().to_string();
    app.fill("#cert-path", &p12).await?;

    // A wrong PIN: a readable Chinese error with its code, and no login.
    app.fill("#pin", "wrong-pin").await?;
    app.click("#login-button").await?;
    let err = app
        .wait_text("#login-error", "证书密码或 PIN 码错误", WAIT)
        .await?;
    assert!(err.contains("wrong_password"), "{err}");
    app.screenshot("login-wrong-pin").await?;

    // The demo password logs in: name, role and issuer appear in the top bar.
    app.fill("#cert-path", &p12).await?;
    app.fill("#pin", "pingshen-demo").await?;
    app.click("#login-button").await?;
    app.wait_text("#user-name", "王强", WAIT).await?;
    app.wait_text("#user-role", "评标专家", WAIT).await?;
    app.wait_text("#user-issuer", "SM2SM3", WAIT).await?;

    // An expert sees the projects they were drawn for and opens one; the
    // declaration page lists the bidders to declare against.
    app.wait_text(".expert-projects", "解放大道", WAIT).await?;
    app.click(".expert-projects .project-card button").await?;
    app.wait_text(
        "#project-title",
        "解放大道（二七路—黄浦大街段）市政道路改造工程施工",
        WAIT,
    )
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
    assert!(table.contains("21,876,500.00 元"), "{table}");
    app.screenshot("foundation-projects").await?;

    platform.stop();
    // The project list, fetched afresh, says the platform is gone and shows
    // the projects kept on this computer, with the last contact.
    app.click("#back-to-projects").await?;
    app.click("#refresh").await?;
    app.wait_text("#projects-offline", "离线：显示本机保存的项目", WAIT)
        .await?;
    app.wait_text("#projects-offline", "最近一次连上评标平台", WAIT)
        .await?;
    app.wait_text(".expert-projects", "解放大道", WAIT).await?;
    app.wait_text("#platform-status", "平台离线", WAIT).await?;
    app.screenshot("foundation-unreachable").await?;
    // Locking returns to the login screen, saying why.
    app.click("#lock").await?;
    app.wait_text("#login-notice", "已锁定，请重新输入 PIN 解锁", WAIT)
        .await?;
    app.close().await?;
    Ok(())
}
