//! How light the window is: the desktop app started under Xvfb against the
//! sandbox platform, measured
//! - from the app process's start (its start time in /proc) to the login
//!   screen being interactive (the login button present and the form shown);
//! - the memory of the app and its WebKit processes (PSS and RSS from
//!   /proc/PID/smaps_rollup, summed over the app's process tree), (a) at the
//!   login screen and (b) after a sync, a search and a 300-page bid opened
//!   in the viewer with its first page drawn.
//!
//! Run with the release build (what an expert installs):
//! `scripts/build --release && cargo bench -p pingshen-e2e --bench window`
//! or with the binaries the UI tests use:
//! `cargo bench -p pingshen-e2e --bench window --profile dev`.

use pingshen_e2e::{binary, AppDriver, PlatformProcess};
use std::path::Path;
use std::time::{Duration, Instant};

const DEMO: &str = "JA-2026-0117";
const WAIT: Duration = Duration::from_secs(120);
const PAGES: usize = 300;
const LONG: &str = "bid-B01-full";

fn main() -> anyhow::Result<()> {
    // The app as it runs for an expert: without accelerated compositing
    // (the UI tests' harness keeps it on for WebKitWebDriver's screenshots
    // unless this is set). Set before any thread starts.
    std::env::set_var("WEBKIT_DISABLE_COMPOSITING_MODE", "1");
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?
        .block_on(run())
}

/// One process of the app's tree and its memory in KiB.
struct Usage {
    name: String,
    pss_kib: u64,
    rss_kib: u64,
}

fn children_of(pid: u32) -> Vec<u32> {
    let mut out = Vec::new();
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return out;
    };
    for task in tasks.flatten() {
        let path = task.path().join("children");
        if let Ok(text) = std::fs::read_to_string(path) {
            out.extend(
                text.split_whitespace()
                    .filter_map(|p| p.parse::<u32>().ok()),
            );
        }
    }
    out
}

fn comm(pid: u32) -> String {
    std::fs::read_to_string(format!("/proc/{pid}/comm"))
        .map(|s| s.trim().to_string())
        .unwrap_or_default()
}

/// The `pingshen-desktop` process started (through tauri-driver and
/// WebKitWebDriver) by this bench.
fn app_pid() -> Option<u32> {
    let mut queue = vec![std::process::id()];
    while let Some(pid) = queue.pop() {
        for child in children_of(pid) {
            if comm(child).starts_with("pingshen-deskto") {
                return Some(child);
            }
            queue.push(child);
        }
    }
    None
}

fn rollup(pid: u32) -> Option<(u64, u64)> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).ok()?;
    let field = |name: &str| {
        text.lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse::<u64>().ok())
    };
    Some((field("Pss:")?, field("Rss:")?))
}

/// The app and every process below it (WebKit's web and network processes).
fn app_tree(root: u32) -> Vec<Usage> {
    let mut out = Vec::new();
    let mut queue = vec![root];
    while let Some(pid) = queue.pop() {
        if let Some((pss_kib, rss_kib)) = rollup(pid) {
            out.push(Usage {
                name: comm(pid),
                pss_kib,
                rss_kib,
            });
        }
        queue.extend(children_of(pid));
    }
    out
}

/// With `PINGSHEN_WINDOW_SMAPS=<dir>`, saves each process's
/// `/proc/PID/smaps` there as `<label>-<name>.smaps` (for a per-mapping
/// breakdown: heap, JIT, fonts, GPU buffers).
fn save_smaps(label: &str, root: u32) {
    let Some(dir) = std::env::var_os("PINGSHEN_WINDOW_SMAPS") else {
        return;
    };
    let _ = std::fs::create_dir_all(&dir);
    let mut queue = vec![root];
    while let Some(pid) = queue.pop() {
        if let Ok(text) = std::fs::read_to_string(format!("/proc/{pid}/smaps")) {
            let file = Path::new(&dir).join(format!("{label}-{}-{pid}.smaps", comm(pid)));
            let _ = std::fs::write(file, text);
        }
        queue.extend(children_of(pid));
    }
}

fn report(label: &str, usage: &[Usage]) {
    let pss: u64 = usage.iter().map(|u| u.pss_kib).sum();
    let rss: u64 = usage.iter().map(|u| u.rss_kib).sum();
    let parts: Vec<String> = usage
        .iter()
        .map(|u| {
            format!(
                "{} {:.0}/{:.0}",
                u.name,
                u.pss_kib as f64 / 1024.0,
                u.rss_kib as f64 / 1024.0
            )
        })
        .collect();
    println!(
        "{label}: PSS {:.0} MB, RSS {:.0} MB  (PSS/RSS MB: {})",
        pss as f64 / 1024.0,
        rss as f64 / 1024.0,
        parts.join(", ")
    );
}

/// Seconds since the process started, from /proc (start time in clock
/// ticks after boot) and /proc/uptime.
fn process_age(pid: u32) -> anyhow::Result<Duration> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))?;
    // Fields after the command name (which may hold spaces) start at ')'.
    let after = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest)
        .ok_or_else(|| anyhow::anyhow!("unexpected /proc/{pid}/stat"))?;
    let start_ticks: f64 = after
        .split_whitespace()
        .nth(19)
        .ok_or_else(|| anyhow::anyhow!("no start time in /proc/{pid}/stat"))?
        .parse()?;
    let ticks = unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as f64;
    let uptime: f64 = std::fs::read_to_string("/proc/uptime")?
        .split_whitespace()
        .next()
        .unwrap_or("0")
        .parse()?;
    Ok(Duration::from_secs_f64(
        (uptime - start_ticks / ticks).max(0.0),
    ))
}

fn wasm_size(dist: &Path) -> Option<u64> {
    std::fs::read_dir(dist)
        .ok()?
        .flatten()
        .find(|e| e.file_name().to_string_lossy().ends_with("_bg.wasm"))
        .and_then(|e| e.metadata().ok())
        .map(|m| m.len())
}

async fn run() -> anyhow::Result<()> {
    let desktop = binary("pingshen-desktop")?;
    let dist = pingshen_e2e::workspace_root().join("ui/dist");
    println!(
        "\nwindow: {} ({} MB), UI wasm {:.1} MB",
        desktop.display(),
        std::fs::metadata(&desktop)?.len() / (1024 * 1024),
        wasm_size(&dist).unwrap_or(0) as f64 / (1024.0 * 1024.0)
    );
    let platform_dir = tempfile::tempdir()?;
    let app_dir = tempfile::tempdir()?;
    let platform = PlatformProcess::start(platform_dir.path(), true)?;
    platform.declare_no_conflict("E001", DEMO).await?;
    let long = pingshen_testkit::long_bid_with(PAGES, 7, pingshen_testkit::PageLayout::TreeFirst);
    platform.add_bid_document(DEMO, LONG, "B01", "投标文件-完整版（300 页）.pdf", &long)?;

    let url = platform.url.clone();
    let app = AppDriver::launch_against(&platform, &url, app_dir.path()).await?;
    let pid = app_pid().ok_or_else(|| anyhow::anyhow!("no pingshen-desktop process found"))?;
    // Interactive: the login form and its button are there.
    let polled = Instant::now();
    loop {
        let ready = !app.texts("#login-button").await?.is_empty()
            && app.texts("#login").await?.concat().contains("数字证书登录");
        if ready {
            break;
        }
        anyhow::ensure!(polled.elapsed() < WAIT, "login screen never appeared");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let interactive = process_age(pid)?;
    println!(
        "start → interactive login screen: {:.2} s (from the app process's start)",
        interactive.as_secs_f64()
    );
    // Let the page settle (fonts, first paint) before reading memory.
    tokio::time::sleep(Duration::from_secs(2)).await;
    report("at login", &app_tree(pid));
    save_smaps("login", pid);

    app.login_as(&platform, "E001", "张伟").await?;
    app.click(&format!("#open-{DEMO}")).await?;
    app.wait_text("#project-title", "解放大道", WAIT).await?;
    app.click("#tab-documents").await?;
    app.click("#sync-button").await?;
    app.wait_text("#sync-summary", "已校验 8 / 8 个文件", WAIT)
        .await?;
    app.fill("#search-input", "工期").await?;
    app.click("#search-button").await?;
    app.wait_text("#search-results", "工期", WAIT).await?;
    app.click(&format!("#open-doc-{LONG}")).await?;
    app.wait_text("#page-no-a", &format!("第 1 / {PAGES} 页"), WAIT)
        .await?;
    let opened = Instant::now();
    loop {
        let drawn = !app.texts("#pdf-page-a canvas").await?.is_empty();
        let status = app.texts("#viewer-status-a").await?.concat();
        if drawn && status.is_empty() {
            break;
        }
        anyhow::ensure!(opened.elapsed() < WAIT, "page 1 never drawn: {status}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    report("300-page bid open after a search", &app_tree(pid));
    save_smaps("bid", pid);
    app.screenshot("window-bench-bid-open").await?;
    app.close().await?;
    platform.stop();
    Ok(())
}
