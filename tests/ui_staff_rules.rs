//! Real-window UI test of the staff rule editor: a staff member starts the
//! rules of a new project from the 市政施工 template, makes an edit that
//! breaks them (the factor maxima no longer add up to the total), sees the
//! Chinese diagnostic while publishing is disabled, fixes it and publishes.
//! The platform then holds version 1, published by S001, with the edit.

use fantoccini::Locator;
use pingshen_api::{NewBidder, NewProject, Stage};
use pingshen_client::{sign_challenge, PlatformClient};
use pingshen_e2e::{AppDriver, PlatformProcess};
use pingshen_pki::{Pkcs12Signer, Signer};
use pingshen_rules::{Decimal, Rules};
use std::path::Path;
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(30);
const DEMO_PROJECT: &str = "JA-2026-0117";
const NEW_PROJECT: &str = "JA-2026-0902";
const NEW_NAME: &str = "黄浦大街（解放大道—沿江大道段）道路排水改造工程施工";

/// Logs in to the platform as the holder of `p12`, as the CLI would.
async fn login(url: &str, p12: &Path) -> anyhow::Result<PlatformClient> {
    let signer = Pkcs12Signer::from_file(p12, "pingshen-demo")?;
    let chain = signer
        .chain()
        .iter()
        .map(|c| c.to_der())
        .collect::<Result<Vec<_>, _>>()?;
    let (client, _) = PlatformClient::new(url)?
        .login(&chain, |c| sign_challenge(&signer, c))
        .await?;
    Ok(client)
}

/// A second project after bid opening, in 评标准备, with the demo's bidders.
async fn create_project(staff: &PlatformClient) -> anyhow::Result<()> {
    let demo = staff.project(DEMO_PROJECT).await?;
    let s = demo.summary;
    staff
        .create_project(&NewProject {
            id: NEW_PROJECT.into(),
            name: NEW_NAME.into(),
            lot: s.lot,
            centre: s.centre,
            tenderer: s.tenderer,
            ceiling_price: s.ceiling_price,
            opening_time: s.opening_time,
            bidders: demo
                .bidders
                .into_iter()
                .map(|b| NewBidder {
                    id: b.id,
                    name: b.name,
                    bid_price: b.bid_price,
                })
                .collect(),
            k: None,
        })
        .await?;
    Ok(())
}

async fn publish_enabled(app: &AppDriver) -> anyhow::Result<bool> {
    Ok(app
        .client
        .find(Locator::Css("#publish"))
        .await?
        .is_enabled()
        .await?)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_edit_template_see_error_fix_and_publish() -> anyhow::Result<()> {
    let platform_dir = tempfile::tempdir()?;
    let app_dir = tempfile::tempdir()?;
    let platform = PlatformProcess::start(platform_dir.path(), true)?;
    let cert_dir = platform_dir.path().join("pki/people");
    let s001 = cert_dir.join("S001.p12");

    let staff = login(&platform.url, &s001).await?;
    create_project(&staff).await?;
    assert_eq!(
        staff.project(NEW_PROJECT).await?.summary.stage,
        Stage::Preparing
    );

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
    app.wait_text("#login", "数字证书登录", WAIT).await?;
    app.fill("#cert-path", &s001.display().to_string()).await?;
    app.fill("#pin", "pingshen-demo").await?;
    app.click("#login-button").await?;
    app.wait_text("#user-name", "孙丽", WAIT).await?;
    app.wait_text("#user-role", "工作人员", WAIT).await?;

    // Staff see every project with its stage; open the new one's 评标办法.
    app.wait_text("#project-list", DEMO_PROJECT, WAIT).await?;
    let list = app.wait_text("#project-list", NEW_PROJECT, WAIT).await?;
    assert!(list.contains("评标中"), "{list}");
    assert!(list.contains("评标准备"), "{list}");
    app.click(&format!("[data-project-id=\"{NEW_PROJECT}\"]"))
        .await?;
    app.wait_text("#project-title", NEW_NAME, WAIT).await?;
    app.click("#tab-rules").await?;
    app.wait_text("#published-version", "尚未发布", WAIT)
        .await?;

    // Start from the municipal construction template: it validates as is.
    app.client
        .find(Locator::Css("#template-select"))
        .await?
        .select_by_value("municipal-construction")
        .await?;
    app.click("#use-template").await?;
    app.wait_text("#diagnostics", "校验通过", WAIT).await?;
    let table = app
        .wait_text("#factor-table", "tech.construction_plan", WAIT)
        .await?;
    assert!(table.contains("price.bid"), "{table}");

    // 施工方案与技术措施 6 → 8: the maxima add up to 102, not 100.
    app.fill("#factor-0-max", "8").await?;
    let diag = app
        .wait_text("#diagnostics", "与总分 100 不符", WAIT)
        .await?;
    assert!(diag.contains("total_mismatch"), "{diag}");
    assert!(diag.contains("meta.total"), "{diag}");
    assert!(diag.contains("各因素最高分之和为 102"), "{diag}");
    assert!(diag.contains("第 "), "the line is shown: {diag}");
    app.wait_text("#meta-diagnostics", "与总分 100 不符", WAIT)
        .await?;
    app.wait_text("#group-sums", "= 102", WAIT).await?;
    assert!(!publish_enabled(&app).await?, "publish must be disabled");
    app.wait_text("#publish-bar", "有未解决的问题", WAIT)
        .await?;
    app.screenshot("staff-rules-error").await?;

    // 交通疏解与地下管线保护方案 4 → 2 restores the total of 100.
    app.fill("#factor-1-max", "2").await?;
    app.wait_text("#diagnostics", "校验通过", WAIT).await?;
    app.wait_text("#group-sums", "= 100", WAIT).await?;
    assert!(
        publish_enabled(&app).await?,
        "publish must be enabled again"
    );

    // The abnormal-price triggers are a form too: a ratio above 1 is named
    // on its field; 4 hours to explain goes into the rules.
    app.click("#editor-tab-price").await?;
    app.fill("#abnormal-ceiling", "1.5").await?;
    app.wait_text("#abnormal-fields", "不超过 1", WAIT).await?;
    app.fill("#abnormal-ceiling", "0.8").await?;
    app.fill("#abnormal-hours", "4").await?;
    app.wait_text("#diagnostics", "校验通过", WAIT).await?;
    app.wait_text("#price-summary", "4 小时内说明报价的合理性", WAIT)
        .await?;
    app.screenshot("staff-rules-abnormal").await?;

    // The preview scores the project's bids with the edited rules.
    app.click("#editor-tab-preview").await?;
    let prose = app.wait_text("#preview-prose", "评标基准价", WAIT).await?;
    assert!(prose.contains("B04"), "{prose}");
    app.wait_text("#preview-score-B04", ".", WAIT).await?;

    app.click("#publish").await?;
    if let Err(e) = app.wait_text("#published-version", "第 1 版", WAIT).await {
        let why = app.texts("#publish-error").await.unwrap_or_default();
        anyhow::bail!("{e}; publish error: {why:?}");
    }
    app.wait_text("#published-version", "孙丽", WAIT).await?;
    app.wait_text("#publish-done", "已发布第 1 版", WAIT)
        .await?;
    app.wait_text("#publish-bar", "基于第 1 版", WAIT).await?;
    app.click("#editor-tab-factors").await?;
    app.screenshot("staff-rules-published").await?;

    // The platform holds version 1, signed and published by S001, with the edit.
    let v1 = staff.rules(NEW_PROJECT).await?;
    assert_eq!(v1.version, 1);
    assert_eq!(v1.published_by, "S001");
    assert_eq!(v1.published_by_name, "孙丽");
    let rules = Rules::from_toml(&v1.rules_toml).map_err(|e| anyhow::anyhow!("{e}"))?;
    let max = |id: &str| rules.factor(id).map(|f| f.max);
    assert_eq!(max("tech.construction_plan"), Some(Decimal::from(8)));
    assert_eq!(max("tech.traffic_control"), Some(Decimal::from(2)));
    assert_eq!(rules.meta.total, Some(Decimal::from(100)));
    assert!(staff.rules_version(NEW_PROJECT, 2).await.is_err());

    // 开始评标 asks first, then freezes the rules on the platform and here.
    app.click("#start-evaluation").await?;
    app.wait_text("#confirm-start", "第 1 版将被冻结", WAIT)
        .await?;
    app.click("#confirm-start-yes").await?;
    app.wait_text("#rules-frozen", "评标办法已冻结", WAIT)
        .await?;
    app.wait_text("#project-stage", "评标中", WAIT).await?;
    assert_eq!(
        staff.project(NEW_PROJECT).await?.summary.stage,
        Stage::Evaluating
    );
    assert!(app.client.find(Locator::Css("#publish")).await.is_err());

    app.close().await?;
    Ok(())
}
