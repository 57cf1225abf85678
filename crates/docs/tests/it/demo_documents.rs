//! Extraction of the repository's demo PDFs against the text the generator
//! drew (assets/demo/text/*.pages.json), plus metadata, outline and the
//! planted collusion facts documented in assets/demo/README.md.
//!
//! Accuracy metric (also in docs/documents.md): both texts are NFKC-
//! normalised, lower-cased and stripped of whitespace (layout whitespace is
//! not content); per document, recall = Σ LCS(source, extracted) / Σ
//! |source| and precision = Σ LCS / Σ |extracted| over all pages, LCS being
//! the longest common subsequence of characters. Both must be ≥ 99%.

use crate::common::{demo_pdf, extractor, lcs_len, truth, DEMO};
use pingshen_docs::normalize::{nfkc, squeeze};
use pingshen_docs::{Extraction, TextSource};
use std::collections::HashMap;
use std::sync::OnceLock;

fn extracted() -> &'static HashMap<&'static str, Extraction> {
    static CACHE: OnceLock<HashMap<&'static str, Extraction>> = OnceLock::new();
    CACHE.get_or_init(|| {
        let pdfs: Vec<Vec<u8>> = DEMO.iter().map(|n| demo_pdf(n)).collect();
        let refs: Vec<&[u8]> = pdfs.iter().map(Vec::as_slice).collect();
        let results = extractor().extract_many(&refs);
        DEMO.iter()
            .zip(results)
            .map(|(name, r)| {
                (
                    *name,
                    r.unwrap_or_else(|e| panic!("{name}: {e} ({})", e.code())),
                )
            })
            .collect()
    })
}

fn chars(text: &str) -> Vec<char> {
    squeeze(&nfkc(text)).chars().collect()
}

#[test]
fn extracted_text_matches_the_source_text() {
    for name in DEMO {
        let extraction = &extracted()[name];
        let truth = truth(name);
        assert!(
            extraction.failed_pages.is_empty(),
            "{name}: {:?}",
            extraction.failed_pages
        );
        assert_eq!(
            extraction.pages.len(),
            truth.pages.len(),
            "{name}: page count"
        );
        let (mut common, mut source_len, mut extracted_len) = (0, 0, 0);
        let mut worst = (f64::INFINITY, 0u32);
        for (page, (number, source)) in extraction.pages.iter().zip(&truth.pages) {
            assert_eq!(page.number, *number);
            assert!(!page.needs_ocr, "{name} p{number} marked needs_ocr");
            assert_eq!(page.source, TextSource::ContentStream, "{name} p{number}");
            let (s, e) = (chars(source), chars(&page.text));
            let lcs = lcs_len(&s, &e);
            common += lcs;
            source_len += s.len();
            extracted_len += e.len();
            let recall = lcs as f64 / s.len().max(1) as f64;
            if recall < worst.0 {
                worst = (recall, *number);
            }
        }
        let recall = common as f64 / source_len as f64;
        let precision = common as f64 / extracted_len as f64;
        println!(
            "{name}: {source_len} chars, recall {:.4}%, precision {:.4}%, worst page {} at {:.2}%",
            recall * 100.0,
            precision * 100.0,
            worst.1,
            worst.0 * 100.0
        );
        assert!(recall >= 0.99, "{name}: recall {recall}");
        assert!(precision >= 0.99, "{name}: precision {precision}");
    }
}

#[test]
fn outline_reflects_the_headings() {
    for name in DEMO {
        let outline = &extracted()[name].outline;
        let expected = truth(name).outline;
        assert!(!expected.is_empty());
        assert_eq!(outline.len(), expected.len(), "{name}");
        for (entry, (title, level, page)) in outline.iter().zip(expected) {
            assert_eq!(entry.title, nfkc(&title), "{name}");
            assert_eq!(entry.level, level + 1, "{name}: {title}");
            assert_eq!(entry.page, Some(page), "{name}: {title}");
        }
    }
}

#[test]
fn metadata_shows_the_planted_b03_b05_case_and_nothing_else() {
    let meta = |name: &str| extracted()[name].metadata.clone();
    let b03 = meta("bid-B03");
    let b05 = meta("bid-B05");
    assert_eq!(b03.author.as_deref(), Some("Administrator"));
    assert_eq!(b03.author, b05.author);
    assert_eq!(b03.creator, b05.creator);
    assert_eq!(b03.producer, b05.producer);
    let created =
        |m: &pingshen_docs::Metadata| m.creation_date.as_ref().unwrap().unix_seconds.unwrap();
    assert_eq!(created(&b03) / 60, created(&b05) / 60, "same minute");
    assert_eq!(
        b03.creation_date.as_ref().unwrap().rfc3339.as_deref(),
        Some("2026-11-28T21:47:08+08:00")
    );
    assert_eq!(
        b05.modification_date.as_ref().unwrap().rfc3339.as_deref(),
        Some("2026-11-28T21:53:02+08:00")
    );
    let others = [
        "tender", "bid-B01", "bid-B02", "bid-B03", "bid-B04", "bid-B06",
    ];
    for (i, a) in others.iter().enumerate() {
        for b in &others[i + 1..] {
            let (ma, mb) = (meta(a), meta(b));
            assert_ne!(ma.author, mb.author, "{a} {b}");
            assert_ne!(ma.creator, mb.creator, "{a} {b}");
            assert_ne!(ma.producer, mb.producer, "{a} {b}");
            assert_ne!(created(&ma) / 60, created(&mb) / 60, "{a} {b}");
        }
    }
    for name in DEMO {
        let m = meta(name);
        assert!(m.page_count >= 25, "{name}");
        assert_eq!(m.pdf_version, "1.3", "{name}");
        assert!(m.title.as_deref().unwrap_or("").contains("解放大道"));
    }
}

#[test]
fn planted_typo_is_on_page_19_of_b03_and_b05_only() {
    for name in DEMO {
        let pages: Vec<u32> = extracted()[name]
            .pages
            .iter()
            .filter(|p| squeeze(&p.text).contains("低副"))
            .map(|p| p.number)
            .collect();
        let expected: Vec<u32> = if name == "bid-B03" || name == "bid-B05" {
            vec![19]
        } else {
            vec![]
        };
        assert_eq!(pages, expected, "{name}");
    }
}
