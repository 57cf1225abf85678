//! The platform's SQLite database: one file, `platform.sqlite`, in the data
//! directory. Writes are durable (WAL + synchronous=FULL) because a receipt
//! the platform signs must never refer to a row that a crash can lose.

pub mod clarifications;
pub mod documents;
pub mod evaluation;
mod migrations;
pub mod motions;
pub mod people;
pub mod projects;
pub mod rules;
pub mod screening;
pub mod sessions;
pub mod witness;

use crate::submission::Stored;
use crate::PlatformError;
use pingshen_api::SignedEnvelope;
use rusqlite::{Connection, OptionalExtension};
use std::path::Path;
use std::sync::{Arc, Mutex};

pub const DB_FILE: &str = "platform.sqlite";

/// A handle to the database, cheap to clone. All access goes through
/// [`Db::call`], which runs the closure on the blocking pool so request
/// handlers never block the async runtime on disk I/O.
#[derive(Clone)]
pub struct Db {
    conn: Arc<Mutex<Connection>>,
}

impl Db {
    /// Opens or creates `dir/platform.sqlite`, creating `dir` if needed, and
    /// brings the schema up to date.
    pub fn open_in(dir: &Path) -> Result<Self, PlatformError> {
        Self::check_data_dir(dir)?;
        let conn = Connection::open(dir.join(DB_FILE)).map_err(|e| PlatformError::DataDir {
            path: dir.display().to_string(),
            reason: e.to_string(),
        })?;
        Self::from_connection(conn)
    }

    /// Creates `dir` if missing and checks that it is a writable directory.
    pub fn check_data_dir(dir: &Path) -> Result<(), PlatformError> {
        let unusable = |reason: String| PlatformError::DataDir {
            path: dir.display().to_string(),
            reason,
        };
        std::fs::create_dir_all(dir).map_err(|e| unusable(e.to_string()))?;
        if !dir.is_dir() {
            return Err(unusable("不是目录".into()));
        }
        check_writable(dir).map_err(|e| unusable(format!("不可写：{e}")))
    }

    /// Wraps an open connection (tests may use an in-memory one).
    pub fn from_connection(mut conn: Connection) -> Result<Self, PlatformError> {
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        migrations::apply(&mut conn)?;
        Ok(Self {
            conn: Arc::new(Mutex::new(conn)),
        })
    }

    /// Runs `f` with exclusive access to the connection on the blocking pool.
    pub async fn call<F, R>(&self, f: F) -> Result<R, PlatformError>
    where
        F: FnOnce(&mut Connection) -> Result<R, PlatformError> + Send + 'static,
        R: Send + 'static,
    {
        let conn = self.conn.clone();
        tokio::task::spawn_blocking(move || {
            let mut guard = conn
                .lock()
                .map_err(|_| PlatformError::Internal("数据库连接锁已损坏".into()))?;
            f(&mut guard)
        })
        .await
        .map_err(|e| PlatformError::Internal(e.to_string()))?
    }

    /// Runs `f` in one transaction on the blocking pool: committed when `f`
    /// answers `Ok`, rolled back when it refuses.
    pub async fn write<F, R>(&self, f: F) -> Result<R, PlatformError>
    where
        F: FnOnce(&rusqlite::Transaction<'_>) -> Result<R, PlatformError> + Send + 'static,
        R: Send + 'static,
    {
        self.call(move |c| {
            let tx = c.transaction()?;
            let answer = f(&tx)?;
            tx.commit()?;
            Ok(answer)
        })
        .await
    }

    /// Synchronous access for start-up code (demo loading, CLI commands).
    pub fn with<R>(
        &self,
        f: impl FnOnce(&mut Connection) -> Result<R, PlatformError>,
    ) -> Result<R, PlatformError> {
        let mut guard = self
            .conn
            .lock()
            .map_err(|_| PlatformError::Internal("数据库连接锁已损坏".into()))?;
        f(&mut guard)
    }

    /// This platform's stable identifier, created on first start.
    pub fn platform_id(&self) -> Result<String, PlatformError> {
        self.with(|conn| {
            let tx = conn.transaction()?;
            let existing: Option<String> = tx
                .query_row(
                    "SELECT value FROM platform_meta WHERE key = 'platform_id'",
                    [],
                    |r| r.get(0),
                )
                .ok();
            let id = match existing {
                Some(id) => id,
                None => {
                    let id = format!("pingshen-sandbox-{}", uuid::Uuid::new_v4().simple());
                    tx.execute(
                        "INSERT INTO platform_meta (key, value) VALUES ('platform_id', ?1)",
                        [&id],
                    )?;
                    id
                }
            };
            tx.commit()?;
            Ok(id)
        })
    }
}

/// Every row `sql` selects with `params`, each read by `row`.
pub fn all_rows<T>(
    conn: &Connection,
    sql: &str,
    params: impl rusqlite::Params,
    row: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
) -> Result<Vec<T>, PlatformError> {
    let mut stmt = conn.prepare(sql)?;
    let rows = stmt.query_map(params, row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The signed document recorded in a place (`sql` selects its envelope
/// and receipt): what a retry is compared with and answered.
pub fn recorded(
    conn: &Connection,
    sql: &str,
    params: impl rusqlite::Params,
) -> Result<Option<Stored<SignedEnvelope>>, PlatformError> {
    let row: Option<(String, String)> = conn
        .query_row(sql, params, |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    row.map(|(envelope, receipt)| {
        Ok(Stored {
            envelope_sha256: crate::receipts::sha256_hex(envelope.as_bytes()),
            answer: serde_json::from_str(&receipt)
                .map_err(|e| PlatformError::Internal(format!("存储的回执损坏：{e}")))?,
        })
    })
    .transpose()
}

/// A signed document as stored: the document (its JSON column parsed),
/// when it arrived, its envelope and the platform's receipt.
pub struct SignedRow<T> {
    pub doc: T,
    pub at: time::OffsetDateTime,
    pub envelope: SignedEnvelope,
    pub receipt: SignedEnvelope,
}

/// Every row `sql` selects with `params`, each as (document JSON, envelope,
/// receipt, received_at), parsed.
pub fn signed_rows<T: serde::de::DeserializeOwned>(
    conn: &Connection,
    sql: &str,
    params: impl rusqlite::Params,
) -> Result<Vec<SignedRow<T>>, PlatformError> {
    let parse =
        |e: serde_json::Error| PlatformError::Internal(format!("已存签名文件无法解析：{e}"));
    all_rows(conn, sql, params, texts4)?
        .into_iter()
        .map(|(doc, envelope, receipt, at)| {
            Ok(SignedRow {
                doc: serde_json::from_str(&doc).map_err(parse)?,
                at: projects::parse_time(&at)?,
                envelope: serde_json::from_str(&envelope).map_err(parse)?,
                receipt: serde_json::from_str(&receipt).map_err(parse)?,
            })
        })
        .collect()
}

/// A row of two text columns.
pub fn texts2(r: &rusqlite::Row<'_>) -> rusqlite::Result<(String, String)> {
    Ok((r.get(0)?, r.get(1)?))
}

/// A row of four text columns.
pub fn texts4(r: &rusqlite::Row<'_>) -> rusqlite::Result<(String, String, String, String)> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
}

/// Creating and removing a probe file is the only reliable writability test
/// (permission bits lie for root and on read-only mounts).
fn check_writable(dir: &Path) -> std::io::Result<()> {
    let probe = dir.join(format!(".write-probe-{}", std::process::id()));
    std::fs::write(&probe, b"")?;
    std::fs::remove_file(&probe)
}
