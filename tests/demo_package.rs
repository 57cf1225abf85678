//! The auditor's one command, as the README gives it: `pingshen-platform
//! demo-package --out DIR` runs a complete demo evaluation and writes the
//! package and the certificates to trust; `pingshen verify` on them says
//! intact. The sandbox with its private demo keys does not outlive the run.

use pingshen_e2e::binary;
use std::process::Command;

#[test]
fn the_demo_package_verifies_with_the_written_trust() -> anyhow::Result<()> {
    let out = tempfile::tempdir()?;
    let made = Command::new(binary("pingshen-platform")?)
        .args(["demo-package", "--out"])
        .arg(out.path())
        .output()?;
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let said = String::from_utf8_lossy(&made.stdout);
    assert!(said.contains("pingshen verify"), "{said}");
    let trust = out.path().join("trust");
    assert!(trust.join("platform.pem").is_file());
    assert!(
        !out.path().join(".sandbox").exists(),
        "the sandbox is removed"
    );
    let keys: Vec<_> = walk(out.path())
        .into_iter()
        .filter(|p| {
            let n = p.to_string_lossy();
            n.ends_with(".p12") || n.ends_with(".key.pem")
        })
        .collect();
    assert!(keys.is_empty(), "no private key left behind: {keys:?}");

    let verified = Command::new(binary("pingshen")?)
        .args(["verify", "--trust"])
        .arg(&trust)
        .arg("--platform-cert")
        .arg(trust.join("platform.pem"))
        .arg(out.path().join("package.json"))
        .output()?;
    let report: serde_json::Value = serde_json::from_slice(&verified.stdout)?;
    assert_eq!(verified.status.code(), Some(0), "{report:#}");
    assert_eq!(report["code"], "intact");
    assert_eq!(report["checked"]["sheets"], 5);
    assert_eq!(report["checked"]["report_signatures"], 5);
    assert_eq!(report["checked"]["leader_votes"], 5);
    Ok(())
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}
