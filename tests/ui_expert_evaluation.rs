//! Real-window UI test of the evaluation: an expert signs the declaration,
//! scores two bidders (with the keyboard, a deduction with its reason and
//! the shortcuts), signs and submits, and sees the platform's verified
//! receipt. The platform is then asked what it stored.

use pingshen_e2e::{AppDriver, PlatformProcess};
use rust_decimal::Decimal;
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(40);
const PROJECT: &str = "UI-EVAL-1";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expert_declares_scores_two_bidders_submits_and_sees_the_receipt() -> anyhow::Result<()>
{
    let platform_dir = tempfile::tempdir()?;
    let app_dir = tempfile::tempdir()?;
    let platform = PlatformProcess::start(platform_dir.path(), true)?;

    // Staff set up a two-bidder project with the municipal rules and assign E002.
    platform
        .small_project(
            PROJECT,
            "黄浦大街人行道改造工程",
            Decimal::new(279500000, 2),
            &["E002"],
        )
        .await?;

    let app = AppDriver::launch_against(&platform, &platform.url, app_dir.path()).await?;
    app.login_as(&platform, "E002", "李娜").await?;

    app.wait_text(&format!("#open-{PROJECT}"), "进入评审", WAIT)
        .await?;
    app.click(&format!("#open-{PROJECT}")).await?;
    app.wait_text("#project-title", "黄浦大街人行道改造工程", WAIT)
        .await?;

    // The published rules, read-only.
    app.click("#tab-rules").await?;
    app.wait_text("#published-rules", "只读", WAIT).await?;
    app.wait_text("#published-rules", "施工方案与技术措施", WAIT)
        .await?;
    app.screenshot("evaluation-rules").await?;
    app.click("#tab-declaration").await?;

    // 回避声明: two clicks (ask, confirm) sign and send it.
    app.click("#sign-declaration").await?;
    app.wait_text("#sign-declaration", "确认签署", WAIT).await?;
    app.click("#sign-declaration").await?;
    app.wait_text("#declaration-status", "已签署回避声明", WAIT)
        .await?;
    app.wait_text("#declaration-status", "平台已签收", WAIT)
        .await?;
    // 推选组长: the only sitting expert votes for herself and so leads.
    app.wait_text("#vote-E002", "推选为组长", WAIT).await?;
    app.click("#vote-E002").await?;
    app.wait_text("#leader", "评标组长：李娜", WAIT).await?;

    // 初步评审: every criterion passed for both bidders.
    app.pass_all(&["B01", "B02"]).await?;

    // 详细评审: one deduction typed with the keyboard, with its reason; the rest full marks.
    app.click("#tab-detailed").await?;
    app.fill("#score-B01-tech\\.construction_plan", "4.5\u{E004}")
        .await?;
    app.wait_text("#save-status", "已自动保存", WAIT).await?;
    app.fill(
        "#reason-B01-tech\\.construction_plan",
        "路基施工工艺针对性一般\u{E004}",
    )
    .await?;
    for b in ["B01", "B02"] {
        app.click(&format!("#no-deduction-{b}")).await?;
        app.click(&format!("#no-deduction-{b}")).await?;
    }
    app.wait_text("#save-status", "已自动保存", WAIT).await?;
    app.screenshot("evaluation-detailed").await?;

    // 签名提交: the sheet is complete; sign, send, and see the verified receipt.
    app.click("#tab-submit").await?;
    app.wait_text("#sheet-complete", "可以签名提交", WAIT)
        .await?;
    app.click("#submit-sheet").await?;
    app.wait_text("#submit-sheet", "确认提交", WAIT).await?;
    app.click("#submit-sheet").await?;
    app.wait_text("#receipt", "平台签名回执已验证", WAIT)
        .await?;
    app.wait_text("#sheet-submitted", "已签名提交", WAIT)
        .await?;
    app.screenshot("evaluation-receipt").await?;

    // 评标报告: the whole panel (one expert here) has submitted, so the
    // platform has rendered the report; she saves it, then signs its hash.
    app.click("#tab-summary").await?;
    app.wait_text("#report-state", "待全体委员签名", WAIT)
        .await?;
    app.click("#save-report").await?;
    app.wait_text("#report-saved", "评标报告-", WAIT).await?;
    // She reads it in the viewer; the hash of the bytes she read is shown
    // beside the one the platform states, and only then may she sign.
    app.wait_text("#report-read-first", "阅读报告后方可签名", WAIT)
        .await?;
    app.click("#read-report").await?;
    app.wait_text("#page-no-report", "第 1 /", WAIT).await?;
    let stated = app.texts("#report-sha").await?;
    let read = app.texts("#report-viewed-sha").await?;
    assert_eq!(stated, read, "the bytes read hash to the stated value");
    app.click("#sign-report").await?;
    app.wait_text("#sign-report", "确认报告内容无误", WAIT)
        .await?;
    app.click("#sign-report").await?;
    app.wait_text("#report-state", "全体委员已签名确认", WAIT)
        .await?;
    app.wait_text("#report-signed", "已签名确认", WAIT).await?;
    app.screenshot("evaluation-report").await?;
    app.close().await?;
    let reports = app_dir.path().join("reports").join(PROJECT);
    let pdfs: Vec<_> = std::fs::read_dir(&reports)?
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".pdf"))
        .collect();
    assert_eq!(pdfs.len(), 1, "the saved report");
    assert!(std::fs::read(pdfs[0].path())?.starts_with(b"%PDF-"));

    // The platform holds exactly one sheet from E002, with the typed deduction.
    let expert = platform.client_as("E002").await?;
    let panel = expert.panel(PROJECT).await?;
    let me = panel
        .members
        .iter()
        .find(|m| m.id == "E002")
        .expect("E002 on the panel");
    assert_eq!(me.sheet_version, Some(1));
    let sheet = panel.my_sheet.expect("my sheet");
    let payload: serde_json::Value = serde_json::from_slice(&base64_url(&sheet.payload))?;
    let plan = &payload["sheet"]["bidders"][0]["factors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["factor"] == "tech.construction_plan")
        .cloned()
        .expect("construction plan scored");
    assert_eq!(plan["points"], "4.5");
    assert_eq!(plan["reason"], "路基施工工艺针对性一般");
    let report = expert.report_status(PROJECT).await?;
    assert!(report.complete);
    assert_eq!(report.signed_by, ["E002"]);
    platform.stop();
    Ok(())
}

fn base64_url(s: &str) -> Vec<u8> {
    // RFC 4648 §5 without padding; tiny decoder to keep the harness lean.
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = Vec::new();
    let mut buf = 0u32;
    let mut bits = 0;
    for c in s.bytes() {
        let v = alphabet.iter().position(|&a| a == c).expect("base64url") as u32;
        buf = (buf << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buf >> bits) as u8);
            buf &= (1 << bits) - 1;
        }
    }
    out
}
