//! The vault: one profile folder per person (certificate), each with its own
//! encrypted store. Opening a store is the offline unlock.

use crate::db::{self, MasterKey};
use crate::error::{Result, StoreError};
use crate::fsutil::create_dir_all;
use crate::lock::ProfileLock;
use crate::profile::{ProfileFile, ProfileSummary};
use crate::store::Store;
use pingshen_pki::cert::fingerprint_sha256;
use pingshen_pki::{prove_possession, wrap_key_for, DataKey, PkiError, Signer};
use std::path::{Path, PathBuf};
use zeroize::Zeroizing;

pub(crate) const PROFILE_FILE: &str = "profile.json";
pub(crate) const DB_FILE: &str = "store.db";

/// The root of all local data: `root/profiles/<fingerprint>/`.
#[derive(Debug, Clone)]
pub struct Vault {
    root: PathBuf,
}

impl Vault {
    /// A vault in `root` (created on first open).
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Vault { root: root.into() }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    fn profiles_dir(&self) -> PathBuf {
        self.root.join("profiles")
    }

    /// The folder of the profile with this certificate fingerprint.
    pub fn profile_dir(&self, fingerprint: &str) -> PathBuf {
        self.profiles_dir().join(fingerprint)
    }

    /// The profiles on this machine, for the login screen, oldest first.
    /// Folders without a readable `profile.json` are left out.
    pub fn profiles(&self) -> Result<Vec<ProfileSummary>> {
        let dir = self.profiles_dir();
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(StoreError::io(&dir, e)),
        };
        let mut out = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|e| StoreError::io(&dir, e))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if !is_fingerprint(&name) {
                continue;
            }
            if let Ok(profile) = ProfileFile::read(&entry.path().join(PROFILE_FILE), &name) {
                out.push(profile.summary());
            }
        }
        out.sort_by(|a, b| (a.created_at, &a.fingerprint).cmp(&(b.created_at, &b.fingerprint)));
        Ok(out)
    }

    /// Opens the signer's own profile, creating it the first time.
    pub fn open(&self, signer: &dyn Signer) -> Result<Store> {
        let fingerprint = fingerprint_sha256(signer.certificate())?;
        self.open_at(&fingerprint, signer)
    }

    /// Opens the profile the user picked on the login screen with the key
    /// they presented: `profile_owner_mismatch` when it is someone else's.
    pub fn open_profile(&self, fingerprint: &str, signer: &dyn Signer) -> Result<Store> {
        let presented = fingerprint_sha256(signer.certificate())?;
        if presented != fingerprint {
            return Err(StoreError::NotProfileOwner {
                profile: fingerprint.to_string(),
                presented,
            });
        }
        if !self.profile_dir(fingerprint).join(PROFILE_FILE).exists() {
            return Err(StoreError::NoProfile {
                profile: fingerprint.to_string(),
            });
        }
        self.open_at(fingerprint, signer)
    }

    fn open_at(&self, fingerprint: &str, signer: &dyn Signer) -> Result<Store> {
        let dir = self.profile_dir(fingerprint);
        create_dir_all(&dir)?;
        let lock = ProfileLock::acquire(&dir)?;
        let profile_path = dir.join(PROFILE_FILE);
        let (profile, key) = if profile_path.exists() {
            unlock(&profile_path, fingerprint, signer)?
        } else {
            create(&dir, signer)?
        };
        let conn = db::open_keyed(&dir.join(DB_FILE), &key)?;
        drop(key);
        let store = Store::new(conn, dir, lock, profile);
        store.resume_pending_purges()?;
        Ok(store)
    }
}

/// Offline unlock: the presented key must sign for the stored certificate,
/// then it unwraps the master key.
fn unlock(path: &Path, fingerprint: &str, signer: &dyn Signer) -> Result<(ProfileFile, MasterKey)> {
    let profile = ProfileFile::read(path, fingerprint)?;
    let stored_cert = profile.leaf()?;
    prove_possession(signer, &stored_cert).map_err(possession_error)?;
    let data_key = signer.unwrap_key(&profile.wrapped_master_key)?;
    let key = Zeroizing::new(*data_key.expose());
    Ok((profile, key))
}

/// First use: a random master key, wrapped to the certificate, written before
/// the database exists (so a database never exists without its key).
fn create(dir: &Path, signer: &dyn Signer) -> Result<(ProfileFile, MasterKey)> {
    prove_possession(signer, signer.certificate()).map_err(possession_error)?;
    set_aside_orphan_db(dir)?;
    let data_key = DataKey::random()?;
    let wrapped = wrap_key_for(signer.certificate(), &data_key)?;
    let profile = ProfileFile::new(signer.chain(), wrapped)?;
    profile.write(&dir.join(PROFILE_FILE))?;
    let key = Zeroizing::new(*data_key.expose());
    Ok((profile, key))
}

/// A `store.db` without `profile.json` cannot be opened by anyone (its key
/// was only ever in the lost profile); keep it aside rather than delete it.
fn set_aside_orphan_db(dir: &Path) -> Result<()> {
    let stamp = crate::clock::now_millis();
    for suffix in ["", "-wal", "-shm"] {
        let from = dir.join(format!("{DB_FILE}{suffix}"));
        if from.exists() {
            let to = dir.join(format!("{DB_FILE}{suffix}.orphaned-{stamp}"));
            std::fs::rename(&from, &to).map_err(|e| StoreError::io(&from, e))?;
        }
    }
    Ok(())
}

fn possession_error(e: PkiError) -> StoreError {
    match e {
        PkiError::KeyMismatch => StoreError::KeyMismatch,
        other => StoreError::Pki(other),
    }
}

fn is_fingerprint(name: &str) -> bool {
    name.len() == 64
        && name
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}
