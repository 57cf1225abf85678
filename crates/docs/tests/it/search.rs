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
    assert!(file_contains(&path, unique));
    for term in ["恒达", "恒达建", "武汉恒达建设"] {
        let before = found(&conn, Query::new(term));
        assert!(!before.is_empty(), "{term} before");
        assert!(before.iter().all(|(doc, _)| doc == "bid-B03"));
    }

    let removed = search::remove_document(&conn, "bid-B03").unwrap();
    assert_eq!(removed, truth("bid-B03").pages.len());
    // Terms only in B03's text, of 2, 3 and 6 characters: no posting of
    // them is left (a posting left behind would name a page that is gone,
    // an error here). Postings are checked entry by entry in index.rs.
    for term in ["恒达", "恒达建", "武汉恒达建设"] {
        assert!(found(&conn, Query::new(term)).is_empty(), "{term}");
    }
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

/// The terms of the table tests: 1 to 6 characters, common and rare.
const TERMS: [&str; 14] = [
    "井",
    "标",
    "%",
    "工期",
    "沥青",
    "K值",
    "投标人",
    "检查井",
    "评标委",
    "施工方案",
    "交通疏导",
    "SMA-13",
    "投标人须知",
    "施工组织设计",
];

/// Which demo documents a scope keeps.
type Keeps = fn(&str) -> bool;

/// Scopes as (query filters, which demo documents they keep).
fn scopes() -> Vec<(Query, Keeps)> {
    vec![
        (Query::new(""), |_| true),
        (Query::new("").bidder("B03"), |d| d == "bid-B03"),
        (Query::new("").bidder("B02").bidder("B05"), |d| {
            d == "bid-B02" || d == "bid-B05"
        }),
        (Query::new("").doc("bid-B05"), |d| d == "bid-B05"),
        (Query::new("").doc("tender").doc("bid-B06"), |d| {
            d == "tender" || d == "bid-B06"
        }),
        // Both filters: the documents named, of the bidders named.
        (
            Query::new("").doc("tender").doc("bid-B06").bidder("B06"),
            |d| d == "bid-B06",
        ),
        (Query::new("").doc("no-such-document"), |_| false),
    ]
}

fn with_text(scope: &Query, text: &str) -> Query {
    Query {
        text: text.to_string(),
        ..scope.clone()
    }
}

#[test]
fn every_page_with_the_term_in_every_scope() {
    let conn = Connection::open_in_memory().unwrap();
    let all = indexed(&conn);
    for term in TERMS {
        let everywhere = expected(&all, term, None);
        assert!(!everywhere.is_empty(), "{term} occurs somewhere");
        for (scope, keeps) in scopes() {
            let want: BTreeSet<_> = everywhere
                .iter()
                .filter(|(doc, _)| keeps(doc))
                .cloned()
                .collect();
            let got = found(&conn, with_text(&scope, term));
            assert_eq!(got, want, "{term} in {scope:?}");
        }
    }
}

#[test]
fn the_cut_to_the_best_keeps_the_full_ranking_order() {
    let conn = Connection::open_in_memory().unwrap();
    indexed(&conn);
    let key = |h: &search::Hit| (h.doc.clone(), h.page, h.score.to_bits(), h.snippet.clone());
    for text in TERMS
        .iter()
        .copied()
        .chain(["工期 交通疏导", "井 标", "标 投标人须知"])
    {
        for (scope, _) in scopes() {
            let query = with_text(&scope, text);
            let full = search::search(&conn, &query.clone().limit(100_000)).unwrap();
            for pair in full.windows(2) {
                assert!(
                    pair[0].score >= pair[1].score,
                    "{text}: best first ({} then {})",
                    pair[0].score,
                    pair[1].score
                );
            }
            for limit in [1, 3, 20] {
                let cut = search::search(&conn, &query.clone().limit(limit)).unwrap();
                assert_eq!(cut.len(), full.len().min(limit), "{text} {scope:?}");
                let want: Vec<_> = full.iter().take(limit).map(key).collect();
                let got: Vec<_> = cut.iter().map(key).collect();
                assert_eq!(got, want, "{text} {scope:?} limit {limit}");
            }
            assert!(search::search(&conn, &query.clone().limit(0))
                .unwrap()
                .is_empty());
        }
    }
}

#[test]
fn single_characters_rank_by_count_and_length() {
    let conn = Connection::open_in_memory().unwrap();
    search::create_schema(&conn).unwrap();
    let filler = "本页内容与检索词无关，仅为说明。".repeat(4);
    let texts = [
        format!("{filler}井"),             // 1: once, long page
        "井".to_string(),                  // 2: once, short page
        format!("{filler}井井井"),         // 3: three times
        filler.clone(),                    // 4: none
        format!("{filler}检\n查井，井盖"), // 5: twice, across a line break
    ];
    let pages: Vec<PageInput> = texts
        .iter()
        .enumerate()
        .map(|(i, t)| PageInput {
            number: i as u32 + 1,
            text: t,
        })
        .collect();
    let doc = DocRef {
        doc: "d".into(),
        bidder: None,
    };
    search::index_document(&conn, &doc, pages).unwrap();
    let order: Vec<u32> = search::search(&conn, &Query::new("井"))
        .unwrap()
        .iter()
        .map(|h| h.page)
        .collect();
    // BM25: on pages of a length, more occurrences first (3, 5, 1); at one
    // occurrence, the shorter page first (2 before 1); page 4 has none.
    let rank = |page: u32| order.iter().position(|&p| p == page).unwrap();
    assert_eq!(order.len(), 4);
    assert!(rank(3) < rank(5) && rank(5) < rank(1));
    assert!(rank(2) < rank(1));
    let hits = search::search(&conn, &Query::new("查井")).unwrap();
    assert_eq!(hits.len(), 1);
    assert_eq!(
        squeeze(&hits[0].snippet[hits[0].highlights[0].clone()]),
        "查井"
    );
    // A term longer than any page, and one whose pairs occur but not in a row.
    assert!(search::search(&conn, &Query::new("井".repeat(9)))
        .unwrap()
        .is_empty());
    assert!(search::search(&conn, &Query::new("井盖井"))
        .unwrap()
        .is_empty());
    // Overlapping occurrences count: 井井 twice on page 3.
    let hits = search::search(&conn, &Query::new("井井")).unwrap();
    assert_eq!(hits.iter().map(|h| h.page).collect::<Vec<_>>(), vec![3]);
}

/// Many documents (segments merged as they are added), then removals and a
/// re-index: results stay exactly the pages holding the term.
#[test]
fn merged_segments_stay_exact_through_removals_and_reindexing() {
    let dir = tempfile::tempdir().unwrap();
    let conn = Connection::open(dir.path().join("many.db")).unwrap();
    search::create_schema(&conn).unwrap();
    let mut all: Vec<(String, u32, String)> = Vec::new();
    let index = |conn: &Connection, name: &str, copy: usize| {
        let pages = truth(name).pages;
        let doc = DocRef {
            doc: format!("{name}#{copy}"),
            bidder: bidder_of(name),
        };
        let inputs = pages.iter().map(|(n, t)| PageInput {
            number: *n,
            text: t,
        });
        search::index_document(conn, &doc, inputs).unwrap();
        pages
            .into_iter()
            .map(|(n, t)| (doc.doc.clone(), n, t))
            .collect::<Vec<_>>()
    };
    for copy in 0..6 {
        for name in DEMO {
            all.extend(index(&conn, name, copy));
        }
    }
    let segments: i64 = conn
        .query_row("SELECT count(*) FROM search_segments", [], |r| r.get(0))
        .unwrap();
    assert!(segments < 10, "42 documents in {segments} segments");
    let check = |all: &[(String, u32, String)], when: &str| {
        for term in ["井", "工期", "检查井", "施工方案", "投标人须知"] {
            let needle = squeeze(&nfkc(term));
            let want: BTreeSet<_> = all
                .iter()
                .filter(|(_, _, text)| squeeze(&nfkc(text)).contains(&needle))
                .map(|(doc, page, _)| (doc.clone(), *page))
                .collect();
            assert_eq!(found(&conn, Query::new(term)), want, "{term} {when}");
            let b03: BTreeSet<_> = want
                .iter()
                .filter(|(doc, _)| doc.starts_with("bid-B03#"))
                .cloned()
                .collect();
            assert_eq!(
                found(&conn, Query::new(term).bidder("B03")),
                b03,
                "{term} {when}"
            );
        }
    };
    check(&all, "after indexing");
    // Over several segments, the cut is the head of the full ranking.
    for term in ["投标人", "检查井", "施工组织设计", "井"] {
        let full = search::search(&conn, &Query::new(term).limit(100_000)).unwrap();
        assert!(full.len() > 40, "{term}: {} pages", full.len());
        for limit in [1, 7, 20] {
            let cut = search::search(&conn, &Query::new(term).limit(limit)).unwrap();
            let key = |h: &search::Hit| (h.doc.clone(), h.page, h.score.to_bits());
            assert_eq!(
                cut.iter().map(key).collect::<Vec<_>>(),
                full.iter().take(limit).map(key).collect::<Vec<_>>(),
                "{term} limit {limit}"
            );
        }
    }
    for doc in ["bid-B01#0", "tender#3", "bid-B06#5"] {
        let pages = all.iter().filter(|(d, _, _)| d == doc).count();
        assert_eq!(search::remove_document(&conn, doc).unwrap(), pages);
        all.retain(|(d, _, _)| d != doc);
    }
    check(&all, "after removals");
    // Re-indexing replaces (the document moves to a new segment).
    all.retain(|(d, _, _)| d != "bid-B03#2");
    all.extend(index(&conn, "bid-B03", 2));
    check(&all, "after re-indexing");
    let pages: i64 = conn
        .query_row("SELECT sum(pages) FROM search_segments", [], |r| r.get(0))
        .unwrap();
    assert_eq!(pages as usize, all.len());
}

#[test]
fn an_index_of_the_fts5_layout_is_rebuilt_from_the_page_text() {
    let conn = Connection::open_in_memory().unwrap();
    // The first layout: page text and two FTS5 indexes, no version.
    conn.execute_batch(
        "CREATE TABLE doc_pages (
             id INTEGER PRIMARY KEY, doc TEXT NOT NULL, bidder TEXT,
             page INTEGER NOT NULL, text TEXT NOT NULL, UNIQUE (doc, page));
         CREATE INDEX doc_pages_bidder ON doc_pages (bidder);
         CREATE VIRTUAL TABLE doc_trigram USING fts5(
             body, content = '', contentless_delete = 1, tokenize = 'trigram');
         CREATE VIRTUAL TABLE doc_grams USING fts5(
             body, content = '', contentless_delete = 1, tokenize = 'ascii');
         INSERT INTO doc_pages (doc, bidder, page, text) VALUES
             ('tender', NULL, 1, '投标人须知前附表'),
             ('bid-B01', 'B01', 2, '计划工\n期为360日历天'),
             ('bid-B01', 'B01', 1, '投标函');",
    )
    .unwrap();
    search::create_schema(&conn).unwrap();
    let tables: i64 = conn
        .query_row(
            "SELECT count(*) FROM sqlite_schema WHERE name IN ('doc_trigram', 'doc_grams')",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(tables, 0, "the FTS5 tables are dropped");
    let version: i64 = conn
        .query_row(
            "SELECT value FROM search_meta WHERE key = 'version'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(version, search::SCHEMA_VERSION);
    let hits = search::search(&conn, &Query::new("工期").bidder("B01")).unwrap();
    assert_eq!(
        (hits.len(), hits[0].doc.as_str(), hits[0].page),
        (1, "bid-B01", 2)
    );
    assert_eq!(search::search(&conn, &Query::new("投标")).unwrap().len(), 2);
    assert_eq!(
        search::page_texts(&conn, "bid-B01").unwrap(),
        vec![
            (1, "投标函".to_string()),
            (2, "计划工\n期为360日历天".to_string())
        ]
    );
    // Idempotent once current.
    search::create_schema(&conn).unwrap();
    assert_eq!(search::search(&conn, &Query::new("投标")).unwrap().len(), 2);
}

/// Terms of 3+ characters are verified from positions only for the pages
/// whose count bound could still reach the best `limit`: pages whose pairs
/// are frequent but rarely in a row must not displace true matches, and the
/// cut must equal the head of the fully verified ranking.
#[test]
fn pruned_verification_equals_verifying_every_page() {
    let conn = Connection::open_in_memory().unwrap();
    search::create_schema(&conn).unwrap();
    let texts: Vec<String> = (0..300u32)
        .map(|i| {
            let mut text = "说明文字".repeat((i % 7) as usize);
            text += &"标人，".repeat((i % 5) as usize);
            text += &"投标。".repeat((i % 4) as usize);
            if i % 3 == 0 {
                text += &"投标人".repeat((i % 4) as usize);
            }
            if i % 11 == 0 {
                text += "投\n标\n人须知";
            }
            text
        })
        .collect();
    // Twice, in two documents: every score is tied with a twin's.
    for name in ["d", "twin"] {
        let pages = texts.iter().enumerate().map(|(i, t)| PageInput {
            number: i as u32 + 1,
            text: t,
        });
        let doc = DocRef {
            doc: name.into(),
            bidder: Some("B01".into()),
        };
        search::index_document(&conn, &doc, pages).unwrap();
    }
    for text in ["投标人", "投标人 标", "标人投", "投标人须知", "人须知 投标"] {
        let needles: Vec<String> = text.split(' ').map(|t| squeeze(&nfkc(t))).collect();
        let want: BTreeSet<(String, u32)> = texts
            .iter()
            .enumerate()
            .filter(|(_, t)| needles.iter().all(|n| squeeze(t).contains(n.as_str())))
            .flat_map(|(i, _)| {
                [
                    ("d".to_string(), i as u32 + 1),
                    ("twin".to_string(), i as u32 + 1),
                ]
            })
            .collect();
        let full = search::search(&conn, &Query::new(text).limit(100_000)).unwrap();
        let got: BTreeSet<(String, u32)> = full.iter().map(|h| (h.doc.clone(), h.page)).collect();
        assert_eq!(got, want, "{text}");
        for limit in [1, 2, 5, 10, 20, 33, 50, 200] {
            let cut = search::search(&conn, &Query::new(text).limit(limit)).unwrap();
            let key = |h: &search::Hit| (h.doc.clone(), h.page, h.score.to_bits());
            assert_eq!(
                cut.iter().map(key).collect::<Vec<_>>(),
                full.iter().take(limit).map(key).collect::<Vec<_>>(),
                "{text} limit {limit}"
            );
        }
    }
}
