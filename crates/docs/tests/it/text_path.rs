//! The content-stream reader through the worker: which reader a page comes
//! from, a page that falls back to pdf-extract, and the CJK corpus of
//! real-world test-suite files (tests/corpus/cjk, see its README).

use crate::common::corpus::{self, PageSpec};
use crate::common::extractor;
use pingshen_docs::normalize::squeeze;
use pingshen_docs::{Extraction, TextSource};
use std::path::PathBuf;

fn cjk(name: &str) -> Extraction {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/corpus/cjk")
        .join(name);
    let pdf = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    extractor()
        .extract(&pdf)
        .unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn a_font_with_a_built_in_encoding_falls_back_to_pdf_extract() {
    // An embedded Type1 program whose own encoding swaps A and B: the
    // content-stream reader does not read font programs, so its reading is
    // only a guess, and pdf-extract (which does) reads the page.
    let program = b"%!PS-AdobeFont-1.0: Swapped 001.000\n\
        /FontName /Swapped def\n\
        /Encoding 256 array\n\
        0 1 255 {1 index exch /.notdef put} for\n\
        dup 65 /B put\n\
        dup 66 /A put\n\
        readonly def\n";
    let page = PageSpec {
        content: corpus::stream("", b"BT /F2 12 Tf 72 720 Td (AB CD EFGH IJKL MNOP) Tj ET"),
        resources: "/Font << /F2 {obj0} 0 R >>".into(),
        extra: vec![
            b"<< /Type /Font /Subtype /Type1 /BaseFont /ABCDEF+Swapped /FontDescriptor {obj1} 0 R >>".to_vec(),
            b"<< /Type /FontDescriptor /FontName /ABCDEF+Swapped /Flags 4 /FontBBox [0 0 1000 1000] /ItalicAngle 0 /Ascent 800 /Descent -200 /CapHeight 700 /StemV 80 /FontFile {obj2} 0 R >>".to_vec(),
            corpus::stream(&format!("/Length1 {} /Length2 0 /Length3 0", program.len()), program),
        ],
    };
    let pdf = corpus::document(vec![PageSpec::text(1), page], "");
    let extraction = extractor().extract(&pdf).unwrap();
    assert!(
        extraction.failed_pages.is_empty(),
        "{:?}",
        extraction.failed_pages
    );
    let (first, second) = (&extraction.pages[0], &extraction.pages[1]);
    assert_eq!(first.source, TextSource::ContentStream);
    assert_eq!(second.source, TextSource::PdfExtract, "{second:?}");
    assert!(squeeze(&second.text).starts_with("bacdefgh"), "{second:?}");
}

#[test]
fn cjk_test_suite_files_read_through_the_content_stream() {
    // (file, phrase on the page, page): Identity-H with ToUnicode (WPS),
    // STSong-Light with UniGB-UCS2-H and SimSun with UniGB-UTF16-H not
    // embedded (iText), Identity-H without ToUnicode through the embedded
    // TrueType font's cmap, an embedded encoding CMap, legacy CMaps, vertical.
    // Pages with fewer than 12 letters count as having no text layer (they
    // keep their text, marked needs_ocr): those are checked for text only.
    let cases: &[(&str, &str, u32)] = &[
        (
            "pdfplumber-issue-67-example.pdf",
            "东北电气发展股份有限公司",
            1,
        ),
        ("itext-SameCidForDifferentCodes.pdf", "借款服务合同", 1),
        ("itext-HeaderFooter.pdf", "众安在线财产保险股份有限公司", 1),
        ("itext-cmp_mSungLightFontRanges.pdf", "飛月長", 1),
        (
            "pdfjs-javauninstall-7r.pdf",
            "プログラムのアンインストール",
            1,
        ),
        (
            "itext-notDefaultCodespacesChinese.pdf",
            "友達光電股份有限公司",
            1,
        ),
        ("pdfjs-noembed-sjis.pdf", "あいうえお", 1),
        ("pdfjs-noembed-eucjp.pdf", "あいうえお", 1),
        ("pdfjs-noembed-jis7.pdf", "abcあいうえお1231", 1),
        ("pdfjs-90ms_rksj_h_sample.pdf", "日本語テスト", 1),
        (
            "pdfjs-issue6387.pdf",
            "あのイーハトーヴォのすきとおった風",
            1,
        ),
    ];
    for &(file, phrase, number) in cases {
        let extraction = cjk(file);
        assert!(
            extraction.failed_pages.is_empty(),
            "{file}: {:?}",
            extraction.failed_pages
        );
        let page = extraction
            .pages
            .iter()
            .find(|p| p.number == number)
            .unwrap_or_else(|| panic!("{file}: no page {number}"));
        if !page.needs_ocr {
            assert_eq!(page.source, TextSource::ContentStream, "{file}");
        }
        assert!(
            squeeze(&page.text).contains(phrase),
            "{file}: {phrase} not in {:?}",
            page.text
        );
    }
}

#[test]
fn fake_bold_is_read_once() {
    let extraction = cjk("pdfplumber-issue-842-example.pdf");
    let text = squeeze(&extraction.pages[0].text);
    assert_eq!(
        text.matches("安徽安利合成革股份有限公司").count(),
        1,
        "{text}"
    );
}
