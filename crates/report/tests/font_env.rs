//! The font can be chosen with PINGSHEN_REPORT_FONT (and _BOLD, _FAMILY);
//! a wrong path fails with `font_missing`, never a silent fallback. One test
//! in its own binary, since it changes the process environment.

mod common;

use lopdf::Document;
use pingshen_report::fonts::source::{
    DEFAULT_REGULAR_PATH, ENV_FONT, ENV_FONT_BOLD, ENV_FONT_FAMILY,
};
use pingshen_report::ReportBuilder;

fn render() -> Result<Vec<u8>, pingshen_report::ReportError> {
    let mut r = ReportBuilder::new(common::meta("字体测试"));
    r.heading(1, "一、粗体标题").paragraph("正文。");
    r.render()
}

#[test]
fn environment_chooses_the_font() {
    std::env::remove_var(ENV_FONT_BOLD);
    std::env::remove_var(ENV_FONT_FAMILY);

    std::env::set_var(ENV_FONT, "/nonexistent/NotoSansCJK-Regular.ttc");
    let err = render().unwrap_err();
    assert_eq!(err.code(), "font_missing");
    assert!(
        err.message_zh().contains("PINGSHEN_REPORT_FONT"),
        "{}",
        err.message_zh()
    );

    std::env::set_var(ENV_FONT, DEFAULT_REGULAR_PATH);
    std::env::set_var(ENV_FONT_FAMILY, "Noto Sans CJK JP");
    let japanese = render().unwrap();
    std::env::set_var(ENV_FONT_FAMILY, "Noto Sans CJK SC");
    let chinese = render().unwrap();
    assert_ne!(
        japanese, chinese,
        "the family picks another face of the collection"
    );

    // Without a bold file, headings are drawn with a stroked regular face:
    // one embedded font, text render mode 2 (fill and stroke) in the page.
    let doc = Document::load_mem(&chinese).unwrap();
    let page = *doc.get_pages().get(&1).unwrap();
    let content = String::from_utf8_lossy(&doc.get_page_content(page)).into_owned();
    assert!(content.contains("2 Tr"), "{content}");
    let text = common::squeeze(&common::pdftotext(&chinese, None));
    assert!(text.contains("一、粗体标题"), "{text}");
    let fonts = doc
        .objects
        .values()
        .filter_map(|o| o.as_dict().ok())
        .filter(|d| d.get(b"Subtype").and_then(|s| s.as_name()).ok() == Some(b"Type0"))
        .count();
    assert_eq!(fonts, 1);

    std::env::set_var(ENV_FONT_FAMILY, "No Such Family");
    assert_eq!(render().unwrap_err().code(), "font_missing");
    std::env::remove_var(ENV_FONT);
    std::env::remove_var(ENV_FONT_FAMILY);
}
