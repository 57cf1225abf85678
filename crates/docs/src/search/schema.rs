use super::SearchError;
use rusqlite::Connection;

/// Creates the search tables if they do not exist. Idempotent.
pub fn create_schema(conn: &Connection) -> Result<(), SearchError> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS doc_pages (
             id INTEGER PRIMARY KEY,
             doc TEXT NOT NULL,
             bidder TEXT,
             page INTEGER NOT NULL,
             text TEXT NOT NULL,
             UNIQUE (doc, page)
         );
         CREATE INDEX IF NOT EXISTS doc_pages_bidder ON doc_pages (bidder);
         CREATE VIRTUAL TABLE IF NOT EXISTS doc_trigram USING fts5(
             body, content = '', contentless_delete = 1, tokenize = 'trigram'
         );
         CREATE VIRTUAL TABLE IF NOT EXISTS doc_grams USING fts5(
             body, content = '', contentless_delete = 1, tokenize = 'ascii'
         );",
    )?;
    Ok(())
}
