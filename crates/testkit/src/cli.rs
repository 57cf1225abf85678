//! The workspace's binaries run as a user runs them, and the files tests
//! feed them.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository's root.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A file under `assets/`, e.g. `asset("rules/procurement.toml")`.
pub fn asset(path: &str) -> PathBuf {
    repo().join("assets").join(path)
}

/// The workspace binary `name` (built beside the test binary: cargo builds
/// a package's binaries before its integration tests; other packages'
/// binaries must be built first, as `scripts/build` and `.ci/run` do).
pub fn bin(name: &str) -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let path = exe.parent().unwrap().parent().unwrap().join(name);
    assert!(
        path.is_file(),
        "{} missing: build it first (cargo build --bins)",
        path.display()
    );
    path
}

/// `pingshen ARGS…` with its output.
pub fn pingshen(args: &[&str]) -> Output {
    Command::new(bin("pingshen"))
        .args(args)
        .output()
        .expect("run pingshen")
}

/// The exit code and the JSON a command printed on stdout; panics, showing
/// both streams, when stdout is not JSON.
pub fn exit_and_json(out: &Output) -> (i32, Value) {
    let code = out.status.code().unwrap();
    let json = serde_json::from_slice(&out.stdout).unwrap_or_else(|_| {
        panic!(
            "not JSON (exit {code}): {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (code, json)
}

/// A fresh, empty folder for one test, under the target directory (see
/// `pingshen_platform::running::test_dir`: never the shared /tmp, removed
/// when the binary exits).
pub fn scratch(group: &str, test: &str) -> PathBuf {
    let dir = pingshen_platform::running::test_dir(group)
        .unwrap()
        .join(test);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A path as the `&str` a command line takes.
pub fn arg(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// `pingshen verify FILE` trusting the CAs in `trust` (a demo PKI's
/// `trust/`) with the platform certificate beside it pinned; its exit code
/// and JSON report.
pub fn verify(trust: &Path, file: &Path) -> (i32, Value) {
    let platform_cert = trust.parent().unwrap().join("platform/platform.pem");
    let out = Command::new(bin("pingshen"))
        .arg("verify")
        .arg("--trust")
        .arg(trust)
        .arg("--platform-cert")
        .arg(platform_cert)
        .arg(file)
        .output()
        .unwrap();
    exit_and_json(&out)
}

/// Writes `value` as JSON to `dir/name` and returns the path.
pub fn write_json(dir: &Path, name: &str, value: &impl serde::Serialize) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, serde_json::to_vec(value).unwrap()).unwrap();
    path
}

/// The municipal template with 企业信用评价 computed from credit records.
pub fn municipal_rules_with_credit() -> String {
    let text = std::fs::read_to_string(asset("rules/municipal-construction.toml")).unwrap();
    let start = text.find("[[factors]]\nid = \"biz.credit\"").unwrap();
    let end = text[start..].find("# ----------------").unwrap() + start;
    let credit = r#"[[factors]]
id = "biz.credit"
name = "企业信用评价"
group = "business"
kind = "credit"
max = "3"
objective = true
guidance = "按平台发布的信用记录计算"

[factors.credit]
grades = [{ grade = "AAA", points = "3" }, { grade = "AA", points = "2" }, { grade = "A", points = "1" }]
ungraded_points = "0"
per_record = "1"
lookback_days = 365
cap = "2"

"#;
    format!("{}{}{}", &text[..start], credit, &text[end..])
}
