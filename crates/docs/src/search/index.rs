use super::grams::gram_body;
use super::SearchError;
use crate::model::PageText;
use crate::normalize::{nfkc, search_form};
use rusqlite::{params, Connection};

/// Which document the pages belong to. `doc` is the caller's stable id (for
/// example the manifest file name); `bidder` is `None` for the tender.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocRef {
    pub doc: String,
    pub bidder: Option<String>,
}

/// A page to index: number and text.
#[derive(Debug, Clone, Copy)]
pub struct PageInput<'a> {
    pub number: u32,
    pub text: &'a str,
}

impl<'a> From<&'a PageText> for PageInput<'a> {
    fn from(page: &'a PageText) -> Self {
        PageInput {
            number: page.number,
            text: &page.text,
        }
    }
}

/// Indexes (or re-indexes) a document's pages in one transaction. Returns the
/// number of pages indexed. Replacing a document deletes its old rows but
/// does not compact the index; [`remove_document`] does.
pub fn index_document<'a>(
    conn: &Connection,
    doc: &DocRef,
    pages: impl IntoIterator<Item = PageInput<'a>>,
) -> Result<usize, SearchError> {
    let tx = conn.unchecked_transaction()?;
    delete_rows(&tx, &doc.doc)?;
    let mut count = 0;
    {
        let mut page_insert = tx.prepare_cached(
            "INSERT INTO doc_pages (doc, bidder, page, text) VALUES (?1, ?2, ?3, ?4)",
        )?;
        let mut trigram_insert =
            tx.prepare_cached("INSERT INTO doc_trigram (rowid, body) VALUES (?1, ?2)")?;
        let mut grams_insert =
            tx.prepare_cached("INSERT INTO doc_grams (rowid, body) VALUES (?1, ?2)")?;
        for page in pages {
            let text = nfkc(page.text);
            let (chars, _) = search_form(&text);
            let id = page_insert.insert(params![doc.doc, doc.bidder, page.number, text])?;
            let squeezed: String = chars.iter().collect();
            trigram_insert.execute(params![id, squeezed])?;
            grams_insert.execute(params![id, gram_body(&chars)])?;
            count += 1;
        }
    }
    tx.commit()?;
    Ok(count)
}

/// Purges a document: deletes its pages from all three tables, then merges
/// the FTS5 indexes ('optimize') so no deleted token survives in an old
/// segment, with `secure_delete` on so freed database pages are zeroed.
/// Returns the number of pages removed. The file does not shrink; call
/// [`compact`] (VACUUM) for that.
///
/// Side effect: leaves `PRAGMA secure_delete = ON` on the connection.
pub fn remove_document(conn: &Connection, doc: &str) -> Result<usize, SearchError> {
    conn.pragma_update(None, "secure_delete", "ON")?;
    let tx = conn.unchecked_transaction()?;
    let removed = delete_rows(&tx, doc)?;
    tx.execute(
        "INSERT INTO doc_trigram (doc_trigram) VALUES ('optimize')",
        [],
    )?;
    tx.execute("INSERT INTO doc_grams (doc_grams) VALUES ('optimize')", [])?;
    tx.commit()?;
    Ok(removed)
}

/// Rebuilds the database file (VACUUM) so it shrinks after purges. Must not
/// run inside a transaction.
pub fn compact(conn: &Connection) -> Result<(), SearchError> {
    conn.execute_batch("VACUUM")?;
    Ok(())
}

fn delete_rows(conn: &Connection, doc: &str) -> Result<usize, SearchError> {
    conn.execute(
        "DELETE FROM doc_trigram WHERE rowid IN (SELECT id FROM doc_pages WHERE doc = ?1)",
        [doc],
    )?;
    conn.execute(
        "DELETE FROM doc_grams WHERE rowid IN (SELECT id FROM doc_pages WHERE doc = ?1)",
        [doc],
    )?;
    Ok(conn.execute("DELETE FROM doc_pages WHERE doc = ?1", [doc])?)
}

/// The indexed text of a document's pages, in page order: what the screens
/// compare (the search tables keep the text they were built from).
pub fn page_texts(conn: &Connection, doc: &str) -> Result<Vec<(u32, String)>, SearchError> {
    let mut stmt = conn.prepare("SELECT page, text FROM doc_pages WHERE doc = ?1 ORDER BY page")?;
    let rows = stmt.query_map([doc], |r| Ok((r.get::<_, u32>(0)?, r.get::<_, String>(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}
