//! Signed updates of the desktop (软件更新).
//!
//! A centre's release manager signs a manifest offline with the update key
//! (`pingshen update publish`); the platform only serves it and the files it
//! names. The desktop trusts the manifest because of that signature, checked
//! with keys compiled into the build, never because of where it came from:
//! the platform's own key cannot sign an update.

use serde::{Deserialize, Serialize};

/// The manifest's format, for whoever reads it later.
pub const UPDATE_MANIFEST_FORMAT: &str = "pingshen-update/1";
/// The product every manifest must name: a manifest for another program is
/// refused even when its signature holds.
pub const UPDATE_PRODUCT: &str = "pingshen-desktop";

/// What a centre publishes: one version, its notes and its files.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UpdateManifest {
    pub format: String,
    pub product: String,
    /// Semantic version (`1.2.3`), compared with the running build's.
    pub version: String,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub published_at: time::OffsetDateTime,
    /// What changed, in Chinese, shown before anything is downloaded.
    pub notes: String,
    pub artifacts: Vec<UpdateArtifact>,
}

/// One installable file of a version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UpdateArtifact {
    pub kind: ArtifactKind,
    /// `x86_64`, `aarch64`, … (the machine's architecture as Rust names it).
    pub arch: String,
    /// A plain file name, served at `/api/v1/updates/files/{file}`.
    pub file: String,
    pub size: u64,
    /// Lower-case hex SHA-256 of the file.
    pub sha256: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ArtifactKind {
    /// Replaced in place, then the app restarts.
    Appimage,
    /// Handed to the system's package installer.
    Deb,
}

impl ArtifactKind {
    pub fn label_zh(self) -> &'static str {
        match self {
            ArtifactKind::Appimage => "AppImage",
            ArtifactKind::Deb => "deb 安装包",
        }
    }
}

/// `GET /api/v1/updates/latest`: the manifest exactly as it was signed
/// (its JSON text, so nothing has to be re-serialised to be checked) and
/// the detached signature over it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SignedUpdateManifest {
    /// The manifest's JSON text.
    pub manifest: String,
    /// `SM2SM3`, `ES256` or `RS256`.
    pub algorithm: String,
    /// Lower-case hex SHA-256 of the signing key's SubjectPublicKeyInfo.
    pub key_id: String,
    /// Base64 signature over [`UPDATE_SIGNING_CONTEXT`] followed by the
    /// manifest's bytes.
    pub signature: String,
}

/// Prefixed to the manifest's bytes before signing, so that an update
/// signature can never be taken for any other signature of the same key.
pub const UPDATE_SIGNING_CONTEXT: &[u8] = b"pingshen-update-manifest/1\0";

// ---- IPC: what the desktop's 软件更新 panel shows ---------------------------

/// The answer of `check_update`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateCheck {
    /// The running build's version.
    pub current: String,
    /// How this copy was installed and so how an update is applied.
    pub install: InstallKind,
    /// A verified newer version, when there is one for this install.
    pub offer: Option<UpdateOffer>,
    /// Whether the compiled-in update key is the public demo key (a build
    /// for tests and the sandbox, never for experts).
    pub demo_key: bool,
    #[serde(with = "time::serde::rfc3339")]
    pub checked_at: time::OffsetDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateOffer {
    pub version: String,
    #[serde(with = "time::serde::rfc3339")]
    pub published_at: time::OffsetDateTime,
    pub notes: String,
    pub kind: ArtifactKind,
    pub file: String,
    pub size: u64,
    pub sha256: String,
    /// The signing key's id (hex SHA-256 of its public key).
    pub key_id: String,
}

/// How the running copy was installed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum InstallKind {
    /// Run from an AppImage file at `path` (replaced by the update).
    Appimage { path: String },
    /// Installed by the .deb package (handed to the system installer).
    Deb,
    /// Anything else (a developer's build): updates are shown, not applied.
    Unmanaged,
}

/// The answer of `install_update`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum UpdateInstalled {
    /// The AppImage was replaced; the app restarts into the new version.
    Restarting { version: String },
    /// The verified package was handed to the system installer, which asks
    /// the person to confirm; `package` is where it lies.
    HandedToInstaller {
        version: String,
        package: String,
        installer: String,
    },
}
