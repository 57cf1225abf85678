//! Per-project document keys: 32 random bytes per project, created on first
//! use, stored only inside the encrypted database (never in a file of their
//! own), deleted by the project's purge.

use crate::clock::now_millis;
use crate::error::{crypto, Result, StoreError};
use rusqlite::{params, Connection, OptionalExtension};
use zeroize::Zeroizing;

pub(crate) type DocKey = Zeroizing<[u8; 32]>;

/// The project's key, created if it has none.
pub(crate) fn get_or_create(conn: &Connection, project: &str) -> Result<DocKey> {
    if let Some(key) = get(conn, project)? {
        return Ok(key);
    }
    let mut fresh: DocKey = Zeroizing::new([0u8; 32]);
    openssl::rand::rand_bytes(fresh.as_mut()).map_err(crypto("random"))?;
    // OR IGNORE: should another path have created one meanwhile, keep it.
    conn.execute(
        "INSERT OR IGNORE INTO project_keys (project, doc_key, created_at) VALUES (?1, ?2, ?3)",
        params![project, &fresh[..], now_millis()],
    )?;
    get(conn, project)?.ok_or_else(|| StoreError::not_found("项目密钥", project))
}

/// The project's key, if it has one.
pub(crate) fn get(conn: &Connection, project: &str) -> Result<Option<DocKey>> {
    let bytes: Option<Zeroizing<Vec<u8>>> = conn
        .query_row(
            "SELECT doc_key FROM project_keys WHERE project = ?1",
            [project],
            |r| r.get::<_, Vec<u8>>(0).map(Zeroizing::new),
        )
        .optional()?;
    Ok(match bytes {
        Some(b) if b.len() == 32 => {
            let mut key: DocKey = Zeroizing::new([0u8; 32]);
            key.copy_from_slice(&b);
            Some(key)
        }
        Some(_) => return Err(StoreError::not_found("项目密钥", project)),
        None => None,
    })
}
