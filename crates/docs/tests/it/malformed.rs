//! The malformed-PDF corpus: every case must come back (no crash, no hang)
//! with a per-document error code or per-page results covering every page.

use crate::common::corpus::{self, PageSpec};
use crate::common::{demo_pdf, extractor};
use pingshen_docs::{ExtractError, Extraction, PageFailureCode};
use std::time::{Duration, Instant};

/// Runs one case under a generous overall bound and checks the invariants
/// every result must satisfy.
fn run(pdf: &[u8]) -> Result<Extraction, ExtractError> {
    let started = Instant::now();
    let result = extractor()
        .document_timeout(Duration::from_secs(60))
        .extract(pdf);
    assert!(
        started.elapsed() < Duration::from_secs(90),
        "took {:?}",
        started.elapsed()
    );
    if let Ok(extraction) = &result {
        let count = extraction.metadata.page_count;
        let mut seen: Vec<u32> = extraction.pages.iter().map(|p| p.number).collect();
        seen.extend(extraction.failed_pages.iter().map(|f| f.number));
        seen.sort_unstable();
        assert_eq!(
            seen,
            (1..=count).collect::<Vec<_>>(),
            "every page read or failed, once"
        );
        for failure in &extraction.failed_pages {
            assert!(!failure.message.is_empty() && !failure.code.code().is_empty());
        }
    }
    if let Err(e) = &result {
        assert!(!e.to_string().is_empty());
    }
    result
}

fn text_of(extraction: &Extraction, page: u32) -> Option<&str> {
    extraction
        .pages
        .iter()
        .find(|p| p.number == page && !p.needs_ocr)
        .map(|p| p.text.as_str())
}

fn assert_pages_read(extraction: &Extraction, pages: &[u32]) {
    for &page in pages {
        let text = text_of(extraction, page).unwrap_or_else(|| panic!("page {page} not read"));
        assert!(
            text.contains(&format!("page {page} of")),
            "page {page}: {text:?}"
        );
    }
}

fn assert_not_usable(extraction: &Extraction, page: u32) {
    assert!(
        text_of(extraction, page).is_none(),
        "page {page} should not yield text"
    );
}

#[test]
fn a_well_formed_corpus_document_reads_fully() {
    let extraction = run(&corpus::plain(3)).unwrap();
    assert_pages_read(&extraction, &[1, 2, 3]);
    assert_eq!(
        extraction.metadata.author.as_deref(),
        Some("pingshen tests")
    );
}

#[test]
fn non_pdfs_are_refused_with_not_pdf() {
    let cases: [&[u8]; 4] = [
        b"",
        b"PK\x03\x04\x14\x00\x00\x00zip",
        b"\x89PNG\r\n\x1a\n",
        "投标文件.docx".as_bytes(),
    ];
    for bytes in cases {
        let error = run(bytes).unwrap_err();
        assert_eq!(error.code(), "not_pdf");
        assert_eq!(error.to_string(), "文件不是PDF格式");
    }
}

#[test]
fn truncated_files_yield_what_can_be_read() {
    let full = demo_pdf("bid-B01");
    for fraction in [2, 5, 20] {
        let cut = &full[..full.len() / fraction];
        match run(cut) {
            Ok(extraction) => assert!(extraction.metadata.page_count > 0),
            Err(e) => assert!(["damaged", "worker_crashed"].contains(&e.code()), "{e:?}"),
        }
    }
    // The first KiB holds the page tree but no page content: every page
    // must be reported as failed, none as read or as a scan.
    let header_only = &full[..1000];
    match run(header_only) {
        Ok(extraction) => {
            assert!(extraction.pages.is_empty(), "{:?}", extraction.pages);
            assert_eq!(
                extraction.failed_pages.len() as u32,
                extraction.metadata.page_count
            );
        }
        Err(e) => assert_eq!(e.code(), "damaged"),
    }
}

#[test]
fn a_wrong_startxref_or_garbled_xref_is_recovered() {
    let good = corpus::plain(5);
    let start = good.windows(9).rposition(|w| w == b"startxref").unwrap();
    let wrong = corpus::replace_once(&good, &good[start..good.len() - 6], b"startxref\n12345\n");
    let extraction = run(&wrong).unwrap();
    assert_pages_read(&extraction, &[1, 2, 3, 4, 5]);

    let xref = good.windows(6).rposition(|w| w == b"\nxref\n").unwrap();
    let mut garbled = good.clone();
    for byte in &mut garbled[xref + 6..xref + 80] {
        *byte = b'X';
    }
    let extraction = run(&garbled).unwrap();
    assert_pages_read(&extraction, &[1, 2, 3, 4, 5]);
}

#[test]
fn a_corrupt_content_stream_costs_only_its_page() {
    let noise: Vec<u8> = (0..400u32)
        .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
        .collect();
    let mut pages: Vec<PageSpec> = (1..=5).map(PageSpec::text).collect();
    pages[2].content = corpus::stream("/Filter /FlateDecode", &noise);
    let extraction = run(&corpus::document(pages, "")).unwrap();
    assert_pages_read(&extraction, &[1, 2, 4, 5]);
    assert_not_usable(&extraction, 3);
}

#[test]
fn a_missing_font_costs_only_its_page() {
    let mut pages: Vec<PageSpec> = (1..=3).map(PageSpec::text).collect();
    pages[1].content = corpus::stream(
        "",
        b"BT /F9 12 Tf 72 720 Td (Text in a font that is not there.) Tj ET",
    );
    let extraction = run(&corpus::document(pages, "")).unwrap();
    assert_pages_read(&extraction, &[1, 3]);
    assert_not_usable(&extraction, 2);
}

#[test]
fn a_page_without_text_is_marked_needs_ocr() {
    let mut pages: Vec<PageSpec> = (1..=3).map(PageSpec::text).collect();
    pages[1].content = corpus::stream("", b"0 0 1 rg 72 72 400 600 re f 0 0 m 612 792 l S");
    let extraction = run(&corpus::document(pages, "")).unwrap();
    assert_pages_read(&extraction, &[1, 3]);
    let scanned = extraction.pages.iter().find(|p| p.number == 2).unwrap();
    assert!(scanned.needs_ocr);
    assert_eq!(scanned.source, pingshen_docs::TextSource::None);
    assert_eq!(extraction.pages_needing_ocr(), vec![2]);
}

#[test]
fn a_decompression_bomb_is_contained() {
    let mut pages: Vec<PageSpec> = (1..=3).map(PageSpec::text).collect();
    // 1 GiB of zeros behind two Flate filters: a few kilobytes on disk.
    let bomb = corpus::bomb_stream(1 << 30);
    assert!(bomb.len() < 100_000);
    pages[1].content = corpus::stream("/Filter [/FlateDecode /FlateDecode]", &bomb);
    let pdf = corpus::document(pages, "");
    let extraction = extractor()
        .memory_limit(512 << 20)
        .document_timeout(Duration::from_secs(60))
        .extract(&pdf)
        .unwrap();
    assert_pages_read(&extraction, &[1, 3]);
    assert_not_usable(&extraction, 2);
}

#[test]
fn a_self_referencing_form_xobject_does_not_take_the_document_down() {
    let mut pages: Vec<PageSpec> = (1..=3).map(PageSpec::text).collect();
    pages[1] = PageSpec {
        content: corpus::stream("", b"/X1 Do"),
        resources: "/XObject << /X1 {obj0} 0 R >>".into(),
        extra: vec![corpus::stream(
            "/Type /XObject /Subtype /Form /BBox [0 0 612 792] /Resources << /XObject << /X1 {obj0} 0 R >> >>",
            b"/X1 Do",
        )],
    };
    let extraction = run(&corpus::document(pages, "")).unwrap();
    assert_pages_read(&extraction, &[1, 3]);
    assert_not_usable(&extraction, 2);
}

#[test]
fn a_cyclic_outline_costs_at_most_the_outline() {
    let pdf = corpus::write_pdf(
        &[
            b"<< /Type /Catalog /Pages 2 0 R /Outlines 6 0 R >>".to_vec(),
            b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>".to_vec(),
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_vec(),
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 5 0 R /Resources << /Font << /F1 3 0 R >> >> >>".to_vec(),
            corpus::stream("", &corpus::text_content(1)),
            b"<< /Type /Outlines /First 7 0 R /Last 7 0 R /Count 1 >>".to_vec(),
            b"<< /Title (Loop) /Parent 6 0 R /Next 7 0 R /Prev 7 0 R /First 7 0 R /Dest [4 0 R /Fit] >>".to_vec(),
        ],
        1,
        None,
    );
    let extraction = run(&pdf).unwrap();
    assert_pages_read(&extraction, &[1]);
}

#[test]
fn a_cyclic_page_tree_neither_hangs_nor_crashes_the_caller() {
    let pdf = corpus::write_pdf(
        &[
            b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
            b"<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >>".to_vec(),
            b"<< /Type /Pages /Parent 2 0 R /Kids [2 0 R] /Count 1 >>".to_vec(),
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 5 0 R /Resources << /Font << /F1 6 0 R >> >> >>".to_vec(),
            corpus::stream("", &corpus::text_content(1)),
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_vec(),
        ],
        1,
        None,
    );
    match run(&pdf) {
        Ok(extraction) => assert!(extraction.metadata.page_count >= 1),
        Err(e) => assert!(
            ["damaged", "worker_crashed", "worker_timeout"].contains(&e.code()),
            "{e:?}"
        ),
    }
}

#[test]
fn deeply_nested_objects_neither_hang_nor_crash_the_caller() {
    let deep = format!(
        "<< /Title ({}) /Junk {}{} >>",
        "x",
        "[".repeat(200_000),
        "]".repeat(200_000)
    );
    let mut pdf = corpus::plain(2);
    let info = b"<< /Title (Malformed corpus) /Author (pingshen tests) /CreationDate (D:20261127120000+08'00') >>";
    pdf = corpus::replace_once(&pdf, info, deep.as_bytes());
    match run(&pdf) {
        Ok(extraction) => assert!(extraction.pages.len() + extraction.failed_pages.len() >= 1),
        Err(e) => assert!(["damaged", "worker_crashed"].contains(&e.code()), "{e:?}"),
    }
}

#[test]
fn a_dangling_page_reference_costs_only_that_page() {
    let mut pdf = corpus::plain(3);
    pdf = corpus::replace_once(
        &pdf,
        b"/Kids [5 0 R 7 0 R 9 0 R]",
        b"/Kids [5 0 R 99 0 R 9 0 R]",
    );
    match run(&pdf) {
        Ok(extraction) => {
            assert!(text_of(&extraction, 1).is_some_and(|t| t.contains("page 1 of")));
            assert!(extraction
                .pages
                .iter()
                .chain([].iter())
                .all(|p| !p.text.contains("page 2 of")));
        }
        Err(e) => assert_eq!(e.code(), "damaged"),
    }
}

#[test]
fn page_failures_carry_codes_and_chinese_messages() {
    let all = [
        PageFailureCode::Unreadable,
        PageFailureCode::PageTimeout,
        PageFailureCode::WorkerCrashed,
        PageFailureCode::OutOfMemory,
        PageFailureCode::Abandoned,
    ];
    let codes: std::collections::HashSet<_> = all.iter().map(|c| c.code()).collect();
    assert_eq!(codes.len(), all.len());
    for code in all {
        assert!(code
            .message_zh()
            .chars()
            .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)));
    }
}
