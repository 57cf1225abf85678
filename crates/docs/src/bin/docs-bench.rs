//! Benchmarks: extraction pages/s against pdftotext on the same corpus in the
//! same run (both using two processes at a time), and search latency p50/p95
//! over 10,000+ pages for 2- and 4-character terms.
//!
//! cargo run --release -p pingshen-docs --bin docs-bench [-- --rounds N]

use pingshen_docs::search::{self, DocRef, PageInput, Query};
use pingshen_docs::{Extractor, PageText};
use rusqlite::Connection;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

const DEMO: [&str; 7] = [
    "tender", "bid-B01", "bid-B02", "bid-B03", "bid-B04", "bid-B05", "bid-B06",
];
const SHORT_TERMS: [&str; 8] = [
    "工期", "废标", "沥青", "围挡", "井盖", "保函", "管道", "路灯",
];
const LONG_TERMS: [&str; 8] = [
    "施工方案",
    "交通疏导",
    "投标报价",
    "质量保证",
    "检查井周",
    "安全文明",
    "沥青面层",
    "项目经理",
];
const TARGET_PAGES: usize = 10_000;

fn main() {
    pingshen_docs::worker::run_if_requested();
    let rounds = std::env::args()
        .skip_while(|a| a != "--rounds")
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(3usize);
    let demo_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../assets/demo");
    let files: Vec<PathBuf> = DEMO
        .iter()
        .map(|n| demo_dir.join(format!("{n}.pdf")))
        .collect();
    let pdfs: Vec<Vec<u8>> = files
        .iter()
        .map(|f| std::fs::read(f).expect("demo PDF"))
        .collect();
    let pages = extraction_bench(&files, &pdfs, rounds);
    search_bench(&pages);
}

fn extraction_bench(
    files: &[PathBuf],
    pdfs: &[Vec<u8>],
    rounds: usize,
) -> Vec<(String, Vec<PageText>)> {
    let refs: Vec<&[u8]> = pdfs.iter().map(Vec::as_slice).collect();
    let batch: Vec<&[u8]> = (0..rounds).flat_map(|_| refs.iter().copied()).collect();
    let extractor = Extractor::new().expect("own executable");
    println!(
        "extraction corpus: {} documents x {rounds} rounds",
        pdfs.len()
    );
    let mut results = Vec::new();
    for workers in [1, 2] {
        let started = Instant::now();
        let out = extractor.clone().parallelism(workers).extract_many(&batch);
        let elapsed = started.elapsed();
        let pages: usize = out
            .iter()
            .map(|r| r.as_ref().map_or(0, |e| e.pages.len()))
            .sum();
        println!(
            "  pingshen worker, {workers} at a time: {pages} pages in {:.2} s = {:.0} pages/s",
            elapsed.as_secs_f64(),
            pages as f64 / elapsed.as_secs_f64()
        );
        results = out;
    }
    let jobs: Vec<&Path> = (0..rounds)
        .flat_map(|_| files.iter().map(PathBuf::as_path))
        .collect();
    match pdftotext_bench(&jobs) {
        Ok((pages, elapsed)) => println!(
            "  pdftotext (poppler), 2 at a time: {pages} pages in {:.2} s = {:.0} pages/s",
            elapsed.as_secs_f64(),
            pages as f64 / elapsed.as_secs_f64()
        ),
        Err(e) => println!("  pdftotext not run: {e}"),
    }
    DEMO.iter()
        .zip(results)
        .map(|(name, r)| (name.to_string(), r.expect("demo extracts").pages))
        .collect()
}

/// pdftotext per document (process start included), two at a time.
fn pdftotext_bench(jobs: &[&Path]) -> Result<(usize, Duration), String> {
    Command::new("pdftotext")
        .arg("-v")
        .output()
        .map_err(|e| e.to_string())?;
    let next = AtomicUsize::new(0);
    let pages = AtomicUsize::new(0);
    let started = Instant::now();
    std::thread::scope(|scope| {
        for _ in 0..2 {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(file) = jobs.get(i) else { break };
                let out = Command::new("pdftotext")
                    .arg("-enc")
                    .arg("UTF-8")
                    .arg(file)
                    .arg("-")
                    .output();
                if let Ok(out) = out {
                    // pdftotext ends every page with a form feed
                    pages.fetch_add(
                        out.stdout.iter().filter(|&&b| b == 0x0c).count(),
                        Ordering::Relaxed,
                    );
                }
            });
        }
    });
    Ok((pages.into_inner(), started.elapsed()))
}

fn search_bench(demo: &[(String, Vec<PageText>)]) {
    let dir = std::env::temp_dir().join(format!("docs-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("search.db");
    let conn = Connection::open(&path).expect("database");
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
    let chars: usize = demo
        .iter()
        .flat_map(|(_, p)| p.iter().map(|t| t.text.chars().count()))
        .sum::<usize>()
        * copies;
    println!(
        "search corpus: {indexed} pages, {:.1} M characters, indexed in {:.1} s, database {:.1} MB",
        chars as f64 / 1e6,
        started.elapsed().as_secs_f64(),
        std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0) as f64 / 1e6
    );
    for (label, terms) in [("2-character", &SHORT_TERMS), ("4-character", &LONG_TERMS)] {
        for (filter, bidder) in [("all documents", None), ("one bidder", Some("B03"))] {
            let mut samples = Vec::new();
            let mut hits = 0;
            for _ in 0..25 {
                for term in terms.iter() {
                    let mut query = Query::new(*term).limit(20);
                    if let Some(b) = bidder {
                        query = query.bidder(b);
                    }
                    let t = Instant::now();
                    hits += search::search(&conn, &query).expect("search").len();
                    samples.push(t.elapsed());
                }
            }
            samples.sort();
            let pct = |p: f64| {
                samples[((samples.len() - 1) as f64 * p).round() as usize].as_secs_f64() * 1000.0
            };
            println!(
                "  {label} terms, {filter}, top 20 with snippets: p50 {:.2} ms, p95 {:.2} ms ({} queries, {hits} hits)",
                pct(0.5),
                pct(0.95),
                samples.len()
            );
        }
    }
    drop(conn);
    let _ = std::fs::remove_dir_all(&dir);
}
