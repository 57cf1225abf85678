//! `profiles/<fingerprint>/profile.json`: what the login screen may show
//! without any key, plus the store master key wrapped to the certificate.

use crate::error::{Result, StoreError};
use crate::fsutil::write_atomic;
use pingshen_pki::cert::{name_entry, parse_certs};
use pingshen_pki::{Algorithm, CertInfo, WrappedKey, X509};
use serde::{Deserialize, Serialize};
use std::path::Path;
use time::OffsetDateTime;

const FORMAT: u32 = 1;

/// The non-secret profile file (JSON). Nothing in it needs protecting: the
/// wrapped key opens only with the person's private key.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct ProfileFile {
    pub format: u32,
    /// SHA-256 of the DER leaf certificate, lower-case hex: also the folder name.
    pub fingerprint: String,
    /// The certificate chain, leaf first, PEM.
    pub chain_pem: String,
    pub person: PersonInfo,
    pub issuer: String,
    pub alg: Algorithm,
    pub wrapped_master_key: WrappedKey,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

/// Who the profile belongs to, as far as known (the certificate says the
/// name and id; the platform confirms the role at the first online login).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonInfo {
    pub id: Option<String>,
    pub name: Option<String>,
    pub role: Option<String>,
}

/// One line of the login screen's profile list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProfileSummary {
    pub fingerprint: String,
    pub person: PersonInfo,
    /// Issuer common name (or whole issuer name).
    pub issuer: String,
    pub alg: Algorithm,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

impl ProfileFile {
    /// A new profile for `chain` (leaf first) with an already wrapped master key.
    pub(crate) fn new(chain: &[X509], wrapped: WrappedKey) -> Result<Self> {
        let leaf = &chain[0];
        let info = CertInfo::of(leaf)?;
        let public = leaf.public_key().map_err(crate::error::crypto("cert"))?;
        let alg = Algorithm::of_key(&public)?;
        let mut chain_pem = String::new();
        for cert in chain {
            let pem = cert.to_pem().map_err(crate::error::crypto("cert pem"))?;
            chain_pem.push_str(&String::from_utf8_lossy(&pem));
        }
        Ok(ProfileFile {
            format: FORMAT,
            fingerprint: info.fingerprint_sha256,
            chain_pem,
            person: PersonInfo {
                id: info.person_id,
                name: info.subject_cn,
                role: name_entry(
                    leaf.subject_name(),
                    openssl::nid::Nid::ORGANIZATIONALUNITNAME,
                ),
            },
            issuer: info.issuer_cn.unwrap_or(info.issuer),
            alg,
            wrapped_master_key: wrapped,
            created_at: OffsetDateTime::now_utc(),
        })
    }

    /// Reads and checks a profile file: readable, our format, and its leaf
    /// certificate really has the fingerprint the file (and folder) claims.
    pub(crate) fn read(path: &Path, folder_fingerprint: &str) -> Result<Self> {
        let damaged = |detail: String| StoreError::ProfileDamaged {
            profile: folder_fingerprint.to_string(),
            detail,
        };
        let bytes = std::fs::read(path).map_err(|e| StoreError::io(path, e))?;
        let profile: ProfileFile = serde_json::from_slice(&bytes)
            .map_err(|e| damaged(format!("profile.json 无法解析（{e}）")))?;
        if profile.format != FORMAT {
            return Err(damaged(format!("不支持的格式版本 {}", profile.format)));
        }
        if profile.fingerprint != folder_fingerprint {
            return Err(damaged("证书指纹与文件夹名不符".to_string()));
        }
        let leaf = profile.leaf().map_err(|e| damaged(e.message_zh()))?;
        if pingshen_pki::cert::fingerprint_sha256(&leaf)? != folder_fingerprint {
            return Err(damaged("证书与记录的指纹不符".to_string()));
        }
        Ok(profile)
    }

    /// The stored leaf certificate (what the offline unlock checks against).
    pub(crate) fn leaf(&self) -> Result<X509> {
        let mut certs = parse_certs(self.chain_pem.as_bytes())?;
        Ok(certs.swap_remove(0))
    }

    pub(crate) fn write(&self, path: &Path) -> Result<()> {
        let json = serde_json::to_vec_pretty(self).map_err(|e| StoreError::InvalidJson {
            what: "用户资料",
            detail: e.to_string(),
        })?;
        write_atomic(path, &json)
    }

    pub(crate) fn summary(&self) -> ProfileSummary {
        ProfileSummary {
            fingerprint: self.fingerprint.clone(),
            person: self.person.clone(),
            issuer: self.issuer.clone(),
            alg: self.alg,
            created_at: self.created_at,
        }
    }
}
