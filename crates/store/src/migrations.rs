//! Schema migrations, numbered by `PRAGMA user_version`, each applied in one
//! transaction together with its version bump.

use crate::error::{Result, StoreError};
use rusqlite::{Connection, TransactionBehavior};

/// The migrations in order; index + 1 is the version each one produces.
const MIGRATIONS: &[fn(&Connection) -> Result<()>] = &[
    v1_initial,
    v2_project_summaries,
    v3_refused_submissions,
    v4_credit_and_rejections,
    v5_search_postings,
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

pub(crate) fn migrate(conn: &Connection) -> Result<()> {
    let found: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if found > SCHEMA_VERSION {
        return Err(StoreError::SchemaTooNew {
            found,
            supported: SCHEMA_VERSION,
        });
    }
    for (index, step) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        let version = index as i64 + 1;
        let tx = rusqlite::Transaction::new_unchecked(conn, TransactionBehavior::Immediate)?;
        step(&tx)?;
        tx.pragma_update(None, "user_version", version)?;
        tx.commit()?;
    }
    Ok(())
}

fn v1_initial(conn: &Connection) -> Result<()> {
    conn.execute_batch(
        "CREATE TABLE projects (
             project TEXT PRIMARY KEY,
             detail_json TEXT,
             rules_json TEXT,
             manifest_json TEXT,
             updated_at INTEGER NOT NULL
         );
         -- Per-project random document keys (AES-256-GCM for the blobs). They
         -- live only inside this encrypted database; purge deletes them.
         CREATE TABLE project_keys (
             project TEXT PRIMARY KEY,
             doc_key BLOB NOT NULL CHECK (length(doc_key) = 32),
             created_at INTEGER NOT NULL
         );
         CREATE TABLE purges_pending (
             project TEXT PRIMARY KEY,
             started_at INTEGER NOT NULL
         );
         CREATE TABLE documents (
             project TEXT NOT NULL,
             file_id TEXT NOT NULL,
             bidder TEXT,
             kind TEXT NOT NULL,
             name TEXT NOT NULL,
             size INTEGER NOT NULL CHECK (size >= 0),
             sha256 TEXT NOT NULL,
             sm3 TEXT NOT NULL,
             state TEXT NOT NULL CHECK (state IN ('missing', 'partial', 'verified', 'failed')),
             blob_path TEXT,
             metadata_json TEXT,
             outline_json TEXT,
             page_count INTEGER,
             updated_at INTEGER NOT NULL,
             PRIMARY KEY (project, file_id)
         );
         CREATE TABLE annotations (
             id INTEGER PRIMARY KEY,
             project TEXT NOT NULL,
             file_id TEXT NOT NULL,
             page INTEGER NOT NULL CHECK (page >= 1),
             kind TEXT NOT NULL CHECK (kind IN ('note', 'bookmark')),
             text TEXT NOT NULL,
             created_at INTEGER NOT NULL,
             updated_at INTEGER NOT NULL,
             FOREIGN KEY (project, file_id) REFERENCES documents (project, file_id)
                 ON DELETE CASCADE
         );
         CREATE INDEX annotations_by_page ON annotations (project, file_id, page);
         CREATE TABLE drafts (
             project TEXT NOT NULL,
             sheet_kind TEXT NOT NULL,
             bidder TEXT NOT NULL,
             item TEXT NOT NULL,
             value TEXT NOT NULL,
             reason TEXT NOT NULL,
             updated_at INTEGER NOT NULL,
             PRIMARY KEY (project, sheet_kind, bidder, item)
         );
         CREATE TABLE sheets (
             project TEXT NOT NULL,
             version INTEGER NOT NULL CHECK (version >= 1),
             state TEXT NOT NULL CHECK (state IN ('editing', 'submitted', 'locked')),
             submission_id TEXT,
             updated_at INTEGER NOT NULL,
             PRIMARY KEY (project, version)
         );
         CREATE TABLE outbox (
             submission_id TEXT PRIMARY KEY,
             kind TEXT NOT NULL,
             project TEXT NOT NULL,
             endpoint TEXT NOT NULL,
             body BLOB NOT NULL,
             created_at INTEGER NOT NULL,
             attempts INTEGER NOT NULL DEFAULT 0,
             next_attempt_at INTEGER NOT NULL,
             last_error TEXT,
             state TEXT NOT NULL CHECK (state IN ('pending', 'delivered')),
             receipt BLOB,
             delivered_at INTEGER
         );
         CREATE INDEX outbox_due ON outbox (state, next_attempt_at);
         CREATE TABLE receipts (
             submission_id TEXT PRIMARY KEY,
             receipt BLOB NOT NULL,
             received_at INTEGER NOT NULL
         );
         CREATE TABLE witness_log (
             project TEXT NOT NULL,
             seq INTEGER NOT NULL CHECK (seq >= 1),
             entry_id TEXT NOT NULL UNIQUE,
             envelope BLOB NOT NULL,
             entry_hash TEXT NOT NULL,
             prev_hash TEXT,
             synced_at INTEGER,
             PRIMARY KEY (project, seq)
         );",
    )?;
    pingshen_docs::search::create_schema(conn)?;
    Ok(())
}

/// The platform's one-line summary of each project, kept so that the project
/// list can be shown offline, with projects never opened on this computer.
fn v2_project_summaries(conn: &Connection) -> Result<()> {
    conn.execute_batch("ALTER TABLE projects ADD COLUMN summary_json TEXT;")?;
    Ok(())
}

/// A submission the platform refused for good (the stage closed, the
/// expert no longer sits, …) is kept, signed, as `refused` with the
/// platform's reason, instead of being retried for ever: the expert sees
/// why, and can export it. SQLite cannot change a CHECK in place, so the
/// table is rebuilt.
fn v3_refused_submissions(conn: &Connection) -> Result<()> {
    conn.execute_batch(
        "CREATE TABLE outbox_v3 (
             submission_id TEXT PRIMARY KEY,
             kind TEXT NOT NULL,
             project TEXT NOT NULL,
             endpoint TEXT NOT NULL,
             body BLOB NOT NULL,
             created_at INTEGER NOT NULL,
             attempts INTEGER NOT NULL DEFAULT 0,
             next_attempt_at INTEGER NOT NULL,
             last_error TEXT,
             state TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'refused')),
             receipt BLOB,
             delivered_at INTEGER,
             refusal TEXT
         );
         INSERT INTO outbox_v3 (submission_id, kind, project, endpoint, body, created_at,
                                attempts, next_attempt_at, last_error, state, receipt, delivered_at)
             SELECT submission_id, kind, project, endpoint, body, created_at,
                    attempts, next_attempt_at, last_error, state, receipt, delivered_at
             FROM outbox;
         DROP TABLE outbox;
         ALTER TABLE outbox_v3 RENAME TO outbox;
         CREATE INDEX outbox_due ON outbox (state, next_attempt_at);",
    )?;
    Ok(())
}

/// The credit records and the bids the panel rejected by vote, kept once
/// verified: offline, the grid computes credit points and leaves rejected
/// bids out exactly as it did online.
fn v4_credit_and_rejections(conn: &Connection) -> Result<()> {
    conn.execute_batch(
        "ALTER TABLE projects ADD COLUMN credit_json TEXT;
         ALTER TABLE projects ADD COLUMN rejected_json TEXT;",
    )?;
    Ok(())
}

/// The search index becomes compact postings by segment (search layout 2,
/// `pingshen_docs::search::SCHEMA_VERSION`): the FTS5 tables are dropped and
/// every document already indexed is indexed again from its stored page
/// text, in this migration's transaction.
fn v5_search_postings(conn: &Connection) -> Result<()> {
    pingshen_docs::search::create_schema(conn)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use pingshen_docs::search::{search, Query};

    #[test]
    fn a_v4_store_with_the_fts5_index_is_indexed_again() {
        let conn = Connection::open_in_memory().unwrap();
        // A v4 store as builds before v5 left it: page text and the FTS5 index.
        for step in &MIGRATIONS[..4] {
            step(&conn).unwrap();
        }
        conn.execute_batch(
            "DROP TABLE search_postings; DROP TABLE search_segments;
             DROP TABLE search_docs; DROP TABLE search_meta;
             CREATE VIRTUAL TABLE doc_trigram USING fts5(
                 body, content = '', contentless_delete = 1, tokenize = 'trigram');
             CREATE VIRTUAL TABLE doc_grams USING fts5(
                 body, content = '', contentless_delete = 1, tokenize = 'ascii');
             INSERT INTO doc_pages (doc, bidder, page, text) VALUES
                 ('P1/bid-B01.pdf', 'B01', 1, '本工程计划工期360日历天'),
                 ('P1/tender.pdf', NULL, 1, '投标人须知前附表');
             PRAGMA user_version = 4;",
        )
        .unwrap();
        migrate(&conn).unwrap();
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(version, SCHEMA_VERSION);
        let fts: i64 = conn
            .query_row(
                "SELECT count(*) FROM sqlite_schema WHERE name IN ('doc_trigram', 'doc_grams')",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(fts, 0);
        let hits = search(&conn, &Query::new("工期").bidder("B01")).unwrap();
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].doc, "P1/bid-B01.pdf");
        assert_eq!(search(&conn, &Query::new("须知")).unwrap().len(), 1);
    }
}
