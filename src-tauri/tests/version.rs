//! `pingshen-desktop --version`: what a help desk asks for first. It answers
//! without a display, a platform or a data folder, and names the commit the
//! build was made from.

use std::process::Command;

#[test]
fn version_names_the_release_and_the_commit_and_starts_nothing() {
    let out = Command::new(env!("CARGO_BIN_EXE_pingshen-desktop"))
        .arg("--version")
        // No display: the window must not even be tried.
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let text = String::from_utf8(out.stdout).unwrap();
    let head = git(&["rev-parse", "--short=12", "HEAD"]);
    assert_eq!(
        text.trim(),
        format!("pingshen-desktop {} ({head})", env!("CARGO_PKG_VERSION"))
    );
}

fn git(args: &[&str]) -> String {
    let out = Command::new("git")
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}
