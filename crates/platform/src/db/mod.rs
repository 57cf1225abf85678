//! The platform's database: SQLite (one file, `platform.sqlite`, in the
//! data directory; the default) or PostgreSQL (`serve --database
//! postgres://…`, which several instances may share). Every db function is
//! written once against [`sql::Conn`]. Writes are durable (SQLite: WAL +
//! synchronous=FULL; PostgreSQL: its defaults) because a receipt the
//! platform signs must never refer to a row that a crash can lose.

pub mod clarifications;
pub mod documents;
pub mod evaluation;
mod migrations;
pub mod motions;
pub mod people;
mod pg;
pub mod projects;
pub mod rules;
pub mod screening;
pub mod sessions;
pub mod sql;
pub mod witness;

use crate::submission::Stored;
use crate::PlatformError;
use pingshen_api::SignedEnvelope;
use rusqlite::Connection;
use sql::{Conn, OptionalExtension, Params, Row, SqlResult};
use std::path::Path;
use std::sync::{Arc, Mutex};

pub use sql::Engine;

pub const DB_FILE: &str = "platform.sqlite";

/// How often a PostgreSQL transaction is run again when a concurrent one
/// (another instance's, most often) made it fail: serialization failures
/// resolve in one or two retries; this bounds a pathological pile-up.
const PG_ATTEMPTS: u32 = 20;

/// A handle to the database, cheap to clone. All access goes through
/// [`Db::call`] or [`Db::write`], which run the closure on the blocking
/// pool so request handlers never block the async runtime on disk I/O.
#[derive(Clone)]
pub struct Db {
    store: Arc<Store>,
}

enum Store {
    /// One connection: SQLite has one writer at a time anyway, and the lock
    /// makes every closure run alone, as one transaction would.
    Sqlite(Mutex<Connection>),
    Postgres(pg::Pool),
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

    /// Connects to the PostgreSQL database at `url` (postgres://…) and
    /// brings its schema up to date; instances starting together migrate
    /// one after the other.
    pub fn open_postgres(url: &str) -> Result<Self, PlatformError> {
        let db = Self {
            store: Arc::new(Store::Postgres(pg::Pool::new(url))),
        };
        off_runtime(|| {
            let Store::Postgres(pool) = &*db.store else {
                unreachable!("just made")
            };
            let mut client = pool.get()?;
            migrations::apply_postgres(&mut client).map_err(sql::DbError::from)?;
            Ok(())
        })?;
        Ok(db)
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
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(sql::DbError::from)?;
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(sql::DbError::from)?;
        conn.pragma_update(None, "foreign_keys", "ON")
            .map_err(sql::DbError::from)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .map_err(sql::DbError::from)?;
        migrations::apply(&mut conn).map_err(sql::DbError::from)?;
        Ok(Self {
            store: Arc::new(Store::Sqlite(Mutex::new(conn))),
        })
    }

    pub fn engine(&self) -> Engine {
        match &*self.store {
            Store::Sqlite(_) => Engine::Sqlite,
            Store::Postgres(_) => Engine::Postgres,
        }
    }

    /// Runs `f` on the blocking pool: reads, and writes that need no
    /// transaction on SQLite. On PostgreSQL it is a transaction like
    /// [`Db::write`] (so `f` may run more than once).
    pub async fn call<F, R>(&self, f: F) -> Result<R, PlatformError>
    where
        F: FnMut(&Conn<'_>) -> Result<R, PlatformError> + Send + 'static,
        R: Send + 'static,
    {
        let db = self.clone();
        tokio::task::spawn_blocking(move || db.run(false, f))
            .await
            .map_err(|e| PlatformError::Internal(e.to_string()))?
    }

    /// Runs `f` in one transaction on the blocking pool: committed when `f`
    /// answers `Ok`, rolled back when it refuses. On PostgreSQL, a
    /// transaction another one (another instance's) made fail is run again
    /// from the start, so `f` must be free of effects outside the database.
    pub async fn write<F, R>(&self, f: F) -> Result<R, PlatformError>
    where
        F: FnMut(&Conn<'_>) -> Result<R, PlatformError> + Send + 'static,
        R: Send + 'static,
    {
        let db = self.clone();
        tokio::task::spawn_blocking(move || db.run(true, f))
            .await
            .map_err(|e| PlatformError::Internal(e.to_string()))?
    }

    /// [`Db::write`] synchronously, for start-up code (demo loading, CLI
    /// commands), inside a tokio runtime or not.
    pub fn with<R: Send>(
        &self,
        f: impl FnMut(&Conn<'_>) -> Result<R, PlatformError> + Send,
    ) -> Result<R, PlatformError> {
        match &*self.store {
            Store::Sqlite(_) => self.run(true, f),
            Store::Postgres(_) => off_runtime(|| self.run(true, f)),
        }
    }

    /// The SQLite connection itself, outside any transaction (what a
    /// transaction cannot change, such as `PRAGMA synchronous`, which a
    /// benchmark varies). Refused on PostgreSQL.
    pub fn with_sqlite<R>(
        &self,
        f: impl FnOnce(&Connection) -> rusqlite::Result<R>,
    ) -> Result<R, PlatformError> {
        match &*self.store {
            Store::Sqlite(conn) => {
                let guard = conn
                    .lock()
                    .map_err(|_| PlatformError::Internal("数据库连接锁已损坏".into()))?;
                Ok(f(&guard).map_err(sql::DbError::from)?)
            }
            Store::Postgres(_) => Err(PlatformError::Internal(
                "该操作只适用于 SQLite 数据库".into(),
            )),
        }
    }

    fn run<R>(
        &self,
        transaction: bool,
        mut f: impl FnMut(&Conn<'_>) -> Result<R, PlatformError>,
    ) -> Result<R, PlatformError> {
        match &*self.store {
            Store::Sqlite(conn) => {
                let mut guard = conn
                    .lock()
                    .map_err(|_| PlatformError::Internal("数据库连接锁已损坏".into()))?;
                if !transaction {
                    return f(&Conn::sqlite(&guard));
                }
                let tx = guard.transaction().map_err(sql::DbError::from)?;
                let answer = f(&Conn::sqlite(&tx))?;
                tx.commit().map_err(sql::DbError::from)?;
                Ok(answer)
            }
            Store::Postgres(pool) => {
                let mut attempt = 1;
                loop {
                    match pg_once(pool, &mut f) {
                        Err(PlatformError::Db(e)) if e.is_retryable() && attempt < PG_ATTEMPTS => {
                            // Back off a little, more each time, so the
                            // transactions that collided do not again.
                            let jitter = u64::from(uuid::Uuid::new_v4().as_bytes()[0] % 8);
                            std::thread::sleep(std::time::Duration::from_millis(
                                u64::from(attempt) * 2 + jitter,
                            ));
                            attempt += 1;
                        }
                        other => return other,
                    }
                }
            }
        }
    }

    /// This platform's stable identifier, created on first start (the
    /// instances sharing a database share it).
    pub fn platform_id(&self) -> Result<String, PlatformError> {
        let candidate = format!("pingshen-sandbox-{}", uuid::Uuid::new_v4().simple());
        self.with(|c| {
            c.execute(
                "INSERT INTO platform_meta (key, value) VALUES ('platform_id', ?1)
                 ON CONFLICT DO NOTHING",
                [&candidate],
            )?;
            Ok(c.query_row(
                "SELECT value FROM platform_meta WHERE key = 'platform_id'",
                [],
                |r| r.get(0),
            )?)
        })
    }
}

/// One SERIALIZABLE transaction around `f`, committed when it answers `Ok`.
fn pg_once<R>(
    pool: &pg::Pool,
    f: &mut impl FnMut(&Conn<'_>) -> Result<R, PlatformError>,
) -> Result<R, PlatformError> {
    let mut client = pool.get()?;
    let tx = client
        .build_transaction()
        .isolation_level(postgres::IsolationLevel::Serializable)
        .start()
        .map_err(sql::DbError::from)?;
    let conn = Conn::postgres(tx);
    let answer = f(&conn)?;
    conn.commit()?;
    Ok(answer)
}

/// Runs `f` where the sync PostgreSQL client may block: on this thread, or
/// on a scoped one when this one drives async tasks.
fn off_runtime<R: Send>(
    f: impl FnOnce() -> Result<R, PlatformError> + Send,
) -> Result<R, PlatformError> {
    if tokio::runtime::Handle::try_current().is_err() {
        return f();
    }
    std::thread::scope(|s| {
        s.spawn(f)
            .join()
            .unwrap_or_else(|_| Err(PlatformError::Internal("数据库线程异常退出".into())))
    })
}

/// Every row `sql` selects with `params`, each read by `row`.
pub fn all_rows<T>(
    conn: &Conn,
    sql: &str,
    params: impl Params,
    row: impl FnMut(&Row) -> SqlResult<T>,
) -> Result<Vec<T>, PlatformError> {
    Ok(conn.query(sql, params, row)?)
}

/// The signed document recorded in a place (`sql` selects its envelope
/// and receipt): what a retry is compared with and answered.
pub fn recorded(
    conn: &Conn,
    sql: &str,
    params: impl Params,
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
    conn: &Conn,
    sql: &str,
    params: impl Params,
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
pub fn texts2(r: &Row) -> SqlResult<(String, String)> {
    Ok((r.get(0)?, r.get(1)?))
}

/// A row of four text columns.
pub fn texts4(r: &Row) -> SqlResult<(String, String, String, String)> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
}

/// Creating and removing a probe file is the only reliable writability test
/// (permission bits lie for root and on read-only mounts).
fn check_writable(dir: &Path) -> std::io::Result<()> {
    let probe = dir.join(format!(".write-probe-{}", std::process::id()));
    std::fs::write(&probe, b"")?;
    std::fs::remove_file(&probe)
}
