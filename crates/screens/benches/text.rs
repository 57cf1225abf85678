//! Speed of the text screens on a synthetic corpus: all pairs of up to 30
//! bids × 300 pages, and how the time grows with bids and with pages.
//!
//! `cargo bench -p pingshen-screens` (one thread) and
//! `cargo bench -p pingshen-screens --features parallel` (all cores).
//!
//! The corpus is generated here, deterministically from a seed: a tender of
//! 120 pages and bids of pseudo-Chinese prose (words of 1–4 ideographs drawn
//! with a skewed frequency, so that stock words recur across bids), with
//! running headers and page numbers, the same ten form pages in every bid
//! (filled-in 投标函 and the like), 10 % of the other pages copied from the
//! tender, and a planted pair sharing three paragraphs plus another sharing a
//! misspelt fixed expression. Before timing, the run checks that exactly the
//! planted flags come out.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, SamplingMode};
use pingshen_screens::{screen_text, BidDocument, FlagKind, Page, TenderDocument, TextSettings};
use std::hint::black_box;
use std::time::Duration;

/// xorshift64*: a small deterministic generator, enough for test prose.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x2545_F491_4F6C_DD1D) | 1)
    }
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    /// Skewed towards small values: `n · u²`.
    fn skewed(&mut self, n: u64) -> u64 {
        let u = (self.next() >> 11) as f64 / (1u64 << 53) as f64;
        ((n as f64) * u * u) as u64
    }
}

struct Vocabulary(Vec<String>);

impl Vocabulary {
    fn new(seed: u64, size: usize) -> Self {
        let mut rng = Rng::new(seed);
        let words = (0..size)
            .map(|_| {
                let len = [1, 2, 2, 2, 3, 4][rng.below(6) as usize];
                (0..len)
                    .map(|_| char::from_u32(0x4E00 + rng.below(3500) as u32).unwrap_or('中'))
                    .collect()
            })
            .collect();
        Vocabulary(words)
    }

    fn sentence(&self, rng: &mut Rng) -> String {
        let mut s = String::new();
        let words = 8 + rng.below(13);
        for i in 0..words {
            s.push_str(&self.0[rng.skewed(self.0.len() as u64) as usize]);
            if i + 1 < words && rng.below(6) == 0 {
                s.push('，');
            }
        }
        s.push('。');
        s
    }

    fn paragraph(&self, rng: &mut Rng) -> String {
        (0..3 + rng.below(4)).map(|_| self.sentence(rng)).collect()
    }

    /// About 900 characters of body text.
    fn body(&self, rng: &mut Rng) -> String {
        let mut body = String::new();
        while body.chars().count() < 900 {
            body.push_str("　　");
            body.push_str(&self.paragraph(rng));
            body.push('\n');
        }
        body
    }
}

/// Breaks lines every 38 characters, as PDF text extraction does.
fn wrap(text: &str) -> String {
    let mut out = String::new();
    let mut column = 0;
    for c in text.chars() {
        if c == '\n' {
            column = 0;
        } else if column == 38 {
            out.push('\n');
            column = 0;
        }
        out.push(c);
        column += 1;
    }
    out
}

fn page(number: u32, header: &str, body: &str) -> Page {
    Page {
        number,
        text: format!("{header}\n{}\n第 {number} 页", wrap(body)),
    }
}

const TYPO: &str = "压路机遵循“紧跟、慢压、高频、低副”的原则。";

struct Corpus {
    tender: TenderDocument,
    bids: Vec<BidDocument>,
}

fn corpus(bids: usize, pages: usize) -> Corpus {
    let vocabulary = Vocabulary::new(7, 6000);
    let mut rng = Rng::new(11);
    let tender_bodies: Vec<String> = (0..120).map(|_| vocabulary.body(&mut rng)).collect();
    let forms: Vec<String> = (0..10).map(|_| vocabulary.body(&mut rng)).collect();
    let planted: Vec<String> = (0..3).map(|_| vocabulary.paragraph(&mut rng)).collect();
    let tender = TenderDocument {
        pages: tender_bodies
            .iter()
            .enumerate()
            .map(|(i, b)| page(i as u32 + 1, "某市政道路改造工程招标文件", b))
            .collect(),
    };
    let bids = (0..bids)
        .map(|b| {
            let mut rng = Rng::new(1000 + b as u64);
            let header = format!("某市政道路改造工程投标文件　第{b}投标人");
            let pages = (0..pages)
                .map(|p| {
                    let mut body = if p < forms.len() {
                        forms[p].clone()
                    } else if rng.below(100) < 10 {
                        tender_bodies[rng.below(120) as usize].clone()
                    } else {
                        vocabulary.body(&mut rng)
                    };
                    // Bids 3 and 17 share three paragraphs, at different pages.
                    if (b == 3 && p == pages / 2) || (b == 17 && p == pages / 3) {
                        body.push_str(&planted.concat());
                    }
                    // Bids 5 and 6 misspell the same fixed expression.
                    if (b == 5 || b == 6) && p == pages / 4 {
                        body.push_str(TYPO);
                    }
                    page(p as u32 + 1, &header, &body)
                })
                .collect();
            BidDocument::new(format!("B{b:02}"), format!("bid-B{b:02}.pdf"), pages)
        })
        .collect();
    Corpus { tender, bids }
}

/// The planted cases, and nothing else, are flagged (one timed run, printed).
fn check(c: &Corpus, s: &TextSettings) {
    let started = std::time::Instant::now();
    let (flags, summary) = screen_text(&c.tender, &c.bids, s);
    eprintln!(
        "{} bids × {} pages, {} compared characters: {:.2} s, {} flags",
        c.bids.len(),
        c.bids[0].pages.len(),
        summary.compared_chars,
        started.elapsed().as_secs_f64(),
        flags.len()
    );
    let found: Vec<(FlagKind, Vec<&str>)> = flags.iter().map(|f| (f.kind, f.bidders())).collect();
    let mut expected = Vec::new();
    if c.bids.len() > 17 {
        expected.push((FlagKind::TextOverlap, vec!["B03", "B17"]));
    }
    if c.bids.len() > 6 {
        expected.push((FlagKind::SharedTypo, vec!["B05", "B06"]));
    }
    assert_eq!(found, expected, "{summary:?}");
}

fn bench(c: &mut Criterion) {
    let s = TextSettings::default();
    let mut by_bids = c.benchmark_group("text_all_pairs_300_pages");
    by_bids
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .measurement_time(Duration::from_secs(20));
    for bids in [10, 20, 30] {
        let corpus = corpus(bids, 300);
        check(&corpus, &s);
        by_bids.bench_with_input(BenchmarkId::from_parameter(bids), &corpus, |b, c| {
            b.iter(|| black_box(screen_text(&c.tender, &c.bids, &s)))
        });
    }
    by_bids.finish();
    let mut by_pages = c.benchmark_group("text_all_pairs_30_bids");
    by_pages
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .measurement_time(Duration::from_secs(20));
    for pages in [100, 200] {
        let corpus = corpus(30, pages);
        check(&corpus, &s);
        by_pages.bench_with_input(BenchmarkId::from_parameter(pages), &corpus, |b, c| {
            b.iter(|| black_box(screen_text(&c.tender, &c.bids, &s)))
        });
    }
    by_pages.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
