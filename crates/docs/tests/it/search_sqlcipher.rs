//! The desktop store is SQLCipher (rusqlite feature `bundled-sqlcipher`): the
//! search index must work on a keyed, encrypted database, FTS5 trigram and
//! contentless deletes included.

use pingshen_docs::search::{
    create_schema, index_document, remove_document, search, DocRef, PageInput, Query,
};
use rusqlite::Connection;

#[test]
fn fts5_trigram_and_grams_work_on_an_encrypted_database() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store.db");
    {
        let conn = Connection::open(&path).unwrap();
        conn.pragma_update(None, "key", "test-passphrase").unwrap();
        let version: String = conn
            .query_row("PRAGMA cipher_version", [], |r| r.get(0))
            .unwrap();
        assert!(!version.is_empty(), "not SQLCipher");
        create_schema(&conn).unwrap();
        let doc = DocRef {
            doc: "bid-B01".into(),
            bidder: Some("B01".into()),
        };
        let pages = [PageInput {
            number: 1,
            text: "本工程计划工期360日历天，投标人须知前附表。",
        }];
        assert_eq!(index_document(&conn, &doc, pages).unwrap(), 1);
        assert_eq!(search(&conn, &Query::new("工期")).unwrap().len(), 1);
        assert_eq!(search(&conn, &Query::new("投标人须知")).unwrap().len(), 1);
    }
    // The file is encrypted: the page text is not in it, and a wrong key fails.
    let bytes = std::fs::read(&path).unwrap();
    assert!(!contains(&bytes, "投标人须知".as_bytes()));
    assert!(!contains(&bytes, b"SQLite format 3"));
    let wrong = Connection::open(&path).unwrap();
    wrong.pragma_update(None, "key", "wrong").unwrap();
    assert!(wrong
        .query_row("SELECT count(*) FROM doc_pages", [], |r| r.get::<_, i64>(0))
        .is_err());

    let conn = Connection::open(&path).unwrap();
    conn.pragma_update(None, "key", "test-passphrase").unwrap();
    assert_eq!(remove_document(&conn, "bid-B01").unwrap(), 1);
    assert!(search(&conn, &Query::new("工期")).unwrap().is_empty());
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}
