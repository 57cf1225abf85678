//! Opening the SQLCipher database with a raw 32-byte key, and the connection
//! settings every store connection has.

use crate::error::{Result, StoreError};
use crate::migrations;
use rusqlite::{Connection, ErrorCode, OpenFlags};
use std::path::Path;
use std::sync::OnceLock;
use zeroize::Zeroizing;

/// The store master key: also the SQLCipher raw key of `store.db`.
pub(crate) type MasterKey = Zeroizing<[u8; 32]>;

/// Opens (or creates) `path` keyed with `key`, checks the key, applies the
/// pragmas and runs pending migrations.
pub(crate) fn open_keyed(path: &Path, key: &MasterKey) -> Result<Connection> {
    initialize_sqlcipher()?;
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
        | OpenFlags::SQLITE_OPEN_CREATE
        | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags)?;
    apply_key(&conn, key)?;
    check_key(&conn)?;
    // WAL: readers never block the autosave; FULL: a commit that returned is on disk;
    // secure_delete: freed pages are zeroed (purged text does not linger in free pages).
    let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(StoreError::Database(rusqlite::Error::InvalidQuery));
    }
    conn.execute_batch(
        "PRAGMA synchronous = FULL;
         PRAGMA secure_delete = ON;
         PRAGMA foreign_keys = ON;",
    )?;
    migrations::migrate(&conn)?;
    Ok(conn)
}

/// Initialises SQLite (and so SQLCipher) once, before any connection opens.
///
/// SQLite 3.54 marks itself initialised before it runs SQLCipher's extra
/// init, so a second thread opening a connection meanwhile gets "sqlcipher
/// not initialized" from `sqlite3_key` (seen with parallel tests). Running
/// the whole initialisation under a `OnceLock` makes the others wait.
fn initialize_sqlcipher() -> Result<()> {
    static INIT: OnceLock<std::os::raw::c_int> = OnceLock::new();
    // SAFETY: sqlite3_initialize takes no arguments and may be called repeatedly.
    let rc = *INIT.get_or_init(|| unsafe { rusqlite::ffi::sqlite3_initialize() });
    if rc == rusqlite::ffi::SQLITE_OK {
        Ok(())
    } else {
        Err(StoreError::Crypto {
            context: "sqlite3_initialize",
        })
    }
}

/// Hands the key to SQLCipher as a raw key (`x'<64 hex>'`, no PBKDF2) through
/// `sqlite3_key`, so the key never passes through SQL text that SQLite copies
/// and frees without wiping.
fn apply_key(conn: &Connection, key: &MasterKey) -> Result<()> {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut literal = Zeroizing::new(Vec::with_capacity(3 + 2 * key.len()));
    literal.extend_from_slice(b"x'");
    for b in key.iter() {
        literal.push(HEX[usize::from(b >> 4)]);
        literal.push(HEX[usize::from(b & 0x0f)]);
    }
    literal.push(b'\'');
    // SAFETY: the handle is valid while `conn` lives; SQLCipher copies the key.
    let rc = unsafe {
        rusqlite::ffi::sqlite3_key(
            conn.handle(),
            literal.as_ptr().cast(),
            literal.len() as std::os::raw::c_int,
        )
    };
    if rc != rusqlite::ffi::SQLITE_OK {
        return Err(StoreError::Crypto {
            context: "sqlite3_key",
        });
    }
    Ok(())
}

/// SQLCipher only notices a wrong key when it reads the first page.
fn check_key(conn: &Connection) -> Result<()> {
    match conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
        r.get::<_, i64>(0)
    }) {
        Ok(_) => Ok(()),
        Err(rusqlite::Error::SqliteFailure(e, _))
            if matches!(e.code, ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt) =>
        {
            Err(StoreError::KeyRejected)
        }
        Err(e) => Err(e.into()),
    }
}

/// Moves the WAL's content into the database and truncates the WAL to zero
/// bytes, so deleted rows do not survive in old WAL frames.
pub(crate) fn checkpoint_truncate(conn: &Connection) -> Result<()> {
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    Ok(())
}
