//! Helpers shared by the integration tests: fonts loaded once, and poppler
//! (pdftotext, installed by scripts/setup) to read back what we wrote.

#![allow(dead_code)]

use std::process::Command;
use std::sync::OnceLock;

use pingshen_report::{FontSource, LoadedFonts, ReportBuilder, ReportMeta};
use time::macros::datetime;

/// The default fonts (Noto Sans CJK SC), read once per test binary.
pub fn fonts() -> LoadedFonts {
    static FONTS: OnceLock<LoadedFonts> = OnceLock::new();
    FONTS
        .get_or_init(|| {
            FontSource::noto_default()
                .load()
                .expect("Noto Sans CJK SC must be installed (fonts-noto-cjk, see scripts/setup)")
        })
        .clone()
}

pub fn meta(title: &str) -> ReportMeta {
    ReportMeta {
        title: title.to_string(),
        author: "张伟".to_string(),
        created: datetime!(2026-11-30 16:20:00 +08:00),
        footer_note: Some("文档编号：TEST-0001".to_string()),
    }
}

/// A builder with the shared fonts.
pub fn builder(title: &str) -> ReportBuilder {
    let mut b = ReportBuilder::new(meta(title));
    b.fonts(fonts());
    b
}

/// `pdftotext -layout` of pages `first..=last` (all pages when `None`).
pub fn pdftotext(pdf: &[u8], pages: Option<(usize, usize)>) -> String {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("report.pdf");
    std::fs::write(&path, pdf).expect("write pdf");
    let mut cmd = Command::new("pdftotext");
    cmd.args(["-layout", "-enc", "UTF-8"]);
    if let Some((first, last)) = pages {
        cmd.args(["-f", &first.to_string(), "-l", &last.to_string()]);
    }
    let out = cmd
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext must be installed (poppler-utils, see scripts/setup)");
    assert!(
        out.status.success(),
        "pdftotext failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("pdftotext output is UTF-8")
}

/// `text` without any whitespace (pdftotext spaces columns and wraps lines).
pub fn squeeze(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

pub fn page_count(pdf: &[u8]) -> usize {
    lopdf::Document::load_mem(pdf)
        .expect("lopdf parses the report")
        .get_pages()
        .len()
}

/// A word as `pdftotext -bbox` sees it (points, y from the page top).
#[derive(Debug, Clone)]
pub struct Word {
    pub text: String,
    pub x_min: f32,
    pub x_max: f32,
    pub y_min: f32,
}

fn attr(line: &str, name: &str) -> Option<f32> {
    let start = line.find(&format!("{name}=\""))? + name.len() + 2;
    let end = start + line[start..].find('"')?;
    line[start..end].parse().ok()
}

/// The words of page `page` with their boxes.
pub fn words(pdf: &[u8], page: usize) -> Vec<Word> {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("report.pdf");
    std::fs::write(&path, pdf).expect("write pdf");
    let out = Command::new("pdftotext")
        .args([
            "-bbox",
            "-enc",
            "UTF-8",
            "-f",
            &page.to_string(),
            "-l",
            &page.to_string(),
        ])
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext must be installed (poppler-utils, see scripts/setup)");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| l.trim_start().starts_with("<word "))
        .filter_map(|l| {
            let text_start = l.find('>')? + 1;
            let text_end = l.rfind("</word>")?;
            Some(Word {
                text: l[text_start..text_end].to_string(),
                x_min: attr(l, "xMin")?,
                x_max: attr(l, "xMax")?,
                y_min: attr(l, "yMin")?,
            })
        })
        .collect()
}
