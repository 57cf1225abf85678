//! The file itself: metadata from the input, fonts embedded as subsets that
//! hold only the glyphs used (CFF faces as bare CIDFontType0C programs),
//! each with a ToUnicode map.

mod common;
#[path = "support/sample_report.rs"]
mod sample_report;

use lopdf::{decode_text_string, Document, Object};

/// Decompressed font programs (FontFile2/FontFile3) in the document.
fn font_programs(doc: &Document) -> Vec<Vec<u8>> {
    doc.objects
        .values()
        .filter_map(|o| o.as_dict().ok())
        .filter(|d| d.get(b"Type").and_then(Object::as_name).ok() == Some(b"FontDescriptor"))
        .filter_map(|d| d.get(b"FontFile3").or_else(|_| d.get(b"FontFile2")).ok())
        .map(|r| {
            let id = r.as_reference().expect("font file is a reference");
            let stream = doc
                .get_object(id)
                .and_then(Object::as_stream)
                .expect("font stream");
            stream.decompressed_content().expect("font stream inflates")
        })
        .collect()
}

/// Glyphs in an embedded program: a bare CFF (FontFile3, CIDFontType0C) or
/// a TrueType font (FontFile2).
fn glyph_count(program: &[u8]) -> u16 {
    match ttf_parser::cff::Table::parse(program) {
        Some(cff) => cff.number_of_glyphs(),
        None => ttf_parser::Face::parse(program, 0)
            .expect("the subset is a valid CFF or TrueType font")
            .number_of_glyphs(),
    }
}

#[test]
fn metadata_comes_from_the_input() {
    let pdf = sample_report::evaluation_report(1)
        .fonts(common::fonts())
        .render()
        .unwrap();
    let doc = Document::load_mem(&pdf).unwrap();
    let info_id = doc.trailer.get(b"Info").unwrap().as_reference().unwrap();
    let info = doc.get_object(info_id).unwrap().as_dict().unwrap();
    let text = |key: &[u8]| decode_text_string(info.get(key).unwrap()).unwrap();
    assert_eq!(text(b"Title"), sample_report::meta().title);
    assert_eq!(text(b"Author"), "张伟");
    assert_eq!(text(b"Producer"), pingshen_report::PRODUCER);
    assert_eq!(text(b"CreationDate"), "D:20261130162000+08'00");
}

#[test]
fn subset_holds_exactly_the_glyphs_used() {
    // Regular text: the running header "评标", the footer "第 1 页 共 1 页" and
    // the paragraph: 评 标 第 space 1 页 共 报 告 A B C = 12 glyphs + .notdef.
    let mut meta = common::meta("评标");
    meta.footer_note = None;
    let mut r = pingshen_report::ReportBuilder::new(meta);
    r.fonts(common::fonts()).paragraph("报告报告ABC评标 ABC");
    let pdf = r.render().unwrap();
    let doc = Document::load_mem(&pdf).unwrap();
    let programs = font_programs(&doc);
    assert_eq!(programs.len(), 1, "no bold text, so only the regular face");
    assert_eq!(glyph_count(&programs[0]), 13);
}

#[test]
fn sample_report_fonts_are_small_subsets() {
    let pdf = sample_report::evaluation_report(6)
        .fonts(common::fonts())
        .render()
        .unwrap();
    let pages = common::page_count(&pdf);
    let doc = Document::load_mem(&pdf).unwrap();
    let programs = font_programs(&doc);
    assert_eq!(programs.len(), 2, "regular and bold");
    let distinct: std::collections::BTreeSet<char> = common::pdftotext(&pdf, None)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    for program in &programs {
        let glyphs = usize::from(glyph_count(program));
        // Never more glyphs than distinct characters on the pages (+ space
        // and .notdef); the full face has over 65,000.
        assert!(
            glyphs <= distinct.len() + 2,
            "{glyphs} glyphs for {} chars",
            distinct.len()
        );
    }
    let font_bytes: usize = programs.iter().map(Vec::len).sum();
    println!(
        "{pages}-page sample report: {} bytes ({} KiB); font programs {} KiB uncompressed, {} distinct characters",
        pdf.len(),
        pdf.len() / 1024,
        font_bytes / 1024,
        distinct.len()
    );
    assert!(pages >= 9, "{pages} pages");
    assert!(pdf.len() < 400 * 1024, "{} bytes", pdf.len());
}

#[test]
fn fonts_are_embedded_subset_and_mapped_to_unicode() {
    let pdf = sample_report::evaluation_report(1)
        .fonts(common::fonts())
        .render()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.pdf");
    std::fs::write(&path, &pdf).unwrap();
    let out = std::process::Command::new("pdffonts")
        .arg(&path)
        .output()
        .unwrap();
    let listing = String::from_utf8_lossy(&out.stdout);
    let rows: Vec<&str> = listing.lines().skip(2).collect();
    assert_eq!(rows.len(), 2, "{listing}");
    for row in rows {
        assert!(row.contains("+NotoSansCJKsc-"), "{row}");
        assert!(row.contains("Identity-H"), "{row}");
        let flags: Vec<&str> = row.split_whitespace().rev().skip(2).take(3).collect();
        assert_eq!(flags, ["yes", "yes", "yes"], "emb sub uni: {row}");
    }
}
