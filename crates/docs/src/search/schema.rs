use super::index::add_document;
use super::{DocRef, PageInput, SearchError};
use rusqlite::{Connection, OptionalExtension};

/// The layout of the search tables. 1 (unrecorded): FTS5 `doc_trigram` and
/// `doc_grams`; 2: postings by segment (`search_postings`).
pub const SCHEMA_VERSION: i64 = 2;

/// Creates the search tables if they do not exist, and brings an index of an
/// older layout up to date by rebuilding it from the stored page text
/// (`doc_pages`). Idempotent; works inside or outside a transaction.
pub fn create_schema(conn: &Connection) -> Result<(), SearchError> {
    conn.execute_batch("SAVEPOINT search_schema")?;
    match upgrade(conn) {
        Ok(()) => {
            conn.execute_batch("RELEASE search_schema")?;
            Ok(())
        }
        Err(e) => {
            let _ = conn.execute_batch("ROLLBACK TO search_schema; RELEASE search_schema");
            Err(e)
        }
    }
}

fn upgrade(conn: &Connection) -> Result<(), SearchError> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS doc_pages (
             id INTEGER PRIMARY KEY,
             doc TEXT NOT NULL,
             bidder TEXT,
             page INTEGER NOT NULL,
             text TEXT NOT NULL,
             UNIQUE (doc, page)
         );
         -- Each document's pages are the ids first_id .. first_id + pages - 1.
         -- A filter reads only the key or the covering index.
         CREATE TABLE IF NOT EXISTS search_docs (
             doc TEXT PRIMARY KEY,
             bidder TEXT,
             first_id INTEGER NOT NULL,
             pages INTEGER NOT NULL
         ) WITHOUT ROWID;
         DROP INDEX IF EXISTS search_docs_bidder;
         CREATE INDEX IF NOT EXISTS search_docs_by_bidder
             ON search_docs (bidder, first_id, pages);
         -- Postings are grouped in segments of whole documents, merged as
         -- documents are added; chars is the pages' total length.
         CREATE TABLE IF NOT EXISTS search_segments (
             id INTEGER PRIMARY KEY,
             first_id INTEGER NOT NULL,
             last_id INTEGER NOT NULL,
             pages INTEGER NOT NULL,
             chars INTEGER NOT NULL
         );
         -- key: segment, kind and gram (see grams.rs); data: see postings.rs.
         CREATE TABLE IF NOT EXISTS search_postings (
             key INTEGER PRIMARY KEY,
             data BLOB NOT NULL
         );
         CREATE TABLE IF NOT EXISTS search_meta (
             key TEXT PRIMARY KEY,
             value INTEGER NOT NULL
         );",
    )?;
    let version: Option<i64> = conn
        .query_row(
            "SELECT value FROM search_meta WHERE key = 'version'",
            [],
            |r| r.get(0),
        )
        .optional()?;
    if version == Some(SCHEMA_VERSION) {
        return Ok(());
    }
    rebuild(conn)?;
    conn.execute(
        "INSERT OR REPLACE INTO search_meta (key, value) VALUES ('version', ?1)",
        [SCHEMA_VERSION],
    )?;
    Ok(())
}

/// Drops the old indexes and indexes every stored document again, in the
/// order they were first indexed.
fn rebuild(conn: &Connection) -> Result<(), SearchError> {
    conn.execute_batch(
        "DROP TABLE IF EXISTS doc_trigram;
         DROP TABLE IF EXISTS doc_grams;
         DROP INDEX IF EXISTS doc_pages_bidder;
         DELETE FROM search_postings;
         DELETE FROM search_segments;
         DELETE FROM search_docs;",
    )?;
    let docs: Vec<(String, Option<String>)> = {
        let mut stmt =
            conn.prepare("SELECT doc, bidder FROM doc_pages GROUP BY doc ORDER BY min(id)")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect::<Result<_, _>>()?
    };
    for (doc, bidder) in docs {
        let pages = super::page_texts(conn, &doc)?;
        let inputs = pages.iter().map(|(number, text)| PageInput {
            number: *number,
            text,
        });
        add_document(conn, &DocRef { doc, bidder }, inputs)?;
    }
    Ok(())
}
