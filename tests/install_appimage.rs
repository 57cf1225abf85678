//! The AppImage on this machine, as an expert runs it: downloaded into a
//! folder, started with their HOME. It is an AppImage of type 2 (the magic
//! at offset 8, a squashfs image after the runtime) holding the same
//! binaries as the .deb; `--appimage-extract` writes its tree; with
//! `APPIMAGE_EXTRACT_AND_RUN=1` it runs from an extraction cached by the
//! image's hash; by default it mounts itself with squashfuse and is driven
//! through login, document sync and one signed score sheet. After it exits
//! the mount is gone, and nothing is left outside the expert's data folder
//! (`~/.local/share/pingshen`).

use pingshen_e2e::installed::{self, run, tree};
use pingshen_e2e::{AppDriver, PlatformProcess};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_appimage_extracts_runs_an_expert_day_and_leaves_nothing_behind() -> anyhow::Result<()>
{
    let built = installed::package(".AppImage")?;
    let deb = installed::package(".deb")?;
    let commit = installed::head_commit()?;
    let scratch = tempfile::Builder::new()
        .prefix("install-appimage-")
        .tempdir_in(installed::target_dir()?)?;
    let home = scratch.path().join("home");
    let downloads = scratch.path().join("downloads");
    std::fs::create_dir_all(&home)?;
    std::fs::create_dir_all(&downloads)?;
    let image = downloads.join(built.file_name().unwrap());
    std::fs::copy(&built, &image)?;
    std::fs::set_permissions(&image, std::fs::Permissions::from_mode(0o755))?;

    // Type 2: an ELF with "AI\x02" at offset 8.
    let bytes = std::fs::read(&image)?;
    assert_eq!(&bytes[..4], b"\x7fELF");
    assert_eq!(&bytes[8..11], b"AI\x02", "AppImage type-2 magic");

    // --appimage-extract: the same binaries and entry as the .deb's.
    let extract = scratch.path().join("extract");
    std::fs::create_dir_all(&extract)?;
    run(Command::new(&image)
        .arg("--appimage-extract")
        .current_dir(&extract))?;
    let tree_dir = extract.join("squashfs-root");
    let deb_dir = scratch.path().join("deb");
    run(Command::new("dpkg-deb").arg("-x").arg(&deb).arg(&deb_dir))?;
    for f in [
        "usr/bin/pingshen-desktop",
        "usr/bin/pingshen",
        "usr/share/applications/cn.pingshen.desktop.desktop",
        "usr/share/icons/hicolor/128x128/apps/cn.pingshen.desktop.png",
    ] {
        assert!(
            std::fs::read(tree_dir.join(f))? == std::fs::read(deb_dir.join(f))?,
            "{f} differs between the AppImage and the .deb"
        );
    }
    assert!(tree_dir.join("AppRun").is_file());
    assert!(tree_dir.join("cn.pingshen.desktop.desktop").is_file());
    assert!(tree_dir.join(".DirIcon").exists());

    // Without FUSE (forced here): extracted once into the cache, keyed by
    // the image's hash, and run from there; `--cli` runs the CLI.
    let as_expert = |cmd: &mut Command| {
        cmd.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", &home);
    };
    let mut cli = Command::new(&image);
    as_expert(&mut cli);
    cli.env("APPIMAGE_EXTRACT_AND_RUN", "1")
        .args(["--cli", "--version"]);
    let version = run(&mut cli)?;
    assert!(version.starts_with("pingshen "), "{version}");
    let cache = home.join(".cache/pingshen-appimage");
    let entries: Vec<_> = std::fs::read_dir(&cache)?.collect::<Result<_, _>>()?;
    assert_eq!(entries.len(), 1, "one extraction: {entries:?}");
    let name = entries[0].file_name().to_string_lossy().into_owned();
    assert!(
        name.len() == 16 && name.bytes().all(|b| b.is_ascii_hexdigit()),
        "{name}"
    );
    let mut desktop = Command::new(&image);
    as_expert(&mut desktop);
    desktop
        .env("APPIMAGE_EXTRACT_AND_RUN", "1")
        .arg("--version");
    let version = run(&mut desktop)?;
    assert!(version.contains(&commit), "built from {commit}: {version}");
    // The extraction is the expert's to delete with the AppImage.
    std::fs::remove_dir_all(home.join(".cache"))?;

    // The expert's day, mounted with squashfuse.
    let platform_dir = tempfile::tempdir()?;
    let platform = PlatformProcess::start(platform_dir.path(), true)?;
    installed::prepare_platform(&platform).await?;
    installed::hand_over(&platform, &home)?;
    let before = tree(&home, &[])?;
    let mounts_before = image_mounts()?;
    let launcher = scratch.path().join("pingshen-appimage");
    installed::appimage_launcher(&launcher, &home, &image, "")?;
    let app =
        AppDriver::launch_program(&launcher, &["--platform-url".into(), platform.url.clone()])
            .await?;
    let p12 = home.join("E001.p12").display().to_string();
    let mounted = image_mounts()?;
    assert_eq!(
        mounted.len(),
        mounts_before.len() + 1,
        "the AppImage runs from its squashfuse mount: {mounted:?}"
    );
    installed::expert_day(&app, &p12, "install-appimage").await?;
    app.close().await?;
    installed::sheet_received(&platform).await?;

    // Unmounted and its mount point removed once the app has gone.
    let deadline = Instant::now() + Duration::from_secs(30);
    while image_mounts()?.len() > mounts_before.len() {
        anyhow::ensure!(
            Instant::now() < deadline,
            "still mounted: {:?}",
            image_mounts()?
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    let mount_points: Vec<_> = std::fs::read_dir(std::env::temp_dir())?
        .filter_map(|e| e.ok())
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with(".mount_Pingshen")
        })
        .map(|e| e.path())
        .collect();
    assert!(
        mount_points.is_empty(),
        "mount points left: {mount_points:?}"
    );

    // "Removing" an AppImage is deleting the file: nothing else is left.
    std::fs::remove_file(&image)?;
    let after = tree(&home, &[])?;
    let left = installed::left_behind(&before, &after, Path::new("/.local/share/pingshen"));
    assert!(
        left.is_empty(),
        "left in HOME outside ~/.local/share/pingshen: {left:#?}"
    );
    assert!(home.join(".local/share/pingshen/trust").is_dir());
    platform.stop();
    Ok(())
}

/// The squashfuse mounts of Pingshen AppImages on this machine.
fn image_mounts() -> anyhow::Result<Vec<String>> {
    Ok(std::fs::read_to_string("/proc/self/mounts")?
        .lines()
        .filter(|l| l.contains(".mount_Pingshen"))
        .map(str::to_string)
        .collect())
}
