//! The desktop's trust material on disk (not secret, not encrypted): the
//! pinned platform certificate and the CRLs the platform relayed.
//!
//! ```text
//! <data dir>/platform/pin.json     {fingerprint, pinned_at}
//! <data dir>/platform/crls/*.crl   the CAs' CRLs as last fetched
//! ```
//!
//! Pinning is trust on first use unless the centre configured the
//! fingerprint: the first contact stores it; a different certificate later
//! is refused (`platform_cert_changed`) until the person, having checked the
//! new fingerprint with the centre, accepts it.

use crate::platform_identity::PlatformTrust;
use crate::AppError;
use pingshen_api::CrlSet;
use pingshen_pki::{OffsetDateTime, PlatformPins, TrustStore};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The stored pin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pin {
    pub fingerprint: String,
    #[serde(with = "time::serde::rfc3339")]
    pub pinned_at: OffsetDateTime,
}

/// What a platform's certificate means against the pin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PinCheck {
    /// It is the pinned certificate.
    Pinned,
    /// Nothing was pinned: this one is now.
    FirstUse,
}

pub struct TrustFiles {
    dir: PathBuf,
    /// A fingerprint the centre configured (settings): authoritative.
    preset: Option<String>,
}

fn io(path: &Path, e: std::io::Error) -> AppError {
    AppError::new("io_error", format!("无法读写 {}：{e}", path.display()))
}

/// A fingerprint as pins are stored: lower-case hex without the colons or
/// spaces people and tools group it with.
pub fn normalise(fp: &str) -> String {
    fp.trim().replace([':', ' '], "").to_ascii_lowercase()
}

impl TrustFiles {
    pub fn new(data_dir: &Path, preset: Option<String>) -> Self {
        TrustFiles {
            dir: data_dir.join("platform"),
            preset: preset.map(|p| normalise(&p)),
        }
    }

    fn pin_path(&self) -> PathBuf {
        self.dir.join("pin.json")
    }

    fn crl_dir(&self) -> PathBuf {
        self.dir.join("crls")
    }

    /// The pinned fingerprint: the configured one, else the stored one.
    pub fn pinned(&self) -> Option<String> {
        if let Some(p) = &self.preset {
            return Some(p.clone());
        }
        let bytes = std::fs::read(self.pin_path()).ok()?;
        serde_json::from_slice::<Pin>(&bytes)
            .ok()
            .map(|p| normalise(&p.fingerprint))
    }

    /// Checks the certificate the platform says it signs with.
    pub fn check(&self, seen: &str, now: OffsetDateTime) -> Result<PinCheck, AppError> {
        let seen = normalise(seen);
        match self.pinned() {
            Some(p) if p == seen => Ok(PinCheck::Pinned),
            Some(p) => Err(changed(&p, &seen, self.preset.is_some())),
            None => {
                self.accept(&seen, now)?;
                Ok(PinCheck::FirstUse)
            }
        }
    }

    /// The person accepts `fingerprint` as the platform's (after checking it
    /// with the centre). A configured fingerprint cannot be overridden here.
    pub fn accept(&self, fingerprint: &str, now: OffsetDateTime) -> Result<(), AppError> {
        if self.preset.is_some() {
            return Err(AppError::new(
                "platform_cert_configured",
                "平台证书指纹由交易中心配置，不能在客户端更改",
            ));
        }
        let fingerprint = normalise(fingerprint);
        PlatformPins::one(&fingerprint)?;
        std::fs::create_dir_all(&self.dir).map_err(|e| io(&self.dir, e))?;
        let pin = Pin {
            fingerprint,
            pinned_at: now,
        };
        let json = serde_json::to_vec_pretty(&pin)
            .map_err(|e| AppError::new("internal_error", e.to_string()))?;
        write_atomically(&self.pin_path(), &json)
    }

    /// Replaces the cached CRLs with the platform's current set. Each must
    /// parse; its signature is checked whenever it is used.
    pub fn store_crls(&self, set: &CrlSet) -> Result<usize, AppError> {
        let mut scratch = TrustStore::new();
        for pem in &set.crls {
            scratch.add_crl_bytes(pem.as_bytes())?;
        }
        let fresh = self.dir.join("crls.new");
        let _ = std::fs::remove_dir_all(&fresh);
        std::fs::create_dir_all(&fresh).map_err(|e| io(&fresh, e))?;
        for (i, pem) in set.crls.iter().enumerate() {
            let path = fresh.join(format!("{i:03}.crl"));
            std::fs::write(&path, pem).map_err(|e| io(&path, e))?;
        }
        let old = self.dir.join("crls.old");
        let _ = std::fs::remove_dir_all(&old);
        let current = self.crl_dir();
        if current.exists() {
            std::fs::rename(&current, &old).map_err(|e| io(&current, e))?;
        }
        std::fs::rename(&fresh, &current).map_err(|e| io(&fresh, e))?;
        let _ = std::fs::remove_dir_all(&old);
        Ok(set.crls.len())
    }

    /// The trust to verify and sign with: the recognised CAs in `cas_dir`
    /// (`trust/*.pem` and `crl/*.crl` below it, or PEM files in it), the
    /// cached CRLs, and the pin.
    pub fn load(&self, cas_dir: &Path) -> PlatformTrust {
        let loaded = if cas_dir.join("trust").is_dir() {
            pingshen_pki::demo::load_trust(cas_dir)
        } else {
            TrustStore::from_dir(cas_dir)
        };
        let mut cas = loaded.unwrap_or_else(|e| {
            tracing::warn!(dir = %cas_dir.display(), error = %e.message_zh(), "trust not loaded");
            TrustStore::new()
        });
        if self.crl_dir().is_dir() {
            if let Err(e) = cas.load_dir(&self.crl_dir()) {
                tracing::warn!(error = %e.message_zh(), "cached CRLs not loaded");
            }
        }
        let mut pins = PlatformPins::none();
        if let Some(fp) = self.pinned() {
            let _ = pins.add_fingerprint(&fp);
        }
        PlatformTrust::new(cas, pins)
    }
}

fn changed(pinned: &str, seen: &str, configured: bool) -> AppError {
    let how = if configured {
        "该指纹由交易中心配置，请联系交易中心核实"
    } else {
        "请向交易中心核实新指纹，确认无误后再接受"
    };
    AppError::new(
        "platform_cert_changed",
        format!(
            "评标平台的签名证书与本机固定的不一致，已拒绝连接。固定的指纹：{pinned}；平台现在出示的：{seen}。{how}"
        ),
    )
}

pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), AppError> {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, bytes).map_err(|e| io(&tmp, e))?;
    std::fs::rename(&tmp, path).map_err(|e| io(path, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "aa00000000000000000000000000000000000000000000000000000000000000";
    const B: &str = "bb00000000000000000000000000000000000000000000000000000000000000";

    #[test]
    fn first_use_pins_a_change_is_refused_until_accepted() {
        let dir = tempfile::tempdir().unwrap();
        let now = OffsetDateTime::now_utc();
        let files = TrustFiles::new(dir.path(), None);
        assert_eq!(files.pinned(), None);
        assert_eq!(files.check(A, now).unwrap(), PinCheck::FirstUse);
        assert_eq!(
            files.check(&A.to_uppercase(), now).unwrap(),
            PinCheck::Pinned
        );
        let refused = files.check(B, now).unwrap_err();
        assert_eq!(refused.code.as_str(), "platform_cert_changed");
        assert!(refused.message.contains(A) && refused.message.contains(B));
        // Still refused on the next start, until the person accepts.
        let again = TrustFiles::new(dir.path(), None);
        assert!(again.check(B, now).is_err());
        again.accept(B, now).unwrap();
        assert_eq!(again.check(B, now).unwrap(), PinCheck::Pinned);
        assert!(again.check(A, now).is_err());
    }

    #[test]
    fn a_configured_fingerprint_wins_and_cannot_be_accepted_away() {
        let dir = tempfile::tempdir().unwrap();
        let now = OffsetDateTime::now_utc();
        let files = TrustFiles::new(dir.path(), Some(A.into()));
        assert_eq!(files.check(A, now).unwrap(), PinCheck::Pinned);
        assert_eq!(
            files.check(B, now).unwrap_err().code.as_str(),
            "platform_cert_changed"
        );
        assert_eq!(
            files.accept(B, now).unwrap_err().code.as_str(),
            "platform_cert_configured"
        );
        assert!(files.accept("not-a-fingerprint", now).is_err());
    }
}
