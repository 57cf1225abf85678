//! The packages `scripts/package` built, installed as an expert installs
//! them, and the expert's day that the install tests drive in the installed
//! app: certificate login, document sync (the PDF worker indexes every
//! file: search finds a term on its page) and one signed score sheet with
//! the platform's verified receipt.

use crate::paths::workspace_root;
use crate::{AppDriver, PlatformProcess};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(60);
/// The demo project, with its seven documents.
pub const DEMO: &str = "JA-2026-0117";
/// The two-bidder project the expert scores and signs.
pub const SMALL: &str = "UI-INSTALL-1";
const SMALL_NAME: &str = "黄浦大街人行道改造工程";

/// The cargo target directory the test runs from.
pub fn target_dir() -> anyhow::Result<PathBuf> {
    let exe = std::env::current_exe()?;
    exe.ancestors()
        .nth(3)
        .map(Path::to_path_buf)
        .ok_or_else(|| anyhow::anyhow!("unexpected test binary location {}", exe.display()))
}

/// The one package in `<target>/packages` whose name ends with `suffix`
/// (`.deb`, `.AppImage`), built from the commit checked out.
pub fn package(suffix: &str) -> anyhow::Result<PathBuf> {
    package_in("packages", suffix)
}

/// The same from `<target>/packages-next`: the same commit stamped one
/// patch version newer (`scripts/package --version`), which the update
/// test publishes.
pub fn newer_package(suffix: &str) -> anyhow::Result<PathBuf> {
    package_in("packages-next", suffix)
}

fn package_in(folder: &str, suffix: &str) -> anyhow::Result<PathBuf> {
    let dir = target_dir()?.join(folder);
    let found: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map_err(|e| anyhow::anyhow!("{}: {e} (run scripts/package first)", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(suffix))
        .collect();
    anyhow::ensure!(
        found.len() == 1,
        "expected one *{suffix} in {}, found {found:?} (run scripts/package)",
        dir.display()
    );
    Ok(found[0].clone())
}

/// The commit checked out (what `--version` of a fresh package names).
pub fn head_commit() -> anyhow::Result<String> {
    let out = Command::new("git")
        .args(["rev-parse", "--short=12", "HEAD"])
        .current_dir(workspace_root())
        .output()?;
    anyhow::ensure!(out.status.success(), "git rev-parse failed");
    Ok(String::from_utf8(out.stdout)?.trim().to_string())
}

/// Runs a command, failing with its output unless it succeeds; its stdout.
pub fn run(mut cmd: impl std::borrow::BorrowMut<Command>) -> anyhow::Result<String> {
    let cmd = cmd.borrow_mut();
    let out = cmd.output()?;
    anyhow::ensure!(
        out.status.success(),
        "{cmd:?} failed ({}):\n{}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    Ok(String::from_utf8(out.stdout)?)
}

/// Every path under `root` (relative, `/`-rooted), not descending into
/// `skip` (relative to `root`); symbolic links are listed, not followed.
pub fn tree(root: &Path, skip: &[&str]) -> anyhow::Result<BTreeSet<PathBuf>> {
    let mut out = BTreeSet::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir)? {
            let entry = entry?;
            let path = entry.path();
            let rel = Path::new("/").join(path.strip_prefix(root)?);
            if skip.iter().any(|s| rel == Path::new(s)) {
                continue;
            }
            if entry.file_type()?.is_dir() {
                stack.push(path);
            }
            out.insert(rel);
        }
    }
    Ok(out)
}

/// What is in `after` and not in `before`, outside `allowed` (and its
/// parents' chain): the files an installation left behind.
pub fn left_behind(
    before: &BTreeSet<PathBuf>,
    after: &BTreeSet<PathBuf>,
    allowed: &Path,
) -> Vec<PathBuf> {
    after
        .difference(before)
        .filter(|p| !p.starts_with(allowed))
        .cloned()
        .collect()
}

/// Staff set up the project the expert scores: two bidders, E001 assigned.
pub async fn prepare_platform(platform: &PlatformProcess) -> anyhow::Result<()> {
    platform
        .small_project(
            SMALL,
            SMALL_NAME,
            rust_decimal::Decimal::new(279500000, 2),
            &["E001"],
        )
        .await?;
    Ok(())
}

/// The expert's day in the installed app, as E001 (张伟) with the
/// certificate file at `p12` (a path as the app sees it): login, the demo
/// project's documents synced and searched, then the small project's sheet
/// scored, signed and receipted. Screenshots are named `{shot}-…`.
pub async fn expert_day(app: &AppDriver, p12: &str, shot: &str) -> anyhow::Result<()> {
    app.wait_text("#platform-status", "平台在线", WAIT).await?;
    app.wait_text("#login", "数字证书登录", WAIT).await?;
    app.fill("#cert-path", p12).await?;
    app.fill("#pin", "pingshen-demo").await?;
    app.click("#login-button").await?;
    app.wait_text("#user-name", "张伟", WAIT).await?;

    // Document sync: every file verified against the signed manifest and
    // indexed by the PDF worker (the installed binary run again).
    app.open_and_declare(DEMO, "解放大道").await?;
    app.click("#tab-documents").await?;
    app.click("#sync-button").await?;
    app.wait_text("#sync-summary", "已校验 7 / 7 个文件", WAIT)
        .await?;
    app.fill("#search-input", "低副").await?;
    app.click("#search-button").await?;
    app.wait_text("#search-results", "第 19 页", WAIT).await?;
    app.screenshot(&format!("{shot}-synced")).await?;

    // One signed score sheet: declaration, leader, full marks, sign, receipt.
    app.click("#back-to-projects").await?;
    app.open_and_declare(SMALL, SMALL_NAME).await?;
    app.wait_text("#vote-E001", "推选为组长", WAIT).await?;
    app.click("#vote-E001").await?;
    app.wait_text("#leader", "评标组长：张伟", WAIT).await?;
    app.full_marks(&["B01", "B02"]).await?;
    app.sign_and_submit().await?;
    app.wait_text("#receipt", "平台签名回执已验证", WAIT)
        .await?;
    app.screenshot(&format!("{shot}-receipt")).await?;
    Ok(())
}

/// A script at `path` that starts the AppImage `image` as the expert whose
/// home is `home` (the developer's XDG folders and data folder unset),
/// with `env` (`NAME=value` words) added.
pub fn appimage_launcher(path: &Path, home: &Path, image: &Path, env: &str) -> anyhow::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::write(
        path,
        format!(
            "#!/bin/sh\nexec env -u XDG_DATA_HOME -u XDG_CACHE_HOME -u XDG_CONFIG_HOME \
             -u XDG_RUNTIME_DIR -u PINGSHEN_DATA_DIR {env} HOME='{}' '{}' \"$@\"\n",
            home.display(),
            image.display()
        ),
    )?;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))?;
    Ok(())
}

/// The platform holds E001's signed sheet for the small project.
pub async fn sheet_received(platform: &PlatformProcess) -> anyhow::Result<()> {
    let panel = platform.client_as("E001").await?.panel(SMALL).await?;
    let me = panel
        .members
        .iter()
        .find(|m| m.id == "E001")
        .ok_or_else(|| anyhow::anyhow!("E001 not on the panel"))?;
    anyhow::ensure!(me.sheet_version == Some(1), "sheet: {:?}", me.sheet_version);
    Ok(())
}

/// Copies the certificate file and the recognised CAs (the demo PKI's
/// `trust/` and `crl/`, never its keys) as a centre hands them to an
/// expert: the .p12 to `home/E001.p12`, the CAs into the app's default
/// trust folder `home/.local/share/pingshen/trust`.
pub fn hand_over(platform: &PlatformProcess, home: &Path) -> anyhow::Result<()> {
    let pki = platform.pki_dir();
    std::fs::copy(pki.join("people/E001.p12"), home.join("E001.p12"))?;
    let trust = home.join(".local/share/pingshen/trust");
    for sub in ["trust", "crl"] {
        std::fs::create_dir_all(trust.join(sub))?;
        for f in std::fs::read_dir(pki.join(sub))? {
            let f = f?;
            std::fs::copy(f.path(), trust.join(sub).join(f.file_name()))?;
        }
    }
    Ok(())
}
