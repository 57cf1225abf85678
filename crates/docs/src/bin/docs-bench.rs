//! Benchmarks: extraction pages/s against pdftotext on the same corpus in the
//! same run (both using two processes at a time) with character agreement,
//! on the demo PDFs and on a CJK test-suite corpus (bench/extraction.rs), and
//! search latency p50/p95 over 10,000+ pages for 1- to 6-character terms.
//!
//! cargo run --release -p pingshen-docs --bin docs-bench [-- --rounds N] [--cjk-rounds N] [--per-file] [--cipher] [--gap-ms N]

#[path = "bench/extraction.rs"]
mod extraction;

use pingshen_docs::search::{self, DocRef, PageInput, Query};
use pingshen_docs::PageText;
use rusqlite::Connection;
use std::time::{Duration, Instant};

const DEMO: [&str; 7] = [
    "tender", "bid-B01", "bid-B02", "bid-B03", "bid-B04", "bid-B05", "bid-B06",
];
const TARGET_PAGES: usize = 10_000;

fn main() {
    pingshen_docs::worker::run_if_requested();
    let rounds = std::env::args()
        .skip_while(|a| a != "--rounds")
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(3usize);
    let cjk_rounds = std::env::args()
        .skip_while(|a| a != "--cjk-rounds")
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(5usize);
    let demo = extraction::Corpus::demo(&DEMO);
    let pages = extraction::run(&demo, rounds, cjk_rounds);
    search_bench(&pages);
}

/// Terms by length, each set mixing terms on every page with rare ones.
const TERM_SETS: [(&str, [&str; 8]); 5] = [
    ("1 char", ["工", "标", "路", "价", "质", "井", "沥", "函"]),
    (
        "2 chars",
        [
            "工期", "废标", "沥青", "围挡", "井盖", "保函", "管道", "路灯",
        ],
    ),
    (
        "3 chars",
        [
            "投标人",
            "混凝土",
            "工程量",
            "保证金",
            "检查井",
            "项目部",
            "评标委",
            "承包人",
        ],
    ),
    (
        "4 chars",
        [
            "施工方案",
            "交通疏导",
            "投标报价",
            "质量保证",
            "检查井周",
            "安全文明",
            "沥青面层",
            "项目经理",
        ],
    ),
    (
        "5-6 chars",
        [
            "投标人须知",
            "评标委员会",
            "排水管道施",
            "检查井周边",
            "施工组织设计",
            "安全文明施工",
            "项目经理部",
            "质量保证体系",
        ],
    ),
];
/// Hits asked for, as the desktop asks.
const SEARCH_LIMIT: usize = 20;
const SEARCH_ROUNDS: usize = 25;

/// Search over 10,000+ pages (copies of the demo documents, each copy a
/// project of its own, so every bidder recurs): index build time and size per
/// 1,000 pages, then p50/p95 of `search::search` (top 20 with snippets) by
/// term length, over all documents, one project (its 7 documents named, as
/// the desktop asks), one bidder and one document: wall clock, and the
/// thread's CPU time (what the search costs, without the waits for a CPU
/// that a loaded machine adds); then the time to remove a document.
///
/// The database is set up as the desktop store's is (WAL, synchronous FULL,
/// secure_delete); `--cipher` keys it (SQLCipher) as the store is. Queries
/// are spaced by `--gap-ms` (default 1) as typed queries are; every query is
/// run once before it is timed.
fn search_bench(demo: &[(String, Vec<PageText>)]) {
    let args: Vec<String> = std::env::args().collect();
    let cipher = args.iter().any(|a| a == "--cipher");
    let gap = args
        .iter()
        .skip_while(|a| *a != "--gap-ms")
        .nth(1)
        .and_then(|n| n.parse().ok())
        .map_or(Duration::from_millis(1), Duration::from_millis);
    let dir = std::env::temp_dir().join(format!("docs-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("search.db");
    let conn = Connection::open(&path).expect("database");
    if cipher {
        conn.pragma_update(None, "key", "docs-bench").expect("key");
    }
    let _: String = conn
        .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
        .expect("WAL");
    conn.execute_batch("PRAGMA synchronous = FULL; PRAGMA secure_delete = ON;")
        .expect("pragmas");
    search::create_schema(&conn).expect("schema");
    let per_copy: usize = demo.iter().map(|(_, p)| p.len()).sum();
    let copies = TARGET_PAGES.div_ceil(per_copy);
    let started = Instant::now();
    let mut indexed = 0;
    for copy in 0..copies {
        for (name, pages) in demo {
            // Each copy is a different project, so the same bidders recur.
            let doc = DocRef {
                doc: format!("{name}#{copy}"),
                bidder: name.strip_prefix("bid-").map(str::to_string),
            };
            indexed += search::index_document(&conn, &doc, pages.iter().map(PageInput::from))
                .expect("index");
        }
    }
    let build = started.elapsed();
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        .expect("checkpoint");
    let chars: usize = demo
        .iter()
        .flat_map(|(_, p)| p.iter().map(|t| t.text.chars().count()))
        .sum::<usize>()
        * copies;
    let file = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0) as f64;
    let per_k = |x: f64| x * 1000.0 / indexed as f64;
    println!(
        "search corpus: {indexed} pages in {} documents, {:.1} M characters{}",
        copies * demo.len(),
        chars as f64 / 1e6,
        if cipher { ", SQLCipher-keyed" } else { "" }
    );
    println!(
        "  index build: {:.2} s = {:.0} ms per 1,000 pages; database {:.1} MB = {:.2} MB per 1,000 pages",
        build.as_secs_f64(),
        per_k(build.as_secs_f64() * 1000.0),
        file / 1e6,
        per_k(file / 1e6)
    );
    // Page text versus index, per table (dbstat counts the pages each uses).
    if let Ok(sizes) = table_sizes(&conn) {
        let listed: Vec<String> = sizes
            .iter()
            .map(|(name, bytes)| format!("{name} {:.2}", per_k(*bytes as f64 / 1e6)))
            .collect();
        println!("  MB per 1,000 pages by table: {}", listed.join(", "));
    }
    let one_doc = format!("bid-B03#{}", copies / 2);
    let one_project: Vec<String> = demo
        .iter()
        .map(|(name, _)| format!("{name}#{}", copies / 3))
        .collect();
    println!(
        "  ms, {} queries a row ({} rounds of 8 terms, top {SEARCH_LIMIT} with snippets, {} ms apart); cpu: the thread's CPU time; matches: pages matching, mean per query",
        SEARCH_ROUNDS * 8,
        SEARCH_ROUNDS,
        gap.as_millis()
    );
    println!(
        "  {:<10} {:<13} {:>6} {:>6} {:>6} {:>8} {:>8} {:>8}",
        "term", "scope", "p50", "p95", "max", "cpu p50", "cpu p95", "matches"
    );
    for (label, terms) in TERM_SETS {
        for scope in ["all", "one project", "one bidder", "one document"] {
            let query_of = |term: &str| {
                let mut query = Query::new(term).limit(SEARCH_LIMIT);
                match scope {
                    "one project" => query.docs = one_project.clone(),
                    "one bidder" => query = query.bidder("B03"),
                    "one document" => query = query.doc(one_doc.clone()),
                    _ => {}
                }
                query
            };
            let mut matches = 0;
            for term in terms {
                let all = search::search(&conn, &query_of(term).limit(usize::MAX)).expect("search");
                matches += all.len();
            }
            let mut samples = Vec::new();
            let mut cpu = Vec::new();
            for _ in 0..SEARCH_ROUNDS {
                for term in terms {
                    let query = query_of(term);
                    std::thread::sleep(gap);
                    let cpu_started = thread_cpu();
                    let t = Instant::now();
                    let hits = search::search(&conn, &query).expect("search");
                    samples.push(t.elapsed());
                    cpu.push(thread_cpu() - cpu_started);
                    assert!(hits.len() <= SEARCH_LIMIT);
                }
            }
            samples.sort();
            cpu.sort();
            let pct = |samples: &[Duration], p: f64| {
                samples[((samples.len() - 1) as f64 * p).round() as usize].as_secs_f64() * 1000.0
            };
            println!(
                "  {label:<10} {scope:<13} {:>6.2} {:>6.2} {:>6.2} {:>8.2} {:>8.2} {:>8.0}",
                pct(&samples, 0.5),
                pct(&samples, 0.95),
                pct(&samples, 1.0),
                pct(&cpu, 0.5),
                pct(&cpu, 0.95),
                matches as f64 / terms.len() as f64
            );
        }
    }
    // A purge: the document's postings are rewritten out of its segment.
    for doc in [one_doc.as_str(), "tender#0"] {
        let t = Instant::now();
        let pages = search::remove_document(&conn, doc).expect("remove");
        println!(
            "  remove {doc} ({pages} pages): {:.0} ms",
            t.elapsed().as_secs_f64() * 1000.0
        );
    }
    drop(conn);
    let _ = std::fs::remove_dir_all(&dir);
}

/// The calling thread's CPU time.
fn thread_cpu() -> Duration {
    let mut now = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes one timespec through a valid pointer.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut now) };
    Duration::new(now.tv_sec as u64, now.tv_nsec as u32)
}

/// Bytes each table uses (indexes counted with their table), largest first.
fn table_sizes(conn: &Connection) -> rusqlite::Result<Vec<(String, i64)>> {
    let mut statement = conn.prepare(
        "SELECT coalesce(m.tbl_name, s.name), sum(s.pgsize) FROM dbstat s
         LEFT JOIN sqlite_schema m ON m.name = s.name
         GROUP BY 1 ORDER BY 2 DESC",
    )?;
    let rows = statement.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    rows.collect()
}
