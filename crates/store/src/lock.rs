//! One process at a time per profile: an advisory lock on `profiles/<fp>/lock`,
//! held for as long as the [`crate::Store`] lives. The OS releases it when the
//! process dies, so a crash never leaves a stale lock behind.

use crate::error::{Result, StoreError};
use std::fs::{File, OpenOptions, TryLockError};
use std::path::Path;

/// An exclusive lock on a profile folder; released on drop.
#[derive(Debug)]
pub(crate) struct ProfileLock {
    _file: File,
}

impl ProfileLock {
    /// Takes the lock or fails at once with `store_locked`.
    pub(crate) fn acquire(profile_dir: &Path) -> Result<Self> {
        let path = profile_dir.join("lock");
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|e| StoreError::io(&path, e))?;
        match file.try_lock() {
            Ok(()) => Ok(ProfileLock { _file: file }),
            Err(TryLockError::WouldBlock) => Err(StoreError::Locked),
            Err(TryLockError::Error(e)) => Err(StoreError::io(&path, e)),
        }
    }
}
