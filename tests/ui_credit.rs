//! Real-window UI test of credit (信用): the expert's grid shows the credit
//! factor computed from the platform's signed credit records, read-only,
//! with the records and the computation beside it.

use pingshen_e2e::{AppDriver, PlatformProcess};
use rust_decimal::Decimal;
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(40);
const PROJECT: &str = "UI-CREDIT-1";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_credit_factor_is_computed_from_the_signed_records() -> anyhow::Result<()> {
    let platform_dir = tempfile::tempdir()?;
    let app_dir = tempfile::tempdir()?;
    let platform = PlatformProcess::start(platform_dir.path(), true)?;
    platform
        .small_project_with(
            PROJECT,
            "沿江大道路灯改造工程",
            Decimal::new(279500000, 2),
            &["E002"],
            pingshen_testkit::cli::municipal_rules_with_credit(),
        )
        .await?;
    let records: pingshen_api::CreditRecords = serde_json::from_value(serde_json::json!({
        "as_of": "2026-12-03",
        "bidders": [
            { "bidder": "B01", "grade": "AAA" },
            { "bidder": "B02", "grade": "AA", "records": [
                { "id": "WH-2026-0412", "source": "武汉市城乡建设局", "date": "2026-04-12",
                  "description": "施工现场扬尘控制不到位" } ] }
        ]
    }))?;
    platform
        .client_as("S001")
        .await?
        .publish_credit_record(PROJECT, &records)
        .await?;

    let app = AppDriver::launch_against(&platform, &platform.url, app_dir.path()).await?;
    app.login_as(&platform, "E002", "李娜").await?;
    app.open_and_declare(PROJECT, "沿江大道路灯改造工程")
        .await?;
    app.click("#tab-detailed").await?;
    // AAA → 3; AA less one record → 1; computed, not an input.
    app.wait_text("#credit-B01", "3", WAIT).await?;
    app.wait_text("#credit-B02", "1", WAIT).await?;
    app.wait_text("#credit-records", "WH-2026-0412", WAIT)
        .await?;
    app.wait_text("#credit-records", "信用等级 AA，得 2 分", WAIT)
        .await?;
    assert!(
        app.texts("#score-B01-biz\\.credit").await?.is_empty(),
        "no input for a computed factor"
    );
    app.screenshot("credit-computed").await?;
    app.close().await?;
    platform.stop();
    Ok(())
}
