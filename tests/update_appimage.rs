//! An older build updates to a newer one, as an expert meets it: the
//! AppImage of this commit (version V) runs from the expert's folder; the
//! centre publishes the same commit stamped V+1 (`pingshen update publish`,
//! signed with the demo update key these builds trust) on the platform.
//!
//! The app shows the new version at start; a manifest changed after
//! signing is refused on the 关于/诊断 page; the genuine one is offered with
//! its notes; 下载并安装 (logged in, nothing waiting in the outbox) replaces
//! the image in place and starts it again; the process that comes up is
//! the new version, run from the same path.

use pingshen_e2e::installed::{self, run};
use pingshen_e2e::{AppDriver, PlatformProcess};
use sha2::{Digest, Sha256};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const WAIT: Duration = Duration::from_secs(60);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_older_appimage_updates_itself_to_the_newer_one_and_restarts() -> anyhow::Result<()> {
    let old_built = installed::package(".AppImage")?;
    let new_built = installed::newer_package(".AppImage")?;
    let old_version = version_of(&old_built)?;
    let new_version = version_of(&new_built)?;
    assert_ne!(old_version, new_version, "two builds of different versions");

    let scratch = tempfile::Builder::new()
        .prefix("update-appimage-")
        .tempdir_in(installed::target_dir()?)?;
    let home = scratch.path().join("home");
    let apps = home.join("Applications");
    std::fs::create_dir_all(&apps)?;
    let image = apps.join("Pingshen.AppImage");
    std::fs::copy(&old_built, &image)?;
    std::fs::set_permissions(&image, std::fs::Permissions::from_mode(0o755))?;

    // The centre publishes the newer build, first tampered with on the way
    // (the manifest's version raised after signing), then as signed.
    let platform_dir = tempfile::tempdir()?;
    let platform = PlatformProcess::start(platform_dir.path(), true)?;
    installed::hand_over(&platform, &home)?;
    let updates = platform.data_dir.join("updates");
    let notes = scratch.path().join("notes.txt");
    std::fs::write(&notes, "评分表签名前再次核对哈希；修复若干问题。\n")?;
    let out = run(Command::new(cli()?)
        .args(["update", "publish", "--key"])
        .arg(repo("packaging/demo-update-key/private.pem"))
        .args(["--version", &new_version, "--notes"])
        .arg(&notes)
        .arg("--appimage")
        .arg(&new_built)
        .arg("--out")
        .arg(&updates))?;
    assert!(out.contains(&new_version), "{out}");
    let genuine = std::fs::read_to_string(updates.join("manifest.json"))?;
    let mut tampered: serde_json::Value = serde_json::from_str(&genuine)?;
    let text = tampered["manifest"].as_str().unwrap().to_string();
    tampered["manifest"] = text.replace("修复若干问题", "请立即安装").into();
    std::fs::write(updates.join("manifest.json"), tampered.to_string())?;

    let launcher = scratch.path().join("pingshen-appimage");
    installed::appimage_launcher(
        &launcher,
        &home,
        &image,
        "-u APPIMAGE PINGSHEN_LOG_LEVEL=info",
    )?;
    let app =
        AppDriver::launch_program(&launcher, &["--platform-url".into(), platform.url.clone()])
            .await?;
    let result = drive(&app, &home, &updates, &genuine, &old_version, &new_version).await;
    if result.is_err() {
        let _ = app.screenshot("update-appimage-failed").await;
    }
    result?;

    // The image at the same path is now the newer build, whole.
    assert_eq!(sha256(&image)?, sha256(&new_built)?);
    // The app started again from it (on the same display, which lives as
    // long as the driver's session: closed only afterwards).
    let log = home.join(".local/share/pingshen/logs/pingshen-desktop.log");
    let started = Instant::now();
    let restarted = loop {
        let text = std::fs::read_to_string(&log).unwrap_or_default();
        if started_with(&text, &new_version) {
            break true;
        }
        if started.elapsed() > WAIT {
            break false;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    if restarted {
        // Time for the new window to draw its login screen, for the record.
        tokio::time::sleep(Duration::from_secs(4)).await;
        app.screen("update-restarted")?;
    }
    // Counted while the display lives: the restarted app and its helpers.
    let running = processes_of(&home).len();
    let _ = app.close().await;
    let text = std::fs::read_to_string(&log).unwrap_or_default();
    assert!(
        started_with(&text, &old_version),
        "the old version's start is logged the same way:\n{text}"
    );
    stop(&processes_of(&home));
    // Both runs' mounts are gone (the runtimes unmounted and removed them).
    let deadline = Instant::now() + Duration::from_secs(30);
    while !mount_points()?.is_empty() {
        anyhow::ensure!(
            Instant::now() < deadline,
            "left mounted: {:?}",
            mount_points()?
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    assert!(
        restarted,
        "the new version never started; log:\n{}",
        std::fs::read_to_string(&log).unwrap_or_default()
    );
    assert!(running >= 1, "the restarted app was running");
    // And what runs from that path now says so itself.
    let said = run(Command::new(&image)
        .env("APPIMAGE_EXTRACT_AND_RUN", "1")
        .env("HOME", &home)
        .arg("--version"))?;
    assert!(said.contains(&new_version), "{said}");
    platform.stop();
    Ok(())
}

async fn drive(
    app: &AppDriver,
    home: &Path,
    updates: &Path,
    genuine: &str,
    old_version: &str,
    new_version: &str,
) -> anyhow::Result<()> {
    app.wait_text("#platform-status", "平台在线", WAIT).await?;
    // The tampered manifest: no badge, and the check on the about page says why.
    app.click("#about-button").await?;
    app.wait_text("#update-error", "update_signature_invalid", WAIT)
        .await?;
    app.screenshot("update-tampered").await?;
    anyhow::ensure!(
        app.texts("#update-badge").await?.is_empty(),
        "a tampered manifest must not be announced"
    );

    // The genuine one.
    std::fs::write(updates.join("manifest.json"), genuine)?;
    app.click("#update-check").await?;
    app.wait_text("#update-version", new_version, WAIT).await?;
    app.wait_text("#update-notes", "评分表签名前再次核对哈希", WAIT)
        .await?;
    app.wait_text("#update-current", old_version, WAIT).await?;
    app.wait_text("#update-current", "AppImage", WAIT).await?;
    app.wait_text("#update-demo-key", "演示更新密钥", WAIT)
        .await?;
    app.screenshot("update-offer").await?;
    // The top bar now announces it too.
    app.wait_text("#update-badge", new_version, WAIT).await?;

    // Not logged in: refused (the outbox cannot be checked), nothing changes.
    app.click("#update-install").await?;
    app.wait_text("#update-install-error", "update_blocked_outbox", WAIT)
        .await?;
    app.click("#about-close").await?;

    let p12 = home.join("E001.p12").display().to_string();
    app.wait_text("#login", "数字证书登录", WAIT).await?;
    app.fill("#cert-path", &p12).await?;
    app.fill("#pin", "pingshen-demo").await?;
    app.click("#login-button").await?;
    app.wait_text("#user-name", "张伟", WAIT).await?;
    // From the top bar's note to the about page, then install.
    app.click("#update-badge").await?;
    app.wait_text("#update-version", new_version, WAIT).await?;
    app.click("#update-install").await?;
    app.wait_text("#update-installed", "正在重新启动", WAIT)
        .await?;
    app.screenshot("update-installed").await?;
    Ok(())
}

/// `Pingshen-<version>-<arch>.AppImage` → version.
fn version_of(image: &Path) -> anyhow::Result<String> {
    let name = image.file_name().unwrap().to_string_lossy();
    name.strip_prefix("Pingshen-")
        .and_then(|r| r.split('-').next())
        .map(str::to_string)
        .ok_or_else(|| anyhow::anyhow!("unexpected name {name}"))
}

/// Whether the desktop's log has a start line of `version`.
fn started_with(log: &str, version: &str) -> bool {
    log.lines().any(|l| {
        l.contains(" start")
            && (l.contains(&format!("version={version} "))
                || l.contains(&format!("version=\"{version}\"")))
    })
}

/// The processes whose HOME is `home` (the restarted app, its AppImage
/// runtime and WebKit helpers): nobody else runs with that folder.
fn processes_of(home: &Path) -> Vec<i32> {
    let wanted = format!("HOME={}", home.display());
    let mut pids = Vec::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<i32>() else {
            continue;
        };
        let Ok(env) = std::fs::read(entry.path().join("environ")) else {
            continue;
        };
        if env.split(|b| *b == 0).any(|kv| kv == wanted.as_bytes()) {
            pids.push(pid);
        }
    }
    pids
}

/// Stops the app as its window's close would: the processes run from the
/// image's mount get SIGTERM; the runtime's watcher then sees them gone,
/// unmounts and removes the mount point. Whatever is left after 30 s is
/// killed.
fn stop(pids: &[i32]) {
    let from_mount = |pid: &i32| {
        std::fs::read_link(format!("/proc/{pid}/exe"))
            .is_ok_and(|exe| exe.to_string_lossy().contains("/.mount_Pingshen"))
    };
    for pid in pids.iter().filter(|p| from_mount(p)) {
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(pid.to_string())
            .status();
    }
    let alive = |pid: &i32| Path::new(&format!("/proc/{pid}")).exists();
    let deadline = Instant::now() + Duration::from_secs(30);
    while pids.iter().any(alive) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(200));
    }
    for pid in pids.iter().filter(|p| alive(p)) {
        let _ = Command::new("kill")
            .arg("-KILL")
            .arg(pid.to_string())
            .status();
    }
}

/// The AppImage runtime's mount points in the temporary folder.
fn mount_points() -> anyhow::Result<Vec<PathBuf>> {
    Ok(std::fs::read_dir(std::env::temp_dir())?
        .filter_map(|e| e.ok())
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with(".mount_Pingshen")
        })
        .map(|e| e.path())
        .collect())
}

fn sha256(path: &Path) -> anyhow::Result<String> {
    Ok(hex::encode(Sha256::digest(std::fs::read(path)?)))
}

fn cli() -> anyhow::Result<PathBuf> {
    pingshen_e2e::binary("pingshen")
}

fn repo(p: &str) -> PathBuf {
    pingshen_e2e::workspace_root().join(p)
}
