//! Real-window UI test: the client checks what it shows and what it signs.
//! A man in the middle between the app and the real platform alters the
//! rules' text, then the report's bytes. The expert sees a clear refusal
//! each time and nothing is signed; once the answers are genuine again, the
//! same expert signs the report normally.

use pingshen_api::{ScoreSheet, SCORE_SHEET_TYP};
use pingshen_e2e::{workspace_root, AppDriver, PlatformProcess, Tamper, TamperProxy};
use rust_decimal::Decimal;
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(40);
const PROJECT: &str = "UI-TRUST-1";
const EXPERT: &str = "E002";

/// A one-expert project whose expert has declared and submitted, so that
/// the platform has rendered the report.
async fn evaluated_project(platform: &PlatformProcess) -> anyhow::Result<()> {
    let published = platform
        .small_project(
            PROJECT,
            "沿江大道排水管网改造工程",
            Decimal::new(279500000, 2),
            &[EXPERT],
        )
        .await?;
    let rules_toml =
        std::fs::read_to_string(workspace_root().join("assets/rules/municipal-construction.toml"))?;

    platform.declare_no_conflict(EXPERT, PROJECT).await?;
    let expert = platform.client_as(EXPERT).await?;
    let rules =
        pingshen_rules::Rules::from_toml(&rules_toml).map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let bidders = vec!["B01".to_string(), "B02".to_string()];
    let cells = pingshen_platform::demo_run::full_marks(&rules, &bidders);
    let sheet = ScoreSheet {
        submission_id: "0190c0de-0000-7000-8000-000000000001".into(),
        project_id: PROJECT.into(),
        expert_id: EXPERT.into(),
        version: 1,
        rules_version: published.version,
        rules_sha256: published.sha256,
        sheet: pingshen_rules::cells::build_sheet(&rules, EXPERT, &bidders, &cells),
    };
    expert
        .submit_sheet(PROJECT, platform.sign_as(EXPERT, SCORE_SHEET_TYP, &sheet)?)
        .await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn altered_rules_and_an_altered_report_are_refused_and_nothing_is_signed(
) -> anyhow::Result<()> {
    let platform_dir = tempfile::tempdir()?;
    let app_dir = tempfile::tempdir()?;
    let platform = PlatformProcess::start(platform_dir.path(), true)?;
    evaluated_project(&platform).await?;
    let proxy = TamperProxy::start(&platform.url).await?;
    proxy.set(Tamper::RulesText);

    let app = AppDriver::launch_against(&platform, &proxy.url, app_dir.path()).await?;
    app.login_as(&platform, EXPERT, "李娜").await?;
    app.click(&format!("#open-{PROJECT}")).await?;
    app.wait_text("#project-title", "沿江大道排水管网改造工程", WAIT)
        .await?;

    // Altered rules: refused on every tab, never shown as the rules.
    app.wait_text("#rules-refused", "未通过验证", WAIT).await?;
    app.wait_text("#rules-refused", "rules_unverified", WAIT)
        .await?;
    app.click("#tab-rules").await?;
    app.wait_text("#rules-none", "已拒绝显示和使用", WAIT)
        .await?;
    app.screenshot("trust-rules-refused").await?;

    // Altered report bytes: reading shows two different hashes, and signing
    // is refused by the shell.
    proxy.set(Tamper::ReportPdf);
    app.click("#tab-summary").await?;
    app.wait_text("#report-read-first", "阅读报告后方可签名", WAIT)
        .await?;
    // Reading is idempotent. The card is rebuilt when the project page
    // refreshes in the background; a click that landed on the card being
    // replaced shows nothing, and the expert (like this test) clicks again.
    let mut read = Err(anyhow::anyhow!("never clicked"));
    for _ in 0..3 {
        app.click("#read-report").await?;
        read = app
            .wait_text("#report-mismatch", "不一致", Duration::from_secs(10))
            .await;
        if read.is_ok() {
            break;
        }
    }
    read?;
    app.click("#sign-report").await?;
    app.wait_text("#sign-report", "确认报告内容无误", WAIT)
        .await?;
    app.click("#sign-report").await?;
    app.wait_text("#report-error", "report_hash_mismatch", WAIT)
        .await?;
    app.screenshot("trust-report-refused").await?;
    let expert = platform.client_as(EXPERT).await?;
    let status = expert.report_status(PROJECT).await?;
    assert!(
        status.signed_by.is_empty(),
        "nothing was signed: {status:?}"
    );

    // The genuine report: read again, the hashes agree, and the signature
    // goes through.
    proxy.set(Tamper::Nothing);
    app.click("#read-report").await?;
    app.wait_text("#page-no-report", "第 1 /", WAIT).await?;
    // pdf.js has drawn the page once the status line is cleared.
    app.wait_text("#viewer-status-report", "", WAIT).await?;
    app.screenshot("trust-report-genuine").await?;
    assert_eq!(
        app.texts("#report-sha").await?,
        app.texts("#report-viewed-sha").await?
    );
    app.click("#sign-report").await?;
    app.wait_text("#sign-report", "确认报告内容无误", WAIT)
        .await?;
    app.click("#sign-report").await?;
    app.wait_text("#report-signed", "已签名确认", WAIT).await?;
    app.close().await?;
    let status = expert.report_status(PROJECT).await?;
    assert_eq!(status.signed_by, [EXPERT]);
    platform.stop();
    Ok(())
}
