//! Witness logs: one append-only chain per (project, witness). The table's
//! triggers refuse UPDATE and DELETE, so not even a bug here can change an
//! entry once stored.

use crate::db::projects::{format_time, parse_time};
use crate::db::sql::{params, Conn, OptionalExtension, Params, Row, SqlResult};
use crate::PlatformError;
use pingshen_api::{Role, SignedEnvelope, WitnessLogEntry};
use time::OffsetDateTime;

/// The schema, applied by the migration `0005_witness`. Released: never
/// edit it, add a migration.
pub(crate) const SCHEMA: &str = r#"
    CREATE TABLE witness_entries (
        project_id  TEXT NOT NULL REFERENCES projects(id),
        witness_id  TEXT NOT NULL REFERENCES people(id),
        seq         INTEGER NOT NULL CHECK (seq >= 1),
        entry_id    TEXT NOT NULL UNIQUE,
        -- SHA-256 of `envelope`, which is stored in canonical form
        -- (docs/witness.md); the next entry's prev_hash names it.
        entry_hash  TEXT NOT NULL UNIQUE,
        prev_hash   TEXT NOT NULL,
        envelope    TEXT NOT NULL,
        received_at TEXT NOT NULL,
        receipt     TEXT NOT NULL,
        PRIMARY KEY (project_id, witness_id, seq)
    );
    -- An entry is never changed or removed: a correction is a new entry.
    CREATE TRIGGER witness_entries_no_update BEFORE UPDATE ON witness_entries
    BEGIN SELECT RAISE(ABORT, 'witness entries are append-only'); END;
    CREATE TRIGGER witness_entries_no_delete BEFORE DELETE ON witness_entries
    BEGIN SELECT RAISE(ABORT, 'witness entries are append-only'); END;
"#;

/// An entry as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredEntry {
    pub project_id: String,
    pub witness_id: String,
    pub seq: u64,
    pub entry_id: String,
    pub entry_hash: String,
    pub envelope: SignedEnvelope,
    pub received_at: OffsetDateTime,
    pub receipt: SignedEnvelope,
}

/// A verified entry to append (its hash is its canonical envelope's,
/// stored with the receipt).
pub struct NewEntry<'a> {
    pub project_id: &'a str,
    pub witness_id: &'a str,
    pub seq: u64,
    pub entry_id: &'a str,
    pub prev_hash: &'a str,
}

const COLUMNS: &str =
    "project_id, witness_id, seq, entry_id, entry_hash, envelope, received_at, receipt";

fn parse_envelope(s: &str) -> Result<SignedEnvelope, PlatformError> {
    serde_json::from_str(s).map_err(|e| PlatformError::Internal(format!("存储的签名信封损坏：{e}")))
}

fn from_row(r: &Row) -> SqlResult<Result<StoredEntry, PlatformError>> {
    let (envelope, received_at, receipt): (String, String, String) =
        (r.get(5)?, r.get(6)?, r.get(7)?);
    let base = (
        r.get::<_, String>(0)?,
        r.get::<_, String>(1)?,
        r.get::<_, i64>(2)?,
        r.get::<_, String>(3)?,
        r.get::<_, String>(4)?,
    );
    Ok((|| {
        let (project_id, witness_id, seq, entry_id, entry_hash) = base;
        Ok(StoredEntry {
            project_id,
            witness_id,
            seq: seq as u64,
            entry_id,
            entry_hash,
            envelope: parse_envelope(&envelope)?,
            received_at: parse_time(&received_at)?,
            receipt: parse_envelope(&receipt)?,
        })
    })())
}

fn one(conn: &Conn, sql_where: &str, p: impl Params) -> Result<Option<StoredEntry>, PlatformError> {
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM witness_entries WHERE {sql_where}"),
        p,
        from_row,
    )
    .optional()?
    .transpose()
}

/// The entry with this id, in any log.
pub fn by_id(conn: &Conn, entry_id: &str) -> Result<Option<StoredEntry>, PlatformError> {
    one(conn, "entry_id = ?1", [entry_id])
}

/// Whether an envelope with this hash is stored (an exact retry).
pub fn has_hash(conn: &Conn, entry_hash: &str) -> Result<bool, PlatformError> {
    Ok(conn
        .query_row(
            "SELECT 1 FROM witness_entries WHERE entry_hash = ?1",
            [entry_hash],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}

/// `(seq, entry_hash)` of the last entry of a log.
pub fn head(
    conn: &Conn,
    project_id: &str,
    witness_id: &str,
) -> Result<Option<(u64, String)>, PlatformError> {
    Ok(conn
        .query_row(
            "SELECT seq, entry_hash FROM witness_entries
             WHERE project_id = ?1 AND witness_id = ?2 ORDER BY seq DESC LIMIT 1",
            params![project_id, witness_id],
            |r| Ok((r.get::<_, i64>(0)? as u64, r.get(1)?)),
        )
        .optional()?)
}

pub fn insert(
    conn: &Conn,
    e: &NewEntry<'_>,
    r: &crate::submission::Receipted<'_>,
) -> Result<(), PlatformError> {
    conn.execute(
        "INSERT INTO witness_entries (project_id, witness_id, seq, entry_id, entry_hash,
             prev_hash, envelope, received_at, receipt)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            e.project_id,
            e.witness_id,
            i64::try_from(e.seq).map_err(|_| PlatformError::Internal("序号过大".into()))?,
            e.entry_id,
            r.body.envelope_sha256,
            e.prev_hash,
            r.body.envelope_json,
            format_time(r.body.at)?,
            r.receipt_json
        ],
    )?;
    Ok(())
}

/// One witness's log on a project, in seq order.
pub fn log_of(
    conn: &Conn,
    project_id: &str,
    witness_id: &str,
) -> Result<Vec<StoredEntry>, PlatformError> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM witness_entries
         WHERE project_id = ?1 AND witness_id = ?2 ORDER BY seq"
    ))?;
    let rows = stmt.query_map(params![project_id, witness_id], from_row)?;
    let mut out = Vec::new();
    for row in rows {
        out.push(row??);
    }
    Ok(out)
}

/// A project's logs (one witness's, or all), ordered by witness then seq,
/// with the witnesses' names.
pub fn list(
    conn: &Conn,
    project_id: &str,
    witness_id: Option<&str>,
) -> Result<Vec<WitnessLogEntry>, PlatformError> {
    // The CAST names the type PostgreSQL cannot infer from `IS NULL`.
    let mut stmt = conn.prepare(
        "SELECT w.project_id, w.witness_id, w.seq, w.entry_id, w.entry_hash, w.envelope,
                w.received_at, w.receipt, p.name
         FROM witness_entries w JOIN people p ON p.id = w.witness_id
         WHERE w.project_id = ?1 AND (CAST(?2 AS TEXT) IS NULL OR w.witness_id = ?2)
         ORDER BY w.witness_id, w.seq",
    )?;
    let rows = stmt.query_map(params![project_id, witness_id], |r| {
        Ok((from_row(r)?, r.get::<_, String>(8)?))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (stored, witness_name) = row?;
        let s = stored?;
        out.push(WitnessLogEntry {
            witness_id: s.witness_id,
            witness_name,
            seq: s.seq,
            entry_id: s.entry_id,
            entry_hash: s.entry_hash,
            received_at: s.received_at,
            envelope: s.envelope,
            receipt: s.receipt,
        });
    }
    Ok(out)
}

/// The witnesses assigned to a project.
pub fn assigned_witnesses(conn: &Conn, project_id: &str) -> Result<Vec<String>, PlatformError> {
    let mut stmt = conn.prepare(
        "SELECT p.id FROM assignments a JOIN people p ON p.id = a.person_id
         WHERE a.project_id = ?1 AND p.role = ?2 ORDER BY p.id",
    )?;
    let rows = stmt.query_map(params![project_id, Role::Witness.as_str()], |r| r.get(0))?;
    Ok(rows.collect::<SqlResult<_>>()?)
}

/// Whether `person_id` is the panel leader (评标组长) of `project_id`, who
/// may read the project's witness logs: the leader the panel elected
/// (`crate::evaluation::leader`).
pub fn is_panel_leader(
    conn: &Conn,
    project_id: &str,
    person_id: &str,
) -> Result<bool, PlatformError> {
    Ok(crate::evaluation::leader(conn, project_id)?.as_deref() == Some(person_id))
}
