//! The extraction half of docs-bench: pages/s of our worker (1 and 2 at a
//! time) against pdftotext (2 processes at a time) on the same files in the
//! same run, and character agreement, on two corpora:
//!
//! - the demo PDFs (assets/demo), against the text the generator drew
//!   (assets/demo/text/<name>.pages.json);
//! - a CJK corpus of real-world test files from public PDF test suites
//!   (crates/docs/tests/corpus/cjk, see its README), against pdftotext's
//!   own output (there is no source text for those).
//!
//! Agreement: both texts NFKC-normalised, lower-cased, all whitespace
//! removed (layout is not content); per corpus, recall = Σ LCS / Σ |reference|,
//! precision = Σ LCS / Σ |ours| over all pages (LCS: longest common
//! subsequence of characters), agreement = their harmonic mean. Reading
//! order differs between readers on tables and multi-column pages (pdftotext
//! reorders by layout, we keep the content stream's order), so the same is
//! also given counting the characters in common whatever their order.

use pingshen_docs::normalize::{nfkc, squeeze};
use pingshen_docs::{Extraction, Extractor, PageText, TextSource};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

pub struct Corpus {
    pub label: String,
    pub names: Vec<String>,
    pub files: Vec<PathBuf>,
    pub pdfs: Vec<Vec<u8>>,
}

impl Corpus {
    pub fn demo(names: &[&str]) -> Corpus {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../assets/demo");
        Corpus::of(
            "demo PDFs (assets/demo)",
            names
                .iter()
                .map(|n| (n.to_string(), dir.join(format!("{n}.pdf"))))
                .collect(),
        )
    }

    pub fn cjk() -> Corpus {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/corpus/cjk");
        let mut files: Vec<(String, PathBuf)> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "pdf"))
            .map(|p| {
                let name = p.file_stem().unwrap().to_string_lossy().into_owned();
                (name, p)
            })
            .collect();
        files.sort();
        Corpus::of("CJK test-suite PDFs (crates/docs/tests/corpus/cjk)", files)
    }

    fn of(label: &str, files: Vec<(String, PathBuf)>) -> Corpus {
        let pdfs = files
            .iter()
            .map(|(_, f)| std::fs::read(f).unwrap_or_else(|e| panic!("{}: {e}", f.display())))
            .collect();
        let (names, files) = files.into_iter().unzip();
        Corpus {
            label: label.to_string(),
            names,
            files,
            pdfs,
        }
    }
}

/// Timing of one corpus: ours (1 and 2 workers at a time) and pdftotext.
pub struct Timing {
    /// The extraction of each document (first round).
    pub ours: Vec<Extraction>,
}

pub fn time(corpus: &Corpus, rounds: usize) -> Timing {
    let refs: Vec<&[u8]> = corpus.pdfs.iter().map(Vec::as_slice).collect();
    let batch: Vec<&[u8]> = (0..rounds).flat_map(|_| refs.iter().copied()).collect();
    let extractor = Extractor::new().expect("own executable");
    println!(
        "extraction, {}: {} documents x {rounds} rounds",
        corpus.label,
        corpus.pdfs.len()
    );
    let mut results = Vec::new();
    let mut ours_rate = 0.0;
    for workers in [1, 2] {
        let started = Instant::now();
        let out = extractor.clone().parallelism(workers).extract_many(&batch);
        let elapsed = started.elapsed();
        let pages: usize = out
            .iter()
            .map(|r| {
                r.as_ref()
                    .map_or(0, |e| e.pages.len() + e.failed_pages.len())
            })
            .sum();
        let rate = pages as f64 / elapsed.as_secs_f64();
        println!(
            "  pingshen worker, {workers} at a time: {pages} pages in {:.2} s = {rate:.0} pages/s",
            elapsed.as_secs_f64(),
        );
        ours_rate = rate;
        results = out;
    }
    let jobs: Vec<&Path> = (0..rounds)
        .flat_map(|_| corpus.files.iter().map(PathBuf::as_path))
        .collect();
    match pdftotext_bench(&jobs) {
        Ok((pages, elapsed)) => {
            let rate = pages as f64 / elapsed.as_secs_f64();
            println!(
                "  pdftotext (poppler), 2 at a time: {pages} pages in {:.2} s = {rate:.0} pages/s",
                elapsed.as_secs_f64(),
            );
            println!(
                "  ratio, both 2 at a time: {:.2}x pdftotext",
                ours_rate / rate
            );
        }
        Err(e) => println!("  pdftotext not run: {e}"),
    }
    let ours = results
        .into_iter()
        .take(corpus.pdfs.len())
        .zip(&corpus.names)
        .map(|(r, name)| r.unwrap_or_else(|e| panic!("{name}: {e} ({})", e.code())))
        .collect();
    Timing { ours }
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
                    .args(["-q", "-enc", "UTF-8"])
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

/// The pages pdftotext reads from one file (page n at index n - 1).
pub fn pdftotext_pages(file: &Path) -> Vec<String> {
    let out = Command::new("pdftotext")
        .args(["-q", "-enc", "UTF-8"])
        .arg(file)
        .arg("-")
        .output()
        .expect("pdftotext");
    let text = String::from_utf8_lossy(&out.stdout);
    let mut pages: Vec<String> = text.split('\x0c').map(str::to_string).collect();
    // The text after the last form feed is not a page.
    pages.pop();
    pages
}

/// The demo generator's source text: page number → text.
pub fn demo_truth(name: &str) -> BTreeMap<u32, String> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join(format!("../../assets/demo/text/{name}.pages.json"));
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&path).expect("truth file")).expect("truth json");
    json["pages"]
        .as_array()
        .expect("pages")
        .iter()
        .map(|p| {
            (
                p["page"].as_u64().expect("page") as u32,
                p["text"].as_str().expect("text").to_string(),
            )
        })
        .collect()
}

/// Characters compared: NFKC, lower case, no whitespace.
fn chars(text: &str) -> Vec<char> {
    squeeze(&nfkc(text)).chars().collect()
}

#[derive(Default)]
pub struct Agreement {
    common: usize,
    /// Characters in common regardless of order (multiset intersection).
    common_any_order: usize,
    reference: usize,
    ours: usize,
    /// (document, page, recall) of the page that agrees least.
    worst: Option<(String, u32, f64)>,
}

impl Agreement {
    pub fn add(&mut self, document: &str, page: u32, reference: &str, ours: &str) {
        let (r, o) = (chars(reference), chars(ours));
        let common = lcs_len(&r, &o);
        self.common += common;
        let mut counts: std::collections::HashMap<char, isize> = Default::default();
        for c in &r {
            *counts.entry(*c).or_default() += 1;
        }
        for c in &o {
            let n = counts.entry(*c).or_default();
            if *n > 0 {
                self.common_any_order += 1;
            }
            *n -= 1;
        }
        self.reference += r.len();
        self.ours += o.len();
        let recall = if r.is_empty() {
            1.0
        } else {
            common as f64 / r.len() as f64
        };
        if self.worst.as_ref().is_none_or(|w| recall < w.2) {
            self.worst = Some((document.to_string(), page, recall));
        }
    }

    pub fn recall(&self) -> f64 {
        self.common as f64 / self.reference.max(1) as f64
    }

    pub fn precision(&self) -> f64 {
        self.common as f64 / self.ours.max(1) as f64
    }

    pub fn agreement(&self) -> f64 {
        harmonic(self.recall(), self.precision())
    }

    /// The same, counting characters in common whatever their order.
    pub fn agreement_any_order(&self) -> f64 {
        harmonic(
            self.common_any_order as f64 / self.reference.max(1) as f64,
            self.common_any_order as f64 / self.ours.max(1) as f64,
        )
    }

    pub fn print(&self, label: &str) {
        println!(
            "  agreement {label}: {:.2}% in order (recall {:.2}%, precision {:.2}%), {:.2}% in any order; {} reference characters",
            self.agreement() * 100.0,
            self.recall() * 100.0,
            self.precision() * 100.0,
            self.agreement_any_order() * 100.0,
            self.reference
        );
        if let Some((doc, page, recall)) = &self.worst {
            println!(
                "    page that agrees least: {doc} p{page}, recall {:.2}%",
                recall * 100.0
            );
        }
    }
}

fn harmonic(a: f64, b: f64) -> f64 {
    if a + b == 0.0 {
        0.0
    } else {
        2.0 * a * b / (a + b)
    }
}

fn page_text(extraction: &Extraction, number: u32) -> &str {
    extraction
        .pages
        .iter()
        .find(|p| p.number == number)
        .map_or("", |p| p.text.as_str())
}

/// How each page was read.
pub fn print_sources(extractions: &[Extraction]) {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for e in extractions {
        for p in &e.pages {
            let key = match (p.source, p.needs_ocr) {
                (_, true) => "needs OCR".to_string(),
                (TextSource::ContentStream, _) => "content stream".to_string(),
                (TextSource::PdfExtract, _) => "pdf-extract (fallback)".to_string(),
                (TextSource::Lopdf, _) => "lopdf (fallback)".to_string(),
                (other, _) => format!("{other:?}"),
            };
            *counts.entry(key).or_default() += 1;
        }
        *counts.entry("failed".into()).or_default() += e.failed_pages.len();
    }
    let list: Vec<String> = counts
        .iter()
        .filter(|(_, n)| **n > 0)
        .map(|(k, n)| format!("{k} {n}"))
        .collect();
    println!("  pages read by: {}", list.join(", "));
}

/// Both corpora: timing and agreement. Returns the demo pages (for the
/// search benchmark).
pub fn run(demo: &Corpus, rounds: usize, cjk_rounds: usize) -> Vec<(String, Vec<PageText>)> {
    let timing = time(demo, rounds);
    print_sources(&timing.ours);
    let mut ours = Agreement::default();
    let mut poppler = Agreement::default();
    for ((name, extraction), file) in demo.names.iter().zip(&timing.ours).zip(&demo.files) {
        let truth = demo_truth(name);
        let theirs = pdftotext_pages(file);
        for (&number, text) in &truth {
            ours.add(name, number, text, page_text(extraction, number));
            let pdftotext = theirs.get(number as usize - 1).map_or("", String::as_str);
            poppler.add(name, number, text, pdftotext);
        }
    }
    ours.print("with the source text, ours");
    poppler.print("with the source text, pdftotext (for comparison)");
    let demo_pages = demo
        .names
        .iter()
        .zip(&timing.ours)
        .map(|(name, e)| (name.clone(), e.pages.clone()))
        .collect();

    let cjk = Corpus::cjk();
    let timing = time(&cjk, cjk_rounds);
    print_sources(&timing.ours);
    let mut agreement = Agreement::default();
    for ((name, extraction), file) in cjk.names.iter().zip(&timing.ours).zip(&cjk.files) {
        for (i, text) in pdftotext_pages(file).iter().enumerate() {
            agreement.add(
                name,
                i as u32 + 1,
                text,
                page_text(extraction, i as u32 + 1),
            );
        }
    }
    agreement.print("with pdftotext's output (no source text for this corpus)");
    if std::env::args().any(|a| a == "--per-file") {
        for ((name, extraction), file) in cjk.names.iter().zip(&timing.ours).zip(&cjk.files) {
            let mut one = Agreement::default();
            for (i, text) in pdftotext_pages(file).iter().enumerate() {
                one.add(
                    name,
                    i as u32 + 1,
                    text,
                    page_text(extraction, i as u32 + 1),
                );
            }
            one.print(name);
        }
    }
    demo_pages
}

/// Length of the longest common subsequence of `a` and `b`, by Myers' O(ND)
/// edit-distance algorithm (fast when the texts are nearly equal).
pub fn lcs_len<T: PartialEq>(a: &[T], b: &[T]) -> usize {
    let (n, m) = (a.len() as isize, b.len() as isize);
    let max = (n + m) as usize;
    if max == 0 {
        return 0;
    }
    let offset = max as isize;
    let mut v = vec![0isize; 2 * max + 2];
    for d in 0..=max as isize {
        let mut k = -d;
        while k <= d {
            let index = (k + offset) as usize;
            let mut x = if k == -d || (k != d && v[index - 1] < v[index + 1]) {
                v[index + 1]
            } else {
                v[index - 1] + 1
            };
            let mut y = x - k;
            while x < n && y < m && a[x as usize] == b[y as usize] {
                x += 1;
                y += 1;
            }
            v[index] = x;
            if x >= n && y >= m {
                return ((n + m - d) / 2) as usize;
            }
            k += 2;
        }
    }
    0
}
