//! The PKCS#11 modules (USB-key drivers) installed on this computer, so that
//! the login screen, the settings and the diagnostics can offer them rather
//! than make a person type a library path.
//!
//! Two sources, both standard on Debian-family systems (统信UOS and 麒麟
//! included), so no vendor's file name has to be guessed:
//! - p11-kit's registry: every packaged module (OpenSC, SoftHSM2, most
//!   vendors' .deb packages) drops a `*.module` file naming its library in
//!   `/usr/share/p11-kit/modules` or `/etc/pkcs11/modules`;
//! - the folders modules are installed into: `/usr/lib/<arch>/pkcs11`,
//!   `/usr/lib/pkcs11`, SoftHSM2's `/usr/lib/softhsm` and
//!   `/usr/lib/<arch>/softhsm`, OpenSC's `opensc-pkcs11.so`, and vendors'
//!   `/opt/<vendor>/**/lib*.so` up to three levels down whose name says
//!   p11 or pkcs11.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub use pingshen_api::TokenModule;

/// The modules under `root` (`/` on a real system; a folder in tests),
/// each once, sorted by path; only libraries that exist.
pub fn find(root: &Path) -> Vec<TokenModule> {
    let mut found: BTreeMap<PathBuf, &'static str> = BTreeMap::new();
    for registry in ["usr/share/p11-kit/modules", "etc/pkcs11/modules"] {
        for file in files_in(&root.join(registry)) {
            if file.extension().is_some_and(|e| e == "module") {
                if let Some(lib) = registered_library(root, &file) {
                    found.entry(lib).or_insert("p11-kit");
                }
            }
        }
    }
    let mut folders = vec![root.join("usr/lib/pkcs11"), root.join("usr/lib/softhsm")];
    for arch in files_in(&root.join("usr/lib")) {
        if arch.is_dir()
            && arch
                .file_name()
                .is_some_and(|n| n.to_string_lossy().contains("-linux-"))
        {
            folders.push(arch.join("pkcs11"));
            folders.push(arch.join("softhsm"));
            let opensc = arch.join("opensc-pkcs11.so");
            if opensc.is_file() {
                found.entry(opensc).or_insert("installed");
            }
        }
    }
    for folder in folders {
        for lib in files_in(&folder) {
            if is_library(&lib) {
                found.entry(lib).or_insert("installed");
            }
        }
    }
    for lib in vendor_libraries(&root.join("opt"), 3) {
        found.entry(lib).or_insert("installed");
    }
    // One entry per library: links (`/usr/lib/softhsm/libsofthsm2.so` →
    // the architecture's copy) are followed, and the registered name wins.
    let mut by_target: BTreeMap<PathBuf, (PathBuf, &'static str)> = BTreeMap::new();
    for (path, source) in found {
        if !path.is_file() || is_debug_proxy(&path) {
            continue;
        }
        let target = std::fs::canonicalize(&path).unwrap_or_else(|_| path.clone());
        match by_target.get(&target) {
            Some((_, "p11-kit")) => {}
            Some(_) if source != "p11-kit" => {}
            _ => {
                by_target.insert(target, (path, source));
            }
        }
    }
    let mut out: Vec<TokenModule> = by_target
        .into_values()
        .map(|(path, source)| TokenModule {
            path: shown_path(root, &path),
            source: source.to_string(),
        })
        .collect();
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

/// OpenSC's `pkcs11-spy.so` logs the calls of another module for
/// debugging; it is not a driver for a key.
fn is_debug_proxy(path: &Path) -> bool {
    path.file_name()
        .is_some_and(|n| n.to_string_lossy().starts_with("pkcs11-spy"))
}

/// The library a p11-kit `.module` file names (`module: NAME-OR-PATH`); a
/// bare name lives in p11-kit's default folder.
fn registered_library(root: &Path, file: &Path) -> Option<PathBuf> {
    let text = std::fs::read_to_string(file).ok()?;
    let value = text.lines().find_map(|line| {
        let (key, value) = line.split_once(':')?;
        (key.trim() == "module").then(|| value.trim().to_string())
    })?;
    if value.is_empty() {
        return None;
    }
    let path = Path::new(&value);
    if path.is_absolute() {
        return Some(root.join(path.strip_prefix("/").ok()?));
    }
    // Relative names are looked up in the architecture's pkcs11 folder.
    files_in(&root.join("usr/lib"))
        .into_iter()
        .map(|arch| arch.join("pkcs11").join(path))
        .chain([root.join("usr/lib/pkcs11").join(path)])
        .find(|p| p.is_file())
}

fn vendor_libraries(dir: &Path, depth: u32) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in files_in(dir) {
        if entry.is_dir() && depth > 0 {
            out.extend(vendor_libraries(&entry, depth - 1));
        } else if is_library(&entry) {
            let name = entry
                .file_name()
                .map(|n| n.to_string_lossy().to_lowercase())
                .unwrap_or_default();
            if name.contains("pkcs11") || name.contains("p11") {
                out.push(entry);
            }
        }
    }
    out
}

fn is_library(path: &Path) -> bool {
    path.is_file()
        && path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .is_some_and(|n| n.ends_with(".so") || n.contains(".so."))
}

/// Entries of a folder, sorted (none when it cannot be read).
fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| entries.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    out.sort();
    out
}

/// The path as the system sees it (`root` replaced by `/`).
fn shown_path(root: &Path, path: &Path) -> String {
    match path.strip_prefix(root) {
        Ok(rest) => format!("/{}", rest.display()),
        Err(_) => path.display().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn touch(root: &Path, rel: &str, text: &str) {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    #[test]
    fn finds_registered_and_installed_modules_once_each() {
        let root = tempfile::tempdir().unwrap();
        let r = root.path();
        let arch = "usr/lib/x86_64-linux-gnu";
        // OpenSC: registered by a relative name, and also in pkcs11/.
        touch(r, &format!("{arch}/pkcs11/opensc-pkcs11.so"), "");
        touch(
            r,
            "usr/share/p11-kit/modules/opensc.module",
            "module: opensc-pkcs11.so\n",
        );
        // SoftHSM2: registered by an absolute path.
        touch(r, &format!("{arch}/softhsm/libsofthsm2.so"), "");
        touch(
            r,
            "usr/share/p11-kit/modules/softhsm2.module",
            &format!("# SoftHSM\nmodule: /{arch}/softhsm/libsofthsm2.so\ncritical: no\n"),
        );
        // A vendor's driver under /opt, and a non-PKCS#11 library beside it.
        touch(r, "opt/vendor/key/lib/libvendor_p11.so.1", "");
        touch(r, "opt/vendor/key/lib/libcrypto.so", "");
        // A link to a registered library, and OpenSC's debugging proxy.
        std::fs::create_dir_all(r.join("usr/lib/softhsm")).unwrap();
        std::os::unix::fs::symlink(
            "../x86_64-linux-gnu/softhsm/libsofthsm2.so",
            r.join("usr/lib/softhsm/libsofthsm2.so"),
        )
        .unwrap();
        touch(r, &format!("{arch}/pkcs11/pkcs11-spy.so"), "");
        // A registry entry whose library is gone is not offered.
        touch(
            r,
            "etc/pkcs11/modules/gone.module",
            "module: /usr/lib/gone.so\n",
        );
        let found = find(r);
        let paths: Vec<(&str, &str)> = found
            .iter()
            .map(|m| (m.path.as_str(), m.source.as_str()))
            .collect();
        assert_eq!(
            paths,
            vec![
                ("/opt/vendor/key/lib/libvendor_p11.so.1", "installed"),
                (
                    "/usr/lib/x86_64-linux-gnu/pkcs11/opensc-pkcs11.so",
                    "p11-kit"
                ),
                (
                    "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
                    "p11-kit"
                ),
            ]
        );
    }

    #[test]
    fn an_empty_system_has_no_modules() {
        let root = tempfile::tempdir().unwrap();
        assert!(find(root.path()).is_empty());
    }

    #[test]
    fn finds_softhsm2_on_this_machine() {
        // scripts/setup installs SoftHSM2 (the tests' USB key).
        let found = find(Path::new("/"));
        assert!(
            found.iter().any(|m| m.path.ends_with("libsofthsm2.so")),
            "{found:?}"
        );
    }
}
