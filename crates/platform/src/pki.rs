//! The platform's own PKI material: the trust store of recognised CAs
//! (CA互认) with their CRLs, and the platform's signing identity (receipts,
//! document manifests).
//!
//! Layout of a PKI directory (as written by `pingshen-platform pki init`,
//! see docs/pki.md): `trust/*.pem`, `crl/*.crl`, `platform/platform.p12`,
//! `people.json`.

use crate::PlatformError;
use pingshen_pki::{Pkcs12Signer, Signer, TrustStore};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Password of the demo platform identity. Demo only: a production platform
/// keeps its key in an HSM.
pub const DEMO_PASSWORD: &str = "pingshen-demo";

pub struct PlatformPki {
    pub dir: PathBuf,
    pub trust: TrustStore,
    signer: Pkcs12Signer,
}

impl PlatformPki {
    /// Loads `dir`. The platform identity's password comes from
    /// `PINGSHEN_PLATFORM_KEY_PASSWORD`, or is the demo password.
    pub fn load(dir: &Path) -> Result<Arc<Self>, PlatformError> {
        let trust = pingshen_pki::demo::load_trust(dir).map_err(|e| PlatformError::Pki {
            code: e.code(),
            message: format!("无法加载信任证书（{}）：{}", dir.display(), e.message_zh()),
        })?;
        let password = pingshen_pki::Zeroizing::new(
            std::env::var("PINGSHEN_PLATFORM_KEY_PASSWORD")
                .unwrap_or_else(|_| DEMO_PASSWORD.to_string()),
        );
        let p12 = dir.join("platform/platform.p12");
        let signer = Pkcs12Signer::from_file(&p12, &password).map_err(|e| PlatformError::Pki {
            code: e.code(),
            message: format!(
                "无法加载平台签名证书（{}）：{}",
                p12.display(),
                e.message_zh()
            ),
        })?;
        Ok(Arc::new(Self {
            dir: dir.to_path_buf(),
            trust,
            signer,
        }))
    }

    /// The platform's signing identity.
    pub fn signer(&self) -> &dyn Signer {
        &self.signer
    }
}
