//! The content-stream reader through the worker: which reader a page comes
//! from, a page that falls back to pdf-extract, and the CJK corpus of
//! real-world test-suite files (tests/corpus/cjk, see its README).

use crate::common::corpus::{self, PageSpec};
use crate::common::{cjk_written, extractor};
use pingshen_docs::normalize::squeeze;
use pingshen_docs::{Extraction, TextSource};
use std::path::PathBuf;

fn cjk_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/corpus/cjk")
}

fn cjk(name: &str) -> Extraction {
    let path = cjk_dir().join(name);
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
    // (file, phrase on the page, page): Identity-H with ToUnicode (WPS);
    // non-embedded Adobe CID fonts named with predefined Unicode CMaps as
    // iText writes them (STSong-Light with UniGB-UCS2-H, MSung-Light with
    // UniCNS-UCS2-H, KozMinPro-Regular with UniJIS-UCS2-H: our own files)
    // and SimSun with UniGB-UTF16-H without ToUnicode (an Acrobat header);
    // Identity-H without ToUnicode through the embedded TrueType font's
    // cmap; ToUnicode maps with narrow codespaces, one that lacks the codes
    // drawn, and a page number drawn right to left (PDFium); legacy CMaps;
    // vertical.
    // Pages with fewer than 12 letters count as having no text layer (they
    // keep their text, marked needs_ocr): those are checked for text only.
    let cases: &[(&str, &str, u32)] = &[
        (
            "pdfplumber-issue-67-example.pdf",
            "东北电气发展股份有限公司",
            1,
        ),
        (
            "pingshen-STSong-Light-UniGB-UCS2-H.pdf",
            "青石县第二中学教学楼维修工程招标公告",
            1,
        ),
        (
            "pingshen-STSong-Light-UniGB-UCS2-H.pdf",
            "在青石县公共资源交易中心(县行政服务中心三楼)获取招标文件",
            2,
        ),
        ("pingshen-STSong-Light-UniGB-UCS2-H.pdf", "第2页共2页", 2),
        (
            "pdfpig-Rotation 45.pdf",
            "学习更多课程请加微信:adcadc2023",
            1,
        ),
        (
            "pingshen-MSung-Light-UniCNS-UCS2-H.pdf",
            "松柏區立圖書館場地借用須知",
            1,
        ),
        (
            "pingshen-KozMinPro-Regular-UniJIS-UCS2-H.pdf",
            "インターネットで予約できます",
            1,
        ),
        (
            "pdfjs-javauninstall-7r.pdf",
            "プログラムのアンインストール",
            1,
        ),
        (
            "pdfpig-cmap-parsing-exception.pdf",
            "产品系统功能层次再制造分解示意框图",
            1,
        ),
        ("pdfpig-cmap-parsing-exception.pdf", "18再制造技术与工艺", 1),
        // GBK-EUC-H under a ToUnicode map that lacks the codes drawn.
        ("pdfpig-cmap-parsing-exception.pdf", "产品(系统级)", 1),
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
fn the_cjk_files_we_write_match_their_writer() {
    // tests/corpus/cjk/pingshen-*.pdf are written by common/cjk_written.rs;
    // PINGSHEN_WRITE_CJK_CORPUS=1 rewrites them.
    let write = std::env::var_os("PINGSHEN_WRITE_CJK_CORPUS").is_some();
    for (name, pdf) in cjk_written::files() {
        let path = cjk_dir().join(name);
        if write {
            std::fs::write(&path, &pdf).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        }
        let committed = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(
            committed == pdf,
            "{name} is not what common/cjk_written.rs writes: rerun with PINGSHEN_WRITE_CJK_CORPUS=1"
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
