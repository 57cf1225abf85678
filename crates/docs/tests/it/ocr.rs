//! OCR, optional in the product: a page that is only an image (a scan) of
//! Chinese text. The test needs tesseract with chi_sim and pdftoppm
//! (scripts/setup installs them) and fails, saying so, without them.

use crate::common::corpus::{self, PageSpec};
use crate::common::{demo_pdf, extractor, lcs_len, truth};
use pingshen_docs::normalize::{nfkc, squeeze};
use pingshen_docs::{Ocr, TextSource};
use std::io::Write;
use std::process::{Command, Stdio};

/// Page 19 of bid-B03 rendered to an 8-bit grey image (PGM), as a scanner would.
fn scan_of_b03_page_19() -> (usize, usize, Vec<u8>) {
    let mut child = Command::new("pdftoppm")
        .args(["-f", "19", "-l", "19", "-r", "150", "-gray", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("pdftoppm");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(&demo_pdf("bid-B03"))
        .unwrap();
    let pgm = child.wait_with_output().unwrap().stdout;
    // "P5\n<w> <h>\n255\n" then the samples
    let mut fields = Vec::new();
    let mut at = 0;
    while fields.len() < 4 {
        while pgm[at].is_ascii_whitespace() {
            at += 1;
        }
        let start = at;
        while !pgm[at].is_ascii_whitespace() {
            at += 1;
        }
        fields.push(String::from_utf8_lossy(&pgm[start..at]).into_owned());
    }
    assert_eq!(fields[0], "P5");
    let (w, h) = (fields[1].parse().unwrap(), fields[2].parse().unwrap());
    (w, h, pgm[at + 1..].to_vec())
}

#[test]
fn a_scanned_page_is_recognised() {
    let ocr = Ocr::detect().expect(
        "tesseract with chi_sim or pdftoppm is missing: install tesseract-ocr, \
         tesseract-ocr-chi-sim and poppler-utils (scripts/setup does)",
    );
    let (width, height, samples) = scan_of_b03_page_19();
    let image = corpus::stream(
        &format!(
            "/Type /XObject /Subtype /Image /Width {width} /Height {height} /ColorSpace /DeviceGray \
             /BitsPerComponent 8 /Filter /FlateDecode"
        ),
        &corpus::deflate(&samples, 1),
    );
    let pages = vec![
        PageSpec::text(1),
        PageSpec {
            content: corpus::stream("", b"q 612 0 0 792 0 0 cm /Im1 Do Q"),
            resources: "/XObject << /Im1 {obj0} 0 R >>".into(),
            extra: vec![image],
        },
    ];
    let pdf = corpus::document(pages, "");

    let without = extractor().extract(&pdf).unwrap();
    assert_eq!(without.pages_needing_ocr(), vec![2]);

    let with = extractor().ocr(Some(ocr)).extract(&pdf).unwrap();
    let page = &with.pages[1];
    assert!(with.warnings.is_empty(), "{:?}", with.warnings);
    assert_eq!(page.source, TextSource::Ocr);
    assert!(!page.needs_ocr);
    assert_eq!(
        with.pages[0].source,
        TextSource::ContentStream,
        "text pages are not OCRed"
    );
    let source: Vec<char> = squeeze(&nfkc(&truth("bid-B03").pages[18].1))
        .chars()
        .collect();
    let read: Vec<char> = squeeze(&nfkc(&page.text)).chars().collect();
    let recall = lcs_len(&source, &read) as f64 / source.len() as f64;
    println!(
        "OCR character recall on a 150 dpi scan: {:.1}%",
        recall * 100.0
    );
    assert!(recall > 0.8, "recall {recall}");
}
