// The Tauri config lives at the repository root; our own commands are put
// under the ACL, so the capability file must allow each one explicitly.
// Both the ACL manifest and the capability file come from the one command
// table in `pingshen_api::ipc` (`tests/command_table.rs` checks the
// committed capability file against it).

use pingshen_api::ipc::{capability_file, ALL_COMMANDS};

fn main() {
    // Rewritten only when the table changed, so a clean tree stays clean.
    let path = std::path::Path::new("capabilities/main.json");
    let wanted = capability_file(ALL_COMMANDS);
    if std::fs::read_to_string(path).ok().as_deref() != Some(wanted.as_str()) {
        if let Err(e) = std::fs::write(path, &wanted) {
            panic!("cannot write {}: {e}", path.display());
        }
    }
    // The commit the build was made from, shown by `--version` and on the
    // about page (the same for every build of a commit; outside git:
    // "unknown").
    if let Some(commit) = git(&["rev-parse", "--short=12", "HEAD"]) {
        println!("cargo:rustc-env=PINGSHEN_COMMIT={commit}");
    }
    println!("cargo:rerun-if-env-changed=PINGSHEN_VERSION");
    println!("cargo:rerun-if-changed=../.git/HEAD");
    println!("cargo:rerun-if-changed=../.git/refs/heads");
    let attrs = tauri_build::Attributes::new()
        .app_manifest(tauri_build::AppManifest::new().commands(ALL_COMMANDS));
    if let Err(e) = tauri_build::try_build(attrs.config_path("../tauri.conf.json")) {
        panic!("tauri build failed: {e:#}");
    }
}

/// `git ARGS` in the repository, trimmed; `None` when git cannot answer.
fn git(args: &[&str]) -> Option<String> {
    let out = std::process::Command::new("git")
        .args(args)
        .current_dir("..")
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}
