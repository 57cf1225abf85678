//! Render time of the sample evaluation report at about 10 and 50 pages,
//! with the fonts loaded once (as an application would) and with loading.

#[path = "../tests/support/sample_report.rs"]
mod sample_report;

use criterion::{criterion_group, criterion_main, Criterion};
use pingshen_report::FontSource;

/// Detailed-review sections giving 10 and 51 pages.
const SECTIONS_10_PAGES: usize = 6;
const SECTIONS_50_PAGES: usize = 37;

fn render(c: &mut Criterion) {
    let fonts = FontSource::from_env().load().expect("report fonts");
    let mut group = c.benchmark_group("render");
    group.sample_size(10);
    for (label, sections) in [
        ("10_pages", SECTIONS_10_PAGES),
        ("50_pages", SECTIONS_50_PAGES),
    ] {
        let mut report = sample_report::evaluation_report(sections);
        report.fonts(fonts.clone());
        group.bench_function(label, |b| b.iter(|| report.render().expect("render")));
    }
    let report = sample_report::evaluation_report(SECTIONS_10_PAGES);
    group.bench_function("10_pages_loading_fonts", |b| {
        b.iter(|| report.render().expect("render"))
    });
    group.finish();
}

criterion_group!(benches, render);
criterion_main!(benches);
