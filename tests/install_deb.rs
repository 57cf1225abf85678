//! The .deb, installed into a clean Debian 12 root (debootstrap, kept as a
//! tarball in ~/.cache/pingshen and unpacked afresh) with apt-get, which
//! must find every dependency from its Depends: alone. The *installed*
//! `/usr/bin/pingshen-desktop` is then started inside that root, as the
//! user `expert`, against the sandbox platform on this machine, and driven
//! through login, document sync and one signed score sheet. `apt-get
//! remove` must then leave nothing outside the expert's data folder
//! (`~/.local/share/pingshen`): no file of the package and nothing the app
//! wrote elsewhere.
//!
//! Between the two, the centre publishes the same commit stamped one patch
//! newer (`scripts/package --version`, signed with the demo update key):
//! the installed app offers it, downloads and verifies the .deb and hands
//! it to the system installer (here a stand-in that keeps the file, as the
//! person's confirmation in the real installer is not ours to click); the
//! test checks it is the published package and installs it with apt-get as
//! that installer would, after which the installed program is the newer
//! version.

use pingshen_e2e::installed::{self, run, tree};
use pingshen_e2e::{workspace_root, AppDriver, PlatformProcess};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const WAIT: Duration = Duration::from_secs(60);

/// Mount points inside the root (mounted only in the namespace of each
/// command; on the host side they are empty folders).
const NOT_WALKED: &[&str] = &["/proc", "/sys", "/dev", "/var/cache/apt/archives"];
const DATA_DIR: &str = "/home/expert/.local/share/pingshen";

fn debian_root() -> PathBuf {
    workspace_root().join("tests/install/debian-root")
}

fn in_root(root: &Path, how: &str, args: &[&str]) -> Command {
    let mut cmd = Command::new(debian_root());
    cmd.arg(how).arg(root).args(args);
    cmd
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_deb_installs_runs_an_expert_day_and_removes_cleanly() -> anyhow::Result<()> {
    let deb = installed::package(".deb")?;
    let commit = installed::head_commit()?;
    let scratch = tempfile::Builder::new()
        .prefix("install-deb-")
        .tempdir_in(installed::target_dir()?)?;
    let root = scratch.path().join("root");

    let started = Instant::now();
    run(Command::new(debian_root()).arg("new").arg(&root))?;
    std::fs::copy(&deb, root.join("tmp/pingshen.deb"))?;
    run(in_root(&root, "run", &["apt-get", "update", "-qq"]))?;
    run(in_root(
        &root,
        "run",
        &["apt-get", "install", "-y", "-qq", "/tmp/pingshen.deb"],
    ))?;
    std::fs::remove_file(root.join("tmp/pingshen.deb"))?;
    println!(
        "installed into a fresh Debian 12 root in {:.0?}",
        started.elapsed()
    );

    // What the package put where.
    let listed = run(in_root(&root, "run", &["dpkg", "-L", "pingshen"]))?;
    let files: Vec<PathBuf> = listed
        .lines()
        .map(PathBuf::from)
        .filter(|p| root.join(p.strip_prefix("/").unwrap()).is_file())
        .collect();
    for wanted in [
        "/usr/bin/pingshen-desktop",
        "/usr/bin/pingshen",
        "/usr/share/applications/cn.pingshen.desktop.desktop",
        "/usr/share/icons/hicolor/128x128/apps/cn.pingshen.desktop.png",
    ] {
        assert!(
            files.contains(&PathBuf::from(wanted)),
            "{wanted} in {files:?}"
        );
    }
    let entry =
        std::fs::read_to_string(root.join("usr/share/applications/cn.pingshen.desktop.desktop"))?;
    assert!(entry.contains("Name[zh_CN]=评审 Pingshen"), "{entry}");
    assert!(entry.contains("Exec=pingshen-desktop"), "{entry}");
    let version = run(in_root(&root, "user", &["pingshen-desktop", "--version"]))?;
    assert!(version.contains(&commit), "built from {commit}: {version}");
    // No demo material ships: no key, certificate or PKCS#12 file.
    for f in &files {
        let name = f.to_string_lossy();
        for bad in [".p12", ".pfx", ".key", ".pem", ".crl"] {
            assert!(!name.ends_with(bad), "the package ships {name}");
        }
    }

    // The sandbox on this machine; the centre hands the expert a
    // certificate file and the recognised CAs.
    let platform_dir = tempfile::tempdir()?;
    let platform = PlatformProcess::start(platform_dir.path(), true)?;
    installed::prepare_platform(&platform).await?;
    let home = root.join("home/expert");
    installed::hand_over(&platform, &home)?;
    run(Command::new("chown").args(["-R", "1000:1000"]).arg(&home))?;
    let before = tree(&root, NOT_WALKED)?;

    // The system installer the app hands a .deb to: a stand-in that keeps
    // the file it was given (outside the tree compared below).
    let installer = root.join("usr/local/bin/system-installer");
    std::fs::write(&installer, "#!/bin/sh\ncp \"$1\" /tmp/handed-over.deb\n")?;
    std::fs::set_permissions(&installer, std::fs::Permissions::from_mode(0o755))?;

    // The installed binary, entered through the root for WebDriver.
    let launcher = scratch.path().join("pingshen-desktop-in-root");
    std::fs::write(
        &launcher,
        format!(
            "#!/bin/sh\nexec '{}' user '{}' /usr/bin/env \
             PINGSHEN_DEB_INSTALLER=/usr/local/bin/system-installer \
             /usr/bin/pingshen-desktop \"$@\"\n",
            debian_root().display(),
            root.display()
        ),
    )?;
    std::fs::set_permissions(&launcher, std::fs::Permissions::from_mode(0o755))?;
    let app =
        AppDriver::launch_program(&launcher, &["--platform-url".into(), platform.url.clone()])
            .await?;
    installed::expert_day(&app, "/home/expert/E001.p12", "install-deb").await?;

    // The update, published while the expert works; the sheet is delivered,
    // so nothing waits in the outbox.
    let newer = installed::newer_package(".deb")?;
    let new_version = newer
        .file_name()
        .and_then(|n| n.to_str())
        .and_then(|n| n.split('_').nth(1))
        .unwrap()
        .to_string();
    let notes = scratch.path().join("notes.txt");
    std::fs::write(&notes, "修复若干问题。\n")?;
    run(Command::new(pingshen_e2e::binary("pingshen")?)
        .args(["update", "publish", "--key"])
        .arg(workspace_root().join("packaging/demo-update-key/private.pem"))
        .args(["--version", &new_version, "--notes"])
        .arg(&notes)
        .arg("--deb")
        .arg(&newer)
        .arg("--out")
        .arg(platform.data_dir.join("updates")))?;
    app.click("#about-button").await?;
    app.click("#update-check").await?;
    app.wait_text("#update-version", &new_version, WAIT).await?;
    app.wait_text("#update-current", "deb 安装包", WAIT).await?;
    app.click("#update-install").await?;
    app.wait_text("#update-installed", "已交给系统安装程序", WAIT)
        .await?;
    app.screenshot("install-deb-update-handed-over").await?;
    app.close().await?;
    installed::sheet_received(&platform).await?;
    wait_for_no_process_in(&root, Duration::from_secs(30))?;
    let handed = root.join("tmp/handed-over.deb");
    anyhow::ensure!(
        std::fs::read(&handed)? == std::fs::read(&newer)?,
        "the installer was handed the published package"
    );
    run(in_root(
        &root,
        "run",
        &["apt-get", "install", "-y", "-qq", "/tmp/handed-over.deb"],
    ))?;
    // The stand-in installer is the test's, not something the app left.
    std::fs::remove_file(&handed)?;
    std::fs::remove_file(&installer)?;
    let version = run(in_root(&root, "user", &["pingshen-desktop", "--version"]))?;
    assert!(version.contains(&new_version), "updated: {version}");
    let status = run(in_root(&root, "run", &["dpkg-query", "-W", "pingshen"]))?;
    assert_eq!(status.trim(), format!("pingshen\t{new_version}"));
    assert!(
        root.join(DATA_DIR.trim_start_matches('/'))
            .join("trust")
            .is_dir(),
        "the app kept its data in ~/.local/share/pingshen"
    );

    run(in_root(
        &root,
        "run",
        &["apt-get", "remove", "-y", "-qq", "pingshen"],
    ))?;
    let after = tree(&root, NOT_WALKED)?;
    for f in &files {
        assert!(
            !after.contains(f),
            "{} is left after apt-get remove",
            f.display()
        );
    }
    let left = installed::left_behind(&before, &after, Path::new(DATA_DIR));
    assert!(
        left.is_empty(),
        "left outside {DATA_DIR} after running and apt-get remove: {left:#?}"
    );
    platform.stop();
    Ok(())
}

/// Waits until no process has its root in `root` (the app and its web
/// and worker processes have exited).
fn wait_for_no_process_in(root: &Path, timeout: Duration) -> anyhow::Result<()> {
    let root = root.canonicalize()?;
    let deadline = Instant::now() + timeout;
    loop {
        let inside: Vec<String> = std::fs::read_dir("/proc")?
            .filter_map(|e| e.ok())
            .filter(|e| {
                e.file_name()
                    .to_string_lossy()
                    .bytes()
                    .all(|b| b.is_ascii_digit())
            })
            .filter(|e| std::fs::read_link(e.path().join("root")).is_ok_and(|r| r == root))
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        if inside.is_empty() {
            return Ok(());
        }
        anyhow::ensure!(
            Instant::now() < deadline,
            "processes still running in the root: {inside:?}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}
