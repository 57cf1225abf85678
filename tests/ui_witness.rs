//! Real-window UI test of the witness's logging screen: the demo witness
//! (SM2 certificate) logs in, opens the demo project, records an irregular
//! observation from a template with an attachment, sees it signed and
//! acknowledged by the platform; then, with the platform stopped, records
//! another that waits to sync. The platform is asked what it stored.

use pingshen_e2e::{AppDriver, PlatformProcess};
use sha2::{Digest, Sha256};
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(40);
const DEMO: &str = "JA-2026-0117";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_witness_records_an_irregularity_with_an_attachment() -> anyhow::Result<()> {
    let platform_dir = tempfile::tempdir()?;
    let app_dir = tempfile::tempdir()?;
    let files = tempfile::tempdir()?;
    let platform = PlatformProcess::start(platform_dir.path(), true)?;

    // A photo the witness took (any bytes: the entry signs its hash).
    let photo = files.path().join("现场照片-手机.jpg");
    let photo_bytes: Vec<u8> = (0..20_000u32).map(|i| (i * 7 % 251) as u8).collect();
    std::fs::write(&photo, &photo_bytes)?;
    let photo_sha = hex::encode(Sha256::digest(&photo_bytes));

    let app = AppDriver::launch_against(&platform, &platform.url, app_dir.path()).await?;
    app.login_as(&platform, "W001", "赵敏").await?;
    app.wait_text("#user-role", "见证专家", WAIT).await?;

    app.click(&format!("#witness-open-{DEMO}")).await?;
    app.wait_text("#witness-clock", "平台时间", WAIT).await?;

    // Template "使用手机", then the facts typed, a photo attached, signed.
    app.click("#template-2").await?;
    app.fill(
        "#witness-text",
        "10:15 评标专家刘洋在详细评审期间使用手机通话约两分钟，已提醒其交由工作人员保管。",
    )
    .await?;
    let input = app
        .client
        .find(fantoccini::Locator::Css("#witness-attachment"))
        .await?;
    input.send_keys(&photo.display().to_string()).await?;
    app.wait_text("#witness-picked", "现场照片-手机.jpg", WAIT)
        .await?;
    app.click("#witness-record").await?;
    let log = app.wait_text("#witness-log", "平台已签收", WAIT).await?;
    assert!(log.contains("使用通讯设备"), "{log}");
    assert!(log.contains("使用手机通话约两分钟"), "{log}");
    assert!(log.contains("现场照片-手机.jpg"), "{log}");
    app.wait_text("#witness-sync-state", "全部已同步", WAIT)
        .await?;
    app.screenshot("witness-recorded").await?;

    // The platform holds the signed entry, committing to the photo's hash.
    let client = platform.client_as("W001").await?;
    let stored = client.witness_log(DEMO, None).await?;
    assert_eq!(stored.entries.len(), 1);
    let payload = {
        use base64::Engine;
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(stored.entries[0].envelope.payload.as_bytes())?
    };
    let entry: serde_json::Value = serde_json::from_slice(&payload)?;
    assert_eq!(entry["category"], "communication_device");
    assert_eq!(entry["attachments"][0]["sha256"], photo_sha.as_str());
    assert_eq!(entry["attachments"][0]["size"], photo_bytes.len());

    // The witness report: a PDF of the log and its detached signature.
    app.click("#witness-report").await?;
    app.wait_text("#witness-report-done", "已生成并签名（1 条记录）", WAIT)
        .await?;
    let reports = app_dir.path().join("reports").join(DEMO);
    let mut names: Vec<String> = std::fs::read_dir(&reports)?
        .map(|e| e.map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect::<Result<_, _>>()?;
    names.sort();
    assert_eq!(names.len(), 2, "{names:?}");
    assert!(
        names[0].ends_with(".pdf") && names[1].ends_with(".sig.json"),
        "{names:?}"
    );
    let pdf = std::fs::read(reports.join(&names[0]))?;
    assert!(pdf.starts_with(b"%PDF-"));
    app.screenshot("witness-report").await?;

    // Offline: the next entry is signed and kept, waiting to sync.
    platform.stop();
    app.click("#template-0").await?;
    app.click("#witness-record").await?;
    app.wait_text("#witness-sync-state", "1 条待同步", WAIT)
        .await?;
    app.wait_text("#witness-log", "待同步", WAIT).await?;
    app.screenshot("witness-offline").await?;
    app.close().await?;
    Ok(())
}
