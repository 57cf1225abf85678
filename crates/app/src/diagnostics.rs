//! What a help desk needs to see when an expert calls — versions, the
//! platform's address and whether it answers, the USB-key drivers found,
//! where the data is, each project's sync and outbox state — and nothing
//! more. The bundle is a JSON file the expert can read before sending it.
//!
//! Never in it: the PIN or password, keys or certificates, a session
//! token, document text or file names, bid prices, scores, notes, the
//! bodies of submissions or receipts, certificate file names (they often
//! carry a person's name). Every field below is built from counts, states,
//! codes, paths chosen by the installer and public project numbers; it is
//! an allow-list, not a filter over something larger.

use crate::token_modules;
use crate::AppError;
use pingshen_store::{DocState, OutboxState, Store};
use std::path::Path;
use time::OffsetDateTime;

pub use pingshen_api::{
    AppFacts, Diagnostics, PlatformCheck, ProjectFacts, SettingsFacts, DIAGNOSTICS_FORMAT as FORMAT,
};

/// What the shell knows about itself and its settings.
#[derive(Debug, Clone)]
pub struct Setup<'a> {
    pub app_version: &'a str,
    /// The build's commit (`unknown` when built outside git).
    pub commit: &'a str,
    pub platform_url: &'a str,
    pub data_dir: &'a Path,
    pub cert_dir: &'a Path,
    pub pkcs11_module: &'a str,
    pub install: &'a pingshen_api::InstallKind,
}

/// Gathers the facts. `store` is the logged-in person's (or `None`);
/// `system_root` is `/` (a folder in tests) for the USB-key drivers.
pub fn collect(
    setup: &Setup<'_>,
    platform: PlatformCheck,
    store: Option<&Store>,
    system_root: &Path,
) -> Result<Diagnostics, AppError> {
    let read = |p: &str| std::fs::read_to_string(system_root.join(p)).ok();
    let os = read("etc/os-release").and_then(|text| {
        text.lines()
            .find_map(|l| l.strip_prefix("PRETTY_NAME="))
            .map(|v| v.trim_matches('"').to_string())
    });
    let projects = match store {
        Some(store) => Some(projects(store)?),
        None => None,
    };
    // Compiled in: only unreadable if the build itself is broken.
    let keys = pingshen_update::TrustedKeys::compiled().ok();
    Ok(Diagnostics {
        format: FORMAT.to_string(),
        generated_at: OffsetDateTime::now_utc(),
        app: AppFacts {
            version: setup.app_version.to_string(),
            commit: setup.commit.to_string(),
            os,
            kernel: read("proc/sys/kernel/osrelease").map(|k| k.trim().to_string()),
            arch: std::env::consts::ARCH.to_string(),
            install: setup.install.clone(),
            update_keys: keys
                .as_ref()
                .map(|k| k.ids().map(str::to_string).collect())
                .unwrap_or_default(),
            demo_update_key: keys.as_ref().is_some_and(|k| k.includes_demo()),
        },
        settings: SettingsFacts {
            platform_url: bare_url(setup.platform_url),
            data_dir: setup.data_dir.display().to_string(),
            cert_dir: setup.cert_dir.display().to_string(),
            pkcs11_module: setup.pkcs11_module.to_string(),
            pkcs11_module_present: Path::new(setup.pkcs11_module).is_file(),
        },
        platform,
        token_modules: token_modules::find(system_root),
        certificate_files: certificate_files(setup.cert_dir),
        projects,
    })
}

/// Writes the bundle as indented JSON, whole or not at all.
pub fn write_bundle(d: &Diagnostics, path: &Path) -> Result<(), AppError> {
    let json =
        serde_json::to_vec_pretty(d).map_err(|e| AppError::new("internal_error", e.to_string()))?;
    let partial = path.with_extension("partial");
    std::fs::write(&partial, json)
        .and_then(|()| std::fs::rename(&partial, path))
        .map_err(|e| {
            AppError::new(
                "io_error",
                format!("无法写入诊断文件 {}：{e}", path.display()),
            )
        })
}

fn projects(store: &Store) -> Result<Vec<ProjectFacts>, AppError> {
    let mut out = Vec::new();
    for id in store.projects().list()? {
        let docs = store.documents().list(&id)?;
        let count = |state: DocState| docs.iter().filter(|d| d.state == state).count();
        let outbox = store.outbox().list(&id)?;
        let in_state = |state: OutboxState| outbox.iter().filter(|e| e.state == state).count();
        let mut outbox_errors: Vec<String> = outbox
            .iter()
            .filter(|e| e.state == OutboxState::Pending)
            .filter_map(|e| e.last_error.clone())
            .filter(|code| is_code(code))
            .collect();
        outbox_errors.sort();
        outbox_errors.dedup();
        out.push(ProjectFacts {
            documents_total: docs.len(),
            documents_verified: count(DocState::Verified),
            documents_failed: count(DocState::Failed),
            last_contact: store.projects().get(&id)?.map(|c| c.updated_at),
            outbox_pending: in_state(OutboxState::Pending),
            outbox_delivered: in_state(OutboxState::Delivered),
            outbox_refused: in_state(OutboxState::Refused),
            outbox_errors,
            id,
        });
    }
    Ok(out)
}

/// A stable error code (`platform_unreachable`), never free text.
fn is_code(s: &str) -> bool {
    !s.is_empty() && s.len() <= 64 && s.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
}

fn certificate_files(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .filter(|e| {
                    let name = e.file_name().to_string_lossy().to_lowercase();
                    name.ends_with(".p12") || name.ends_with(".pfx")
                })
                .count()
        })
        .unwrap_or(0)
}

/// `https://user:pw@host:8443/api?token=x#y` → `https://host:8443/api`.
fn bare_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return String::from("(无效地址)");
    };
    let rest = rest.split(['?', '#']).next().unwrap_or("");
    let rest = match rest.split_once('/') {
        Some((authority, path)) => format!(
            "{}/{path}",
            authority
                .rsplit_once('@')
                .map_or(authority, |(_, host)| host)
        ),
        None => rest
            .rsplit_once('@')
            .map_or(rest, |(_, host)| host)
            .to_string(),
    };
    format!("{scheme}://{rest}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_keep_only_scheme_host_port_and_path() {
        for (given, shown) in [
            ("https://ggzy.example.cn/api", "https://ggzy.example.cn/api"),
            (
                "https://user:secret@ggzy.example.cn:8443/p?token=abc#x",
                "https://ggzy.example.cn:8443/p",
            ),
            ("http://127.0.0.1:8620", "http://127.0.0.1:8620"),
            ("http://u:p@127.0.0.1:8620?k=v", "http://127.0.0.1:8620"),
            ("not a url", "(无效地址)"),
        ] {
            assert_eq!(bare_url(given), shown, "{given}");
        }
    }

    #[test]
    fn only_codes_pass_as_outbox_errors() {
        assert!(is_code("platform_unreachable"));
        assert!(!is_code("无法连接评标平台（http://127.0.0.1）"));
        assert!(!is_code("Bearer abc"));
        assert!(!is_code(""));
    }
}
