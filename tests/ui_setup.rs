//! Real-window UI test of the first run and of 设置, as an expert who has
//! just installed the app meets them: no platform configured, a
//! certificate file in 下载, SoftHSM2 installed (scripts/setup).
//!
//! First run: bad addresses are refused with Chinese messages; the sandbox
//! is checked and its fingerprint shown exactly as the platform announces
//! it; 完成设置 stays disabled until the person confirms it; finishing
//! saves the settings file, pins the fingerprint, copies the certificate
//! into the certificate folder, and the person logs in with it at once
//! (no restart). 设置: a bad data folder is refused, the log level is
//! saved and applies at once, a new data folder (with the pin and the
//! certificate files copied into it) waits for the restart,
//! and a second start goes straight to the login screen with it.

use pingshen_e2e::{AppDriver, PlatformProcess};
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(60);
const SOFTHSM: &str = "/usr/lib/softhsm/libsofthsm2.so";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_first_run_configures_the_platform_and_the_settings_screen_changes_it(
) -> anyhow::Result<()> {
    let platform_dir = tempfile::tempdir()?;
    let platform = PlatformProcess::start(platform_dir.path(), true)?;
    let health: serde_json::Value = reqwest::get(format!("{}/api/v1/health", platform.url))
        .await?
        .json()
        .await?;
    let fingerprint = health["signing_cert_sha256"]
        .as_str()
        .expect("the platform announces its certificate")
        .to_ascii_lowercase();

    // The expert's computer: a home with the certificate file the CA gave
    // them in 下载, and nothing configured.
    let home = tempfile::tempdir()?;
    std::fs::create_dir_all(home.path().join("下载"))?;
    std::fs::copy(
        platform.pki_dir().join("people/E002.p12"),
        home.path().join("下载/E002.p12"),
    )?;
    let config = tempfile::tempdir()?;
    // The data folder is the default one in that home, so 设置 may move it.
    let data = home.path().join(".local/share/pingshen");
    let env = [
        ("HOME", home.path().display().to_string()),
        ("PINGSHEN_CONFIG_DIR", config.path().display().to_string()),
        (
            "XDG_DATA_HOME",
            home.path().join(".local/share").display().to_string(),
        ),
    ];
    // The recognised CAs of the sandbox's demo PKI are a centre's
    // deployment choice, not a first-run question.
    let args = [
        "--trust-dir".to_string(),
        platform.pki_dir().display().to_string(),
    ];
    let desktop = pingshen_e2e::binary("pingshen-desktop")?;
    let app = AppDriver::launch_with_env(&desktop, &args, &env).await?;

    app.wait_text("#setup", "首次设置", WAIT).await?;
    for (address, says) in [
        ("ftp://127.0.0.1/", "http 或 https"),
        ("http://192.168.1.10:8620", "https"),
    ] {
        app.fill("#setup-url", address).await?;
        app.click("#setup-check").await?;
        app.wait_text("#setup-error", says, WAIT).await?;
    }
    app.fill("#setup-url", &platform.url).await?;
    app.click("#setup-check").await?;
    let shown = app.wait_text("#setup-fingerprint", " ", WAIT).await?;
    assert_eq!(shown.replace(' ', ""), fingerprint, "the fingerprint shown");
    app.wait_text("#setup-name", "沙箱", WAIT).await?;
    let finish = app.element("#setup-finish").await?;
    assert!(
        finish.attr("disabled").await?.is_some(),
        "完成设置 is enabled before the fingerprint is confirmed"
    );
    app.click("#setup-confirm").await?;
    // The driver found on this machine, chosen from the list.
    app.wait_text("#setup-module-found", "libsofthsm2.so", WAIT)
        .await?;
    app.fill("#setup-module", SOFTHSM).await?;
    app.wait_text("#setup-certs", "E002.p12", WAIT).await?;
    app.click("#setup-import-0").await?;
    app.screenshot("first-run-setup").await?;
    app.click("#setup-finish").await?;
    app.wait_text("#login", "数字证书登录", WAIT).await?;

    let settings = std::fs::read_to_string(config.path().join("settings.toml"))?;
    assert!(
        settings.contains(&format!("platform_url = \"{}\"", platform.url)),
        "{settings}"
    );
    assert!(settings.contains(SOFTHSM), "{settings}");
    let pin: serde_json::Value =
        serde_json::from_slice(&std::fs::read(data.join("platform/pin.json"))?)?;
    assert_eq!(pin["fingerprint"], fingerprint.as_str());
    let imported = data.join("certs/E002.p12");
    assert_eq!(
        std::fs::read(&imported)?,
        std::fs::read(home.path().join("下载/E002.p12"))?
    );

    // The imported file logs in, in this same window.
    app.fill("#cert-path", &imported.display().to_string())
        .await?;
    app.fill("#pin", "pingshen-demo").await?;
    app.click("#login-button").await?;
    app.wait_text("#user-name", "李娜", WAIT).await?;

    // 设置.
    app.click("#settings-button").await?;
    app.wait_text("#settings-platform", &platform.url, WAIT)
        .await?;
    let shown = app.wait_text("#settings-fingerprint", " ", WAIT).await?;
    assert_eq!(
        shown.replace(' ', ""),
        fingerprint,
        "the pinned fingerprint"
    );
    app.fill("#settings-data-dir", "relative/folder").await?;
    app.click("#settings-save").await?;
    app.wait_text("#settings-error", "绝对路径", WAIT).await?;
    let moved = tempfile::tempdir()?;
    app.fill("#settings-data-dir", &moved.path().display().to_string())
        .await?;
    app.select("#settings-log-level", "debug").await?;
    app.click("#settings-save").await?;
    app.wait_text("#settings-message", "设置已保存", WAIT)
        .await?;
    app.wait_text("#settings-pending", "数据目录将改为", WAIT)
        .await?;
    app.screenshot("settings").await?;
    app.close().await?;

    let settings = std::fs::read_to_string(config.path().join("settings.toml"))?;
    assert!(settings.contains("log_level = \"debug\""), "{settings}");
    assert!(
        settings.contains(&moved.path().display().to_string()),
        "{settings}"
    );
    // The new level applied at once: the save itself is in the log, which
    // never holds the PIN typed at login.
    let log = std::fs::read_to_string(data.join("logs/pingshen-desktop.log"))?;
    assert!(log.contains("settings saved"), "{log}");
    assert!(!log.contains("pingshen-demo"), "the log holds the PIN");

    // The platform's pin and the certificate files went along to the new
    // folder (the evaluation data stays where it was).
    let pin: serde_json::Value =
        serde_json::from_slice(&std::fs::read(moved.path().join("platform/pin.json"))?)?;
    assert_eq!(pin["fingerprint"], fingerprint.as_str());
    assert!(moved.path().join("certs/E002.p12").is_file());

    // A second start: no setup, the new data folder in force.
    let app = AppDriver::launch_with_env(&desktop, &args, &env).await?;
    app.wait_text("#login", "数字证书登录", WAIT).await?;
    app.click("#about-button").await?;
    app.wait_text("#about-data-dir", &moved.path().display().to_string(), WAIT)
        .await?;
    app.close().await?;
    platform.stop();
    Ok(())
}
