//! `pingshen verify --trust DIR --platform-cert FP|PEM PACKAGE.json`: an
//! evaluation package (评标档案包), recognised by its `format`, is verified
//! as a whole by `pingshen-audit`: every signature and receipt, that nothing
//! the signed panel record requires is missing, and every number recomputed
//! from signed inputs (docs/package.md).
//!
//! Prints `{ok, code, project, checked, problems: [{code, member, who,
//! message}]}`; exits 0 only when the package is complete and intact.

use pingshen_pki::{PkiError, PlatformPins, TrustStore};

pub fn is_evaluation_package(bytes: &[u8]) -> bool {
    serde_json::from_slice::<serde_json::Value>(bytes)
        .ok()
        .and_then(|v| v.get("format")?.as_str().map(str::to_string))
        .is_some_and(|f| f.starts_with("pingshen-evaluation-package"))
}

pub fn verify_package_file(
    bytes: &[u8],
    trust: Result<TrustStore, PkiError>,
    pins: Result<PlatformPins, PkiError>,
) -> anyhow::Result<u8> {
    let verdict = match (trust, pins) {
        (Ok(trust), Ok(pins)) => pingshen_audit::verify_package(bytes, trust, &pins),
        (Err(e), _) | (_, Err(e)) => {
            crate::cmd_pki::print(&serde_json::json!({
                "ok": false, "code": e.code(), "message": e.message_zh(), "problems": []
            }));
            return Ok(1);
        }
    };
    println!("{}", serde_json::to_string_pretty(&verdict)?);
    Ok(if verdict.ok { 0 } else { 1 })
}
