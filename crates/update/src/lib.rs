//! Signed updates of `pingshen-desktop`.
//!
//! The trust chain is short on purpose: a centre's release manager signs the
//! manifest offline with the update key; this build carries the public half
//! ([`keys::TrustedKeys::compiled`]); the manifest names each file's size and
//! SHA-256. Nothing the platform says about an update is believed without
//! that signature, so a compromised platform (or a network in between) can
//! withhold an update but never substitute one.
//!
//! - [`keys`]: the compiled-in keys and key ids.
//! - [`manifest`]: checking a signed manifest and choosing what to offer.
//! - [`publish`]: signing a manifest (the `pingshen update publish` side).
//! - [`file`]: checking a downloaded file against the manifest.
//! - [`install`]: how this copy was installed, replacing an AppImage and
//!   handing a .deb to the system installer.
//!
//! Architecture invariant: nothing is installed that was not first
//! verified: [`install`] takes only a [`file::VerifiedFile`], which only
//! [`file::verify`] makes.

pub mod error;
pub mod file;
pub mod install;
pub mod keys;
pub mod manifest;
pub mod publish;

pub use error::UpdateError;
pub use file::{verify as verify_file, VerifiedFile};
pub use install::{detect_install, handoff_deb, replace_appimage};
pub use keys::TrustedKeys;
pub use manifest::{choose_offer, verify_manifest, VerifiedManifest};
pub use publish::sign_manifest;

/// The machine's architecture as manifests name it.
pub const ARCH: &str = std::env::consts::ARCH;
