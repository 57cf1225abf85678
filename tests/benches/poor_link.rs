//! A remote expert on a poor line: 4 Mbit/s each way, 100 ms round trip
//! (`pingshen_testkit::Link` between the real app window and the real
//! platform). The project holds the demo's seven files plus a 300-page bid
//! of about 30 MB. The expert starts the sync and, as soon as the long bid
//! is listed, opens it.
//!
//! Measured, in one run:
//! - click → first page drawn, while the sync runs (pages fetched first,
//!   each chunk verified against the signed manifest);
//! - when that file became fully verified (what the first page would have
//!   waited for without range-first reading), and the whole sync's end;
//! - search answered while the sync still downloads (text of the files
//!   already verified);
//! - the progress line's “time left”, sampled every second, against the
//!   time the download actually took.
//!
//! Twice: with the page dictionaries together (the page tree first) and
//! interleaved with 100 KB of page content each under a flat /Kids array —
//! pdf.js reads every kid of the top /Pages node before it shows any page,
//! so there the first page waits for one 64 KiB chunk per page.
//!
//! Run: `cargo bench -p pingshen-e2e --bench poor_link --profile dev`
//! (after `scripts/build`; uses the same binaries as the UI tests).

use pingshen_e2e::{AppDriver, PlatformProcess};
use pingshen_testkit::PageLayout;
use std::time::{Duration, Instant};

const DEMO: &str = "JA-2026-0117";
const WAIT: Duration = Duration::from_secs(60);
const BYTES_PER_SEC: u64 = 500_000; // 4 Mbit/s
const ONE_WAY: Duration = Duration::from_millis(50); // 100 ms round trip
const PAGES: usize = 300;
const LONG: &str = "bid-B01-full";

fn main() -> anyhow::Result<()> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?
        .block_on(run())
}

/// “剩余约 2 分 05 秒” / “剩余约 40 秒” → seconds.
fn seconds_left(text: &str) -> Option<u64> {
    let rest = text.split("剩余约 ").nth(1)?;
    let rest = rest.split(" · ").next()?;
    let nums: Vec<u64> = rest
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .filter_map(|s| s.parse().ok())
        .collect();
    match (rest.contains("小时"), rest.contains('分'), nums.as_slice()) {
        (true, _, [h, m]) => Some(h * 3600 + m * 60),
        (false, true, [m, s]) => Some(m * 60 + s),
        (false, false, [s]) => Some(*s),
        _ => None,
    }
}

async fn run() -> anyhow::Result<()> {
    println!();
    println!(
        "poor line: {} kbit/s each way, {} ms round trip",
        BYTES_PER_SEC * 8 / 1000,
        ONE_WAY.as_millis() * 2
    );
    for layout in [PageLayout::TreeFirst, PageLayout::Interleaved] {
        measure(layout).await?;
    }
    Ok(())
}

async fn measure(layout: PageLayout) -> anyhow::Result<()> {
    let platform_dir = tempfile::tempdir()?;
    let app_dir = tempfile::tempdir()?;
    let platform = PlatformProcess::start(platform_dir.path(), true)?;
    platform.declare_no_conflict("E001", DEMO).await?;
    // The long bid joins the project as staff would add it.
    let long = pingshen_testkit::long_bid_with(PAGES, 7, layout);
    platform.add_bid_document(DEMO, LONG, "B01", "投标文件-完整版（300 页）.pdf", &long)?;

    let upstream: std::net::SocketAddr = platform
        .url
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .parse()?;
    let link = pingshen_testkit::Link::start(upstream).await?;
    link.shape(BYTES_PER_SEC, ONE_WAY);

    let app = AppDriver::launch_against(&platform, &link.url, app_dir.path()).await?;
    app.login_as(&platform, "E001", "张伟").await?;
    app.click(&format!("#open-{DEMO}")).await?;
    app.wait_text("#project-title", "解放大道", WAIT).await?;
    app.click("#tab-documents").await?;
    let bytes_before = link.stats().bytes_relayed;
    app.click("#sync-button").await?;
    let sync_start = Instant::now();

    // Open the long bid as soon as it is listed.
    let open = format!("#open-doc-{LONG}");
    app.element(&open).await?;
    let listed = sync_start.elapsed();
    let click = Instant::now();
    app.click(&open).await?;
    let total_pages = format!("第 1 / {PAGES} 页");
    app.wait_text("#page-no-a", &total_pages, WAIT).await?;
    loop {
        let drawn = !app.texts("#pdf-page-a canvas").await?.is_empty();
        let status = app.texts("#viewer-status-a").await?.concat();
        if drawn && status.is_empty() {
            break;
        }
        anyhow::ensure!(click.elapsed() < WAIT, "page 1 never drawn: {status}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let first_page = click.elapsed();
    let long_state = app
        .client
        .find(fantoccini::Locator::Css(&format!("tr[data-file='{LONG}']")))
        .await?
        .attr("data-state")
        .await?
        .unwrap_or_default();
    app.screenshot(&format!("poor-link-first-page-{layout:?}"))
        .await?;

    // The progress line every second; search once some text is searchable.
    let mut samples: Vec<(Duration, Option<u64>)> = Vec::new();
    // When the bytes were all in: the first sample no longer downloading.
    let mut download_end: Option<Duration> = None;
    let mut search: Option<(Duration, usize)> = None;
    let mut long_verified: Option<Duration> = None;
    loop {
        let text = app.texts("#sync-progress-text").await?.concat();
        let now = sync_start.elapsed();
        if text.contains("完成") {
            break;
        }
        let downloading = text.contains("剩余") || text.contains("正在估算");
        if downloading {
            samples.push((now, seconds_left(&text)));
        } else if !samples.is_empty() && download_end.is_none() {
            download_end = Some(now);
        }
        if long_verified.is_none() {
            let state = app
                .client
                .find(fantoccini::Locator::Css(&format!("tr[data-file='{LONG}']")))
                .await?
                .attr("data-state")
                .await?;
            if state.as_deref() == Some("verified") {
                long_verified = Some(now);
            }
        }
        let searchable = text
            .split("可检索 ")
            .nth(1)
            .and_then(|s| s.split(' ').next())
            .and_then(|n| n.parse::<usize>().ok())
            .unwrap_or(0);
        if search.is_none() && searchable > 0 && long_verified.is_none() {
            app.fill("#search-input", "工期").await?;
            app.click("#search-button").await?;
            app.wait_text("#search-results", "工期", WAIT).await?;
            let hits = app.texts("#search-results .search-hit").await?.len();
            search = Some((sync_start.elapsed(), hits));
        }
        anyhow::ensure!(now < Duration::from_secs(600), "sync did not finish");
        tokio::time::sleep(Duration::from_millis(1000)).await;
    }
    let sync_done = sync_start.elapsed();
    app.wait_text("#sync-summary", "已校验 8 / 8 个文件", WAIT)
        .await?;
    let long_verified = long_verified.unwrap_or(sync_done);
    let relayed = link.stats().bytes_relayed - bytes_before;
    app.screenshot(&format!("poor-link-synced-{layout:?}"))
        .await?;
    app.close().await?;

    // “Time left” against the truth: for each sample with an estimate,
    // |estimate − (download end − sample time)|, from the 10th second on.
    let download_end = download_end.unwrap_or(sync_done);
    let errors: Vec<f64> = samples
        .iter()
        .filter(|(t, _)| *t >= Duration::from_secs(10) && *t < download_end)
        .filter_map(|(t, left)| left.map(|l| (l as f64 - (download_end - *t).as_secs_f64()).abs()))
        .collect();
    let estimated = samples.iter().filter(|(_, l)| l.is_some()).count();
    let mean_error = errors.iter().sum::<f64>() / errors.len().max(1) as f64;
    let max_error = errors.iter().cloned().fold(0.0, f64::max);

    println!();
    println!(
        "project: 7 demo files + a {PAGES}-page bid of {:.1} MB, page dictionaries {layout:?}",
        long.len() as f64 / 1e6
    );
    println!(
        "long bid listed after sync start:      {:>7.2} s",
        listed.as_secs_f64()
    );
    println!(
        "click → first page drawn (syncing):    {:>7.2} s  (file state then: {long_state})",
        first_page.as_secs_f64()
    );
    println!("long bid fully verified after click:   {:>7.2} s  (what page 1 waits for without range-first reads)",
        long_verified.saturating_sub(listed).as_secs_f64());
    println!(
        "whole sync (download + index):         {:>7.2} s, {:.1} MB over the line",
        sync_done.as_secs_f64(),
        relayed as f64 / 1e6
    );
    if let Some((at, hits)) = search {
        println!("search while syncing:                  answered at {:.1} s with {hits} hits, long bid still downloading", at.as_secs_f64());
    } else {
        println!("search while syncing:                  no sample (text became searchable only at the end)");
    }
    println!("time-left samples: {} of {} with an estimate; from 10 s on, mean error {:.1} s, max {:.1} s (download took {:.1} s)",
        estimated, samples.len(), mean_error, max_error, download_end.as_secs_f64());
    Ok(())
}
