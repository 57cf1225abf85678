//! An open store: the keyed database connection, the profile folder and its
//! lock. Table APIs hang off it as small borrowed views.

use crate::error::{Result, StoreError};
use crate::lock::ProfileLock;
use crate::profile::{PersonInfo, ProfileFile, ProfileSummary};
use crate::tables::{Annotations, Documents, Drafts, Outbox, Projects, Receipts, WitnessLog};
use crate::vault::PROFILE_FILE;
use rusqlite::Connection;
use std::path::{Path, PathBuf};

/// One person's open store. Not `Sync`: share it behind a mutex. Dropping it
/// closes the database and releases the profile lock.
pub struct Store {
    // Field order matters: the connection closes before the lock is released.
    conn: Connection,
    dir: PathBuf,
    profile: ProfileFile,
    _lock: ProfileLock,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("dir", &self.dir)
            .finish_non_exhaustive()
    }
}

impl Store {
    pub(crate) fn new(
        conn: Connection,
        dir: PathBuf,
        lock: ProfileLock,
        profile: ProfileFile,
    ) -> Self {
        Store {
            conn,
            dir,
            profile,
            _lock: lock,
        }
    }

    /// The profile folder (`root/profiles/<fingerprint>`).
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Who this store belongs to.
    pub fn profile(&self) -> ProfileSummary {
        self.profile.summary()
    }

    /// Records the person's id, name and role (e.g. after the first online
    /// login confirmed them); rewrites `profile.json` atomically.
    pub fn set_person(&mut self, person: PersonInfo) -> Result<()> {
        let mut updated = self.profile.clone();
        updated.person = person;
        updated.write(&self.dir.join(PROFILE_FILE))?;
        self.profile = updated;
        Ok(())
    }

    pub fn projects(&self) -> Projects<'_> {
        Projects::new(&self.conn)
    }

    pub fn documents(&self) -> Documents<'_> {
        Documents::new(&self.conn, &self.dir)
    }

    pub fn annotations(&self) -> Annotations<'_> {
        Annotations::new(&self.conn)
    }

    pub fn drafts(&self) -> Drafts<'_> {
        Drafts::new(&self.conn)
    }

    pub fn outbox(&self) -> Outbox<'_> {
        Outbox::new(&self.conn)
    }

    pub fn receipts(&self) -> Receipts<'_> {
        Receipts::new(&self.conn)
    }

    pub fn witness_log(&self) -> WitnessLog<'_> {
        WitnessLog::new(&self.conn)
    }

    /// `PRAGMA integrity_check` (diagnostics and the crash tests).
    pub fn integrity_check(&self) -> Result<()> {
        let result: String = self
            .conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
        if result == "ok" {
            Ok(())
        } else {
            Err(StoreError::Database(rusqlite::Error::SqliteFailure(
                rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CORRUPT),
                Some(result),
            )))
        }
    }

    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }
}
