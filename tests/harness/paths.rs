use std::path::PathBuf;

/// The repository root.
pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}

/// A binary of this workspace, built by the same `cargo` invocation's
/// profile: test executables live in `<target>/<profile>/deps/`.
pub fn binary(name: &str) -> anyhow::Result<PathBuf> {
    let exe = std::env::current_exe()?;
    let profile_dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .ok_or_else(|| anyhow::anyhow!("unexpected test binary location {}", exe.display()))?;
    let path = profile_dir.join(name);
    anyhow::ensure!(
        path.is_file(),
        "{} not found: build it first (cargo build -p {name} or scripts/test)",
        path.display()
    );
    Ok(path)
}

/// Where UI tests save screenshots for a person to look at.
pub fn screenshot_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap_or_default();
    let dir = exe
        .parent()
        .and_then(|d| d.parent())
        .and_then(|d| d.parent())
        .map(|target| target.join("ui-screenshots"))
        .unwrap_or_else(|| std::env::temp_dir().join("pingshen-ui-screenshots"));
    let _ = std::fs::create_dir_all(&dir);
    dir
}
