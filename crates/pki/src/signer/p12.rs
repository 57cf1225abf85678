//! Signing identity from a PKCS#12 (.p12/.pfx) file, modern or legacy (RC2/3DES).

use super::{order_chain, Signer};
use crate::alg::Algorithm;
use crate::cert::prepare;
use crate::error::{PkiError, Result};
use crate::keywrap::{unwrap_with_key, DataKey, WrappedKey};
use crate::providers;
use crate::sig;
use openssl::pkcs12::Pkcs12;
use openssl::pkey::{PKey, Private};
use openssl::x509::X509;
use std::path::Path;

/// A software key and its chain, loaded from PKCS#12.
pub struct Pkcs12Signer {
    key: PKey<Private>,
    chain: Vec<X509>,
    alg: Algorithm,
}

impl Pkcs12Signer {
    /// Parses PKCS#12 bytes. The password is only borrowed; the caller keeps it
    /// in a `Zeroizing` buffer and drops it right after.
    pub fn from_der(der: &[u8], password: &str) -> Result<Self> {
        let legacy = providers::ensure_legacy();
        let p12 = Pkcs12::from_der(der).map_err(|e| PkiError::malformed("PKCS#12 文件", e))?;
        let parsed = p12
            .parse2(password)
            .map_err(|e| classify_parse_error(e, legacy))?;
        let key = parsed
            .pkey
            .ok_or_else(|| PkiError::malformed("PKCS#12 文件", "没有私钥"))?;
        let leaf = parsed
            .cert
            .ok_or_else(|| PkiError::malformed("PKCS#12 文件", "没有证书"))?;
        let pool: Vec<X509> = parsed
            .ca
            .map(|s| s.into_iter().collect())
            .unwrap_or_default();
        Self::from_parts(key, leaf, &pool)
    }

    /// Reads and parses a PKCS#12 file.
    pub fn from_file(path: &Path, password: &str) -> Result<Self> {
        let der = std::fs::read(path).map_err(|e| PkiError::io(path, e))?;
        Self::from_der(&der, password)
    }

    /// Builds a signer from a key and its certificate (plus any CA certificates).
    pub fn from_parts(key: PKey<Private>, leaf: X509, pool: &[X509]) -> Result<Self> {
        let alg = Algorithm::of_key(&key)?;
        let public = leaf
            .public_key()
            .map_err(|e| PkiError::malformed("证书公钥", e))?;
        if !key.public_eq(&public) {
            return Err(PkiError::KeyMismatch);
        }
        let chain = order_chain(leaf, pool);
        for c in &chain {
            prepare(c)?;
        }
        Ok(Pkcs12Signer { key, chain, alg })
    }

    /// The private key (for building PKCS#12 files and tests).
    pub fn private_key(&self) -> &PKey<Private> {
        &self.key
    }
}

fn classify_parse_error(e: openssl::error::ErrorStack, legacy: bool) -> PkiError {
    let text = e.to_string().to_ascii_lowercase();
    if text.contains("unsupported") || text.contains("fetch") {
        PkiError::UnsupportedAlgorithm {
            detail: if legacy {
                "PKCS#12 使用了不支持的加密算法".to_string()
            } else {
                "PKCS#12 使用旧式 RC2/3DES 加密，但 OpenSSL legacy 提供者不可用".to_string()
            },
        }
    } else {
        // A MAC failure is by far the usual cause: a wrong password.
        PkiError::WrongPassword
    }
}

impl Signer for Pkcs12Signer {
    fn algorithm(&self) -> Algorithm {
        self.alg
    }
    fn chain(&self) -> &[X509] {
        &self.chain
    }
    fn sign(&self, data: &[u8]) -> Result<Vec<u8>> {
        sig::sign(self.alg, &self.key, data)
    }
    fn unwrap_key(&self, wrapped: &WrappedKey) -> Result<DataKey> {
        unwrap_with_key(&self.key, &self.chain[0], wrapped)
    }
}
