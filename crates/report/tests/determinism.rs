//! The same input renders to the same bytes (experts sign the SHA-256 and
//! auditors re-render); any change of input changes the bytes.

mod common;
#[path = "support/sample_report.rs"]
mod sample_report;

use pingshen_report::{Block, FontSource, ReportBuilder};
use time::macros::datetime;

fn sample() -> ReportBuilder {
    let mut r = sample_report::evaluation_report(2);
    r.fonts(common::fonts());
    r
}

#[test]
fn same_input_same_bytes() {
    let first = sample().render().unwrap();
    let second = sample().render().unwrap();
    assert!(first.starts_with(b"%PDF-"));
    assert_eq!(first, second);
    // Fonts loaded anew from disk make no difference either.
    let mut fresh = sample_report::evaluation_report(2);
    fresh.font_source(FontSource::noto_default());
    assert_eq!(first, fresh.render().unwrap());
}

#[test]
fn no_clock_or_random_id_in_the_file() {
    let pdf = sample().render().unwrap();
    let text = String::from_utf8_lossy(&pdf);
    assert!(
        text.contains("(D:20261130162000+08'00)"),
        "CreationDate from the input"
    );
    assert!(!text.contains("/ID"), "no file identifier");
    assert!(!text.contains("/ModDate"));
}

#[test]
fn different_input_different_bytes() {
    let base = sample().render().unwrap();

    let mut later = sample();
    let mut meta = later.meta().clone();
    meta.created = datetime!(2026-11-30 16:20:01 +08:00);
    let mut changed = ReportBuilder::new(meta);
    changed.fonts(common::fonts());
    for block in later.blocks() {
        changed.block(block.clone());
    }
    assert_ne!(base, changed.render().unwrap(), "creation time");

    later.paragraph("附：补充说明。");
    assert_ne!(base, later.render().unwrap(), "an extra paragraph");

    // One cell of one table.
    let mut edited = ReportBuilder::new(sample().meta().clone());
    edited.fonts(common::fonts());
    let mut touched = false;
    for block in sample().blocks() {
        let mut block = block.clone();
        if let (Block::Table(t), false) = (&mut block, touched) {
            if let Some(cell) = t.rows.iter_mut().flatten().find(|c| c.as_str() == "合格") {
                *cell = "不合格".to_string();
                touched = true;
            }
        }
        edited.block(block);
    }
    assert!(touched);
    assert_ne!(base, edited.render().unwrap(), "one table cell");
}
