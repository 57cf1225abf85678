//! The platform's own PKI material: the trust store of recognised CAs
//! (CA互认) with their CRLs, and the platform's signing identity (receipts,
//! document manifests, the opening and panel records).
//!
//! Layout of a PKI directory (as written by `pingshen-platform pki init`,
//! see docs/pki.md): `trust/*.pem`, `crl/*.crl`, `platform/platform.p12`,
//! `people.json`.
//!
//! Revocation is hard-fail: the trust store requires a current CRL for every
//! issuer, so a certificate whose revocation status nobody can state
//! (`revocation_unknown`) is refused like a revoked one. The CRLs are read
//! again whenever a file in `crl/` changes, so a CA's new list takes effect
//! without a restart.

use crate::PlatformError;
use pingshen_pki::{Pkcs12Signer, Signer, TrustStore};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant, SystemTime};

/// Password of the demo platform identity. Demo only: a production platform
/// keeps its key in an HSM, and `serve` refuses this password without `--demo`.
pub const DEMO_PASSWORD: &str = "pingshen-demo";

/// How often at most the CRL folder is looked at for changes.
const CRL_POLL: Duration = Duration::from_secs(1);

pub struct PlatformPki {
    pub dir: PathBuf,
    trust: RwLock<Arc<TrustStore>>,
    /// When `crl/` was last looked at, and the newest modification seen.
    crl_seen: Mutex<(Instant, Option<SystemTime>)>,
    signer: Pkcs12Signer,
}

fn pki_error(dir: &Path, e: pingshen_pki::PkiError) -> PlatformError {
    PlatformError::Pki {
        code: e.code(),
        message: format!("无法加载信任证书（{}）：{}", dir.display(), e.message_zh()),
    }
}

fn load_strict(dir: &Path) -> Result<TrustStore, PlatformError> {
    let mut trust = pingshen_pki::demo::load_trust(dir).map_err(|e| pki_error(dir, e))?;
    trust.set_require_crl(true);
    Ok(trust)
}

/// The newest modification time of the files in `dir` (and of `dir` itself,
/// which changes when a file is added or removed).
fn newest_change(dir: &Path) -> Option<SystemTime> {
    let mut newest = std::fs::metadata(dir).and_then(|m| m.modified()).ok();
    for entry in std::fs::read_dir(dir).ok()?.flatten() {
        if let Ok(t) = entry.metadata().and_then(|m| m.modified()) {
            newest = newest.max(Some(t));
        }
    }
    newest
}

impl PlatformPki {
    /// Loads `dir` with the platform identity's password.
    pub fn load(dir: &Path, password: &str) -> Result<Arc<Self>, PlatformError> {
        let trust = load_strict(dir)?;
        let p12 = dir.join("platform/platform.p12");
        let signer = Pkcs12Signer::from_file(&p12, password).map_err(|e| PlatformError::Pki {
            code: e.code(),
            message: format!(
                "无法加载平台签名证书（{}）：{}",
                p12.display(),
                e.message_zh()
            ),
        })?;
        Ok(Arc::new(Self {
            dir: dir.to_path_buf(),
            trust: RwLock::new(Arc::new(trust)),
            crl_seen: Mutex::new((Instant::now(), newest_change(&dir.join("crl")))),
            signer,
        }))
    }

    /// The trust store as of now: the CRLs are re-read when `crl/` changed.
    pub fn trust(&self) -> Arc<TrustStore> {
        self.refresh_crls();
        self.trust
            .read()
            .map(|t| t.clone())
            .unwrap_or_else(|e| e.into_inner().clone())
    }

    fn refresh_crls(&self) {
        let Ok(mut seen) = self.crl_seen.lock() else {
            return;
        };
        if seen.0.elapsed() < CRL_POLL {
            return;
        }
        seen.0 = Instant::now();
        let change = newest_change(&self.dir.join("crl"));
        if change == seen.1 {
            return;
        }
        match load_strict(&self.dir) {
            Ok(fresh) => {
                seen.1 = change;
                if let Ok(mut t) = self.trust.write() {
                    *t = Arc::new(fresh);
                }
                tracing::info!("CRLs reloaded");
            }
            // A half-written file: keep the last good store and retry later.
            Err(e) => tracing::warn!(error = %e, "CRLs not reloaded"),
        }
    }

    /// The current CRL of every recognised CA (PEM), as the CAs signed
    /// them, in the packages' canonical order (by the SHA-256 of the text).
    pub fn crls_pem(&self) -> Vec<String> {
        let mut crls = self.trust().crls_pem();
        crls.sort_by_cached_key(|c| crate::receipts::sha256_hex(c.as_bytes()));
        crls
    }

    /// The platform's signing identity.
    pub fn signer(&self) -> &dyn Signer {
        &self.signer
    }

    /// SHA-256 fingerprint of the platform's signing certificate, which
    /// clients and auditors pin.
    pub fn fingerprint(&self) -> String {
        pingshen_pki::cert::fingerprint_sha256(Signer::certificate(&self.signer))
            .unwrap_or_default()
    }
}
