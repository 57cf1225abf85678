//! Real-window UI test of the documents: an expert syncs the demo project
//! (verified against the platform's signed manifest), searches a term, opens
//! the hit on its page with the term highlighted; then, with the platform
//! stopped, search, viewing and notes keep working.

use pingshen_e2e::{AppDriver, PlatformProcess};
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(60);
const DEMO: &str = "JA-2026-0117";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_search_open_the_hit_then_work_offline() -> anyhow::Result<()> {
    let platform_dir = tempfile::tempdir()?;
    let app_dir = tempfile::tempdir()?;
    let platform = PlatformProcess::start(platform_dir.path(), true)?;
    // The expert declared earlier (documents open only after the declaration).
    platform.declare_no_conflict("E001", DEMO).await?;

    let app = AppDriver::launch_against(&platform, &platform.url, app_dir.path()).await?;
    app.login_as(&platform, "E001", "张伟").await?;
    app.click(&format!("#open-{DEMO}")).await?;
    app.wait_text("#project-title", "解放大道", WAIT).await?;
    app.click("#tab-documents").await?;
    app.click("#sync-button").await?;
    app.wait_text("#sync-summary", "已校验 7 / 7 个文件", WAIT)
        .await?;
    // The progress line is fed by the shell's sync-progress events: they
    // reach the page through the IPC's event listener.
    app.wait_text("#sync-progress-text", "完成：7 个文件", WAIT)
        .await?;
    app.screenshot("documents-synced").await?;

    // A two-character term found in B03's and B05's construction plans.
    app.fill("#search-input", "低副").await?;
    app.click("#search-button").await?;
    app.wait_text("#search-results", "第 19 页", WAIT).await?;
    app.click("#search-results .search-hit").await?;
    app.wait_text("#page-no-a", "第 19 /", WAIT).await?;
    app.wait_text("#viewer-status-a", "命中", WAIT).await?;
    app.screenshot("documents-hit").await?;

    // Where each bidder answers a factor: its bookmarks or best hits.
    app.client
        .find(fantoccini::Locator::Css("#locate-factor"))
        .await?
        .select_by_value("施工方案与技术措施")
        .await?;
    app.wait_text("#locate-results", "第", WAIT).await?;
    app.click("#locate-results .locate-hit").await?;
    app.wait_text("#page-no-a", "第", WAIT).await?;

    // Offline: the platform stops; search, viewing and notes still work.
    platform.stop();
    app.fill("#search-input", "工期").await?;
    app.click("#search-button").await?;
    app.wait_text("#search-results", "工期", WAIT).await?;
    app.click("#open-doc-bid-B02").await?;
    // Page 1 of the 26 pages of B02's demo bid, once pdf.js has counted them.
    app.wait_text("#page-no-a", "第 1 / 26 页", WAIT).await?;
    app.click("#next-a").await?;
    app.wait_text("#page-no-a", "第 2 /", WAIT).await?;
    app.fill("#note-text-a", "第二页的工期承诺与招标文件一致")
        .await?;
    app.click("#add-note-a").await?;
    app.wait_text("#viewer-a .page-notes", "工期承诺", WAIT)
        .await?;
    app.screenshot("documents-offline").await?;
    app.close().await?;
    Ok(())
}
