//! Search correctness on the demo documents' page texts: every page that
//! contains a term is found and no other, for 1-, 2-, 3- and 4-character
//! terms; filters, ranking, snippets; and a purge that leaves no text.

use crate::common::{truth, DEMO};
use pingshen_docs::normalize::{nfkc, squeeze};
use pingshen_docs::search::{self, DocRef, PageInput, Query};
use rusqlite::Connection;
use std::collections::BTreeSet;

fn bidder_of(name: &str) -> Option<String> {
    name.strip_prefix("bid-").map(str::to_string)
}

/// A database with every demo page indexed; also returns (doc, page, text).
fn indexed(conn: &Connection) -> Vec<(String, u32, String)> {
    search::create_schema(conn).unwrap();
    let mut all = Vec::new();
    for name in DEMO {
        let pages = truth(name).pages;
        let doc = DocRef {
            doc: name.to_string(),
            bidder: bidder_of(name),
        };
        let inputs = pages.iter().map(|(n, t)| PageInput {
            number: *n,
            text: t,
        });
        assert_eq!(
            search::index_document(conn, &doc, inputs).unwrap(),
            pages.len()
        );
        all.extend(pages.into_iter().map(|(n, t)| (name.to_string(), n, t)));
    }
    all
}

fn expected(
    all: &[(String, u32, String)],
    term: &str,
    only: Option<&str>,
) -> BTreeSet<(String, u32)> {
    let needle = squeeze(&nfkc(term));
    all.iter()
        .filter(|(doc, _, _)| only.is_none_or(|b| bidder_of(doc).as_deref() == Some(b)))
        .filter(|(_, _, text)| squeeze(&nfkc(text)).contains(&needle))
        .map(|(doc, page, _)| (doc.clone(), *page))
        .collect()
}

fn found(conn: &Connection, query: Query) -> BTreeSet<(String, u32)> {
    let hits = search::search(conn, &query.limit(100_000)).unwrap();
    let set: BTreeSet<_> = hits.iter().map(|h| (h.doc.clone(), h.page)).collect();
    assert_eq!(set.len(), hits.len(), "no duplicate hits");
    set
}

#[test]
fn every_page_with_the_term_and_no_other() {
    let conn = Connection::open_in_memory().unwrap();
    let all = indexed(&conn);
    let terms = [
        // 1 and 2 characters: the FTS5 trigram tokenizer alone finds none of these
        "井",
        "工期",
        "废标",
        "沥青",
        "围挡",
        "保函",
        "K值",
        "3%",
        // 3 and 4 characters
        "评标委",
        "施工方案",
        "交通疏导",
        "投标报价",
        "质量保证",
        "检查井周",
        "SMA-13",
    ];
    for term in terms {
        let want = expected(&all, term, None);
        assert!(!want.is_empty(), "{term} occurs somewhere");
        let got = found(&conn, Query::new(term));
        assert_eq!(got, want, "{term}");
    }
}

#[test]
fn terms_match_across_line_breaks_and_full_width_forms() {
    let conn = Connection::open_in_memory().unwrap();
    search::create_schema(&conn).unwrap();
    let doc = DocRef {
        doc: "d".into(),
        bidder: None,
    };
    let pages = [
        PageInput {
            number: 1,
            text: "计划工\n期为360日历天",
        },
        PageInput {
            number: 2,
            text: "工程期限",
        },
        PageInput {
            number: 3,
            text: "采用ＳＭＡ－１３上面层",
        },
    ];
    search::index_document(&conn, &doc, pages).unwrap();
    let pages_of = |q: &str| -> Vec<u32> {
        search::search(&conn, &Query::new(q))
            .unwrap()
            .iter()
            .map(|h| h.page)
            .collect()
    };
    assert_eq!(pages_of("工期"), vec![1]);
    assert_eq!(pages_of("工期为360"), vec![1]);
    assert_eq!(pages_of("sma-13"), vec![3]);
    assert_eq!(pages_of("ＳＭＡ"), vec![3]);
    assert!(pages_of("期限工").is_empty());
}

#[test]
fn filters_by_bidder_and_document_and_combines_terms() {
    let conn = Connection::open_in_memory().unwrap();
    let all = indexed(&conn);
    let got = found(&conn, Query::new("沥青").bidder("B03"));
    assert_eq!(got, expected(&all, "沥青", Some("B03")));
    assert!(got.iter().all(|(doc, _)| doc == "bid-B03"));

    let got = found(&conn, Query::new("工期").doc("tender").doc("bid-B06"));
    let want: BTreeSet<_> = expected(&all, "工期", None)
        .into_iter()
        .filter(|(d, _)| d == "tender" || d == "bid-B06")
        .collect();
    assert_eq!(got, want);

    // Two terms of different lengths: both must be on the page.
    let got = found(&conn, Query::new("工期 交通疏导"));
    let want: BTreeSet<_> = expected(&all, "工期", None)
        .intersection(&expected(&all, "交通疏导", None))
        .cloned()
        .collect();
    assert!(!want.is_empty());
    assert_eq!(got, want);
}

#[test]
fn ranks_denser_pages_first_and_highlights_matches() {
    let conn = Connection::open_in_memory().unwrap();
    search::create_schema(&conn).unwrap();
    let doc = DocRef {
        doc: "d".into(),
        bidder: Some("B01".into()),
    };
    let filler = "本页为施工组织设计的一般说明，内容与检索词无关。".repeat(3);
    let once = format!("{filler}本工程工期紧。");
    let often = format!("{filler}工期、工期、工期、工期。");
    let pages = [
        PageInput {
            number: 1,
            text: &once,
        },
        PageInput {
            number: 2,
            text: &often,
        },
    ];
    search::index_document(&conn, &doc, pages).unwrap();
    let hits = search::search(&conn, &Query::new("工期")).unwrap();
    assert_eq!(hits.iter().map(|h| h.page).collect::<Vec<_>>(), vec![2, 1]);
    assert!(hits[0].score > hits[1].score);
    for hit in &hits {
        assert_eq!(hit.bidder.as_deref(), Some("B01"));
        assert!(!hit.highlights.is_empty());
        for range in &hit.highlights {
            assert_eq!(squeeze(&hit.snippet[range.clone()]), "工期");
        }
    }
    assert_eq!(
        search::search(&conn, &Query::new("工期").limit(1))
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn an_empty_query_is_an_error_with_a_code() {
    let conn = Connection::open_in_memory().unwrap();
    search::create_schema(&conn).unwrap();
    let error = search::search(&conn, &Query::new("  \n ")).unwrap_err();
    assert_eq!(error.code(), "empty_query");
    assert_eq!(error.to_string(), "请输入检索词");
}

#[test]
fn a_purge_leaves_no_page_text_behind() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plain.db");
    let conn = Connection::open(&path).unwrap();
    let all = indexed(&conn);
    // Text that occurs only in B03's document.
    let unique = "武汉恒达建设工程有限公司";
    assert!(all
        .iter()
        .all(|(doc, _, text)| doc == "bid-B03" || !text.contains(unique)));
    conn.execute_batch("CREATE VIRTUAL TABLE trigram_terms USING fts5vocab(doc_trigram, 'row')")
        .unwrap();
    let term_count = |term: &str| -> i64 {
        conn.query_row(
            "SELECT count(*) FROM trigram_terms WHERE term = ?1",
            [term],
            |r| r.get(0),
        )
        .unwrap()
    };
    assert_eq!(term_count("恒达建"), 1);
    assert!(file_contains(&path, unique));

    let removed = search::remove_document(&conn, "bid-B03").unwrap();
    assert_eq!(removed, truth("bid-B03").pages.len());
    assert!(found(&conn, Query::new("恒达")).is_empty());
    assert!(found(&conn, Query::new("武汉恒达建设")).is_empty());
    assert_eq!(
        term_count("恒达建"),
        0,
        "no trigram of the purged text is left in the index"
    );
    let left: i64 = conn
        .query_row(
            "SELECT count(*) FROM doc_pages WHERE doc = 'bid-B03'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(left, 0);
    // secure_delete zeroes the freed cells: gone even before VACUUM.
    assert!(
        !file_contains(&path, unique),
        "page text left in freed pages"
    );
    search::compact(&conn).unwrap();
    drop(conn);
    assert!(
        !file_contains(&path, unique),
        "page text still in the database file"
    );
    // Other documents are untouched.
    let conn = Connection::open(&path).unwrap();
    assert_eq!(
        found(&conn, Query::new("沥青").bidder("B05")),
        expected(&all, "沥青", Some("B05"))
    );
}

fn file_contains(path: &std::path::Path, text: &str) -> bool {
    let bytes = std::fs::read(path).unwrap();
    bytes.windows(text.len()).any(|w| w == text.as_bytes())
}
