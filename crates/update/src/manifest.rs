//! Checking a signed manifest and choosing what to offer this copy.

use crate::error::{Result, UpdateError};
use crate::keys::TrustedKeys;
use base64::Engine;
use pingshen_api::{
    ArtifactKind, InstallKind, SignedUpdateManifest, UpdateArtifact, UpdateManifest, UpdateOffer,
    UPDATE_MANIFEST_FORMAT, UPDATE_PRODUCT, UPDATE_SIGNING_CONTEXT,
};
use std::collections::HashSet;

/// No desktop package comes near this; a manifest naming more is refused
/// before a download could fill the disk.
pub const MAX_ARTIFACT_SIZE: u64 = 1 << 30;

/// A manifest whose signature held under a trusted key and whose contents
/// are usable.
#[derive(Debug, Clone)]
pub struct VerifiedManifest {
    pub manifest: UpdateManifest,
    pub version: semver::Version,
    pub key_id: String,
}

/// The bytes the signature covers.
pub fn signed_bytes(manifest_text: &str) -> Vec<u8> {
    let mut data = UPDATE_SIGNING_CONTEXT.to_vec();
    data.extend_from_slice(manifest_text.as_bytes());
    data
}

/// Checks the signature first (under a key of `keys`, with the algorithm
/// that key signs with), then the manifest's contents.
pub fn verify_manifest(
    signed: &SignedUpdateManifest,
    keys: &TrustedKeys,
) -> Result<VerifiedManifest> {
    let key = keys.get(&signed.key_id).ok_or_else(|| {
        UpdateError::Signature(format!(
            "签名密钥 {} 不是本程序信任的更新密钥",
            short(&signed.key_id)
        ))
    })?;
    if signed.algorithm != key.algorithm.jws_name() {
        return Err(UpdateError::Signature(format!(
            "算法 {} 与密钥不符（应为 {}）",
            signed.algorithm,
            key.algorithm.jws_name()
        )));
    }
    let signature = base64::engine::general_purpose::STANDARD
        .decode(&signed.signature)
        .map_err(|_| UpdateError::Signature("签名不是有效的 Base64".into()))?;
    let holds = pingshen_pki::sig::verify(
        key.algorithm,
        &key.key,
        &signed_bytes(&signed.manifest),
        &signature,
    )
    .map_err(|e| UpdateError::Signature(e.to_string()))?;
    if !holds {
        return Err(UpdateError::Signature(
            "签名与清单内容不符（清单可能被篡改）".into(),
        ));
    }
    let manifest: UpdateManifest = serde_json::from_str(&signed.manifest)
        .map_err(|e| UpdateError::Manifest(format!("格式错误：{e}")))?;
    let version = check_contents(&manifest)?;
    Ok(VerifiedManifest {
        manifest,
        version,
        key_id: signed.key_id.clone(),
    })
}

/// What a signed manifest must also satisfy (a release manager's slip is
/// refused here rather than at install time).
pub fn check_contents(m: &UpdateManifest) -> Result<semver::Version> {
    if m.format != UPDATE_MANIFEST_FORMAT {
        return Err(UpdateError::Manifest(format!(
            "未知的清单格式 {}",
            m.format
        )));
    }
    if m.product != UPDATE_PRODUCT {
        return Err(UpdateError::Manifest(format!(
            "清单属于另一个程序（{}）",
            m.product
        )));
    }
    let version = semver::Version::parse(&m.version)
        .map_err(|_| UpdateError::Manifest(format!("版本号 {} 不是 x.y.z 形式", m.version)))?;
    if m.artifacts.is_empty() {
        return Err(UpdateError::Manifest("清单没有列出任何文件".into()));
    }
    let mut seen = HashSet::new();
    for a in &m.artifacts {
        check_file_name(&a.file)?;
        if a.sha256.len() != 64
            || !a
                .sha256
                .bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        {
            return Err(UpdateError::Manifest(format!(
                "{} 的 SHA-256 格式错误",
                a.file
            )));
        }
        if a.size == 0 || a.size > MAX_ARTIFACT_SIZE {
            return Err(UpdateError::Manifest(format!(
                "{} 的大小 {} 不合理",
                a.file, a.size
            )));
        }
        if !seen.insert((a.kind, a.arch.as_str())) {
            return Err(UpdateError::Manifest(format!(
                "同一平台（{} {}）列出了两个文件",
                a.kind.label_zh(),
                a.arch
            )));
        }
    }
    Ok(version)
}

/// A plain file name: it becomes part of a URL and of a path on disk.
pub fn check_file_name(name: &str) -> Result<()> {
    let plain = !name.is_empty()
        && name.len() <= 200
        && !name.starts_with('.')
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b'+'));
    if plain {
        Ok(())
    } else {
        Err(UpdateError::Manifest(format!("文件名 {name:?} 不合规")))
    }
}

/// The offer for this copy: `None` when the manifest is not newer than
/// `current` or has no file for this kind of install and architecture.
/// A developer's build (unmanaged) is told about the AppImage, if any, so
/// the person can see that a newer version exists.
pub fn choose_offer(
    v: &VerifiedManifest,
    current: &str,
    install: &InstallKind,
    arch: &str,
) -> Result<Option<UpdateOffer>> {
    let current_version = semver::Version::parse(current)
        .map_err(|_| UpdateError::Manifest(format!("当前版本号 {current} 无法比较")))?;
    if v.version <= current_version {
        return Ok(None);
    }
    let kind = match install {
        InstallKind::Appimage { .. } | InstallKind::Unmanaged => ArtifactKind::Appimage,
        InstallKind::Deb => ArtifactKind::Deb,
    };
    let Some(a) = artifact(&v.manifest, kind, arch) else {
        return Ok(None);
    };
    Ok(Some(UpdateOffer {
        version: v.manifest.version.clone(),
        published_at: v.manifest.published_at,
        notes: v.manifest.notes.clone(),
        kind,
        file: a.file.clone(),
        size: a.size,
        sha256: a.sha256.clone(),
        key_id: v.key_id.clone(),
    }))
}

fn artifact<'a>(
    m: &'a UpdateManifest,
    kind: ArtifactKind,
    arch: &str,
) -> Option<&'a UpdateArtifact> {
    m.artifacts
        .iter()
        .find(|a| a.kind == kind && a.arch == arch)
}

fn short(id: &str) -> &str {
    &id[..id.len().min(16)]
}

#[cfg(test)]
mod tests;
