//! Hostile or careless input never panics: it renders, or fails with a
//! stable code and a Chinese message.

mod common;

use common::{builder, page_count, pdftotext, squeeze};
use pingshen_report::{Block, Column, Margins, Signature, Table};

#[test]
fn empty_report_is_one_page_with_header_and_footer() {
    let pdf = builder("空报告").render().unwrap();
    assert_eq!(page_count(&pdf), 1);
    let text = squeeze(&pdftotext(&pdf, None));
    assert!(
        text.contains("空报告") && text.contains("第1页共1页"),
        "{text}"
    );
}

#[test]
fn empty_strings_everywhere() {
    let mut r = builder("");
    r.title("")
        .heading(1, "")
        .paragraph("")
        .note("")
        .key_values([("", "")])
        .table(Table::new(vec![Column::new("", 1.0)]).row([""]))
        .signature(Signature::default())
        .rule()
        .page_break()
        .page_break();
    let pdf = r.render().unwrap();
    assert!(page_count(&pdf) >= 1);
}

#[test]
fn a_5000_character_cell_flows_over_pages() {
    let long: String = "评标委员会认为该投标文件施工组织设计内容不完整ABC123，"
        .chars()
        .cycle()
        .take(5000)
        .collect();
    let unbroken: String = "0123456789abcdef".chars().cycle().take(5000).collect();
    let table = Table::new(vec![
        Column::new("序号", 0.5),
        Column::new("说明", 4.0),
        Column::numeric("无空格长串", 1.0),
    ])
    .row(["1", long.as_str(), unbroken.as_str()])
    .row(["2", "短", "3.00"]);
    let mut r = builder("长单元格");
    r.table(table).paragraph("表后段落。");
    let pdf = r.render().unwrap();
    let pages = page_count(&pdf);
    assert!(pages >= 3, "{pages} pages");
    let text = squeeze(&pdftotext(&pdf, None));
    assert!(text.contains("表后段落。"));
    // Every character of the unbroken string is there, in order.
    let hex: String = text.chars().filter(|c| c.is_ascii_hexdigit()).collect();
    assert!(hex.contains(&unbroken[..200]));
}

#[test]
fn a_5000_character_heading_note_and_signature() {
    let long: String = "很长的标题".chars().cycle().take(5000).collect();
    let mut meta = common::meta(&long);
    meta.footer_note = Some(long.clone());
    let mut r = pingshen_report::ReportBuilder::new(meta);
    r.fonts(common::fonts())
        .heading(2, long.as_str())
        .note(long.as_str())
        .key_values([(long.as_str(), long.as_str())])
        .table(
            Table::new(vec![Column::new(long.as_str(), 1.0), Column::new("b", 1.0)])
                .row(["a", "b"]),
        )
        .signature(Signature {
            name: long.clone(),
            role: long.clone(),
            issuer: long.clone(),
            signed_at: long.clone(),
            status: long.clone(),
        });
    let pdf = r.render().unwrap();
    assert!(page_count(&pdf) > 3);
}

#[test]
fn control_characters_are_dropped_or_normalised() {
    let mut r = builder("控制\u{0}字符\u{1b}测试");
    r.paragraph("第一行\r\n第二行\t制表\u{7}响铃\u{200B}零宽\u{FEFF}BOM\u{202E}反向")
        .table(
            Table::new(vec![Column::new("列\u{8}一", 1.0)]).row(["\u{1}\u{2}\u{3}单元格\r\n换行"]),
        );
    let pdf = r.render().unwrap();
    let text = pdftotext(&pdf, None);
    assert!(
        !text.chars().any(|c| c.is_control() && !c.is_whitespace()),
        "{text:?}"
    );
    let text = squeeze(&text);
    for s in [
        "控制字符测试",
        "第一行",
        "第二行制表响铃零宽BOM反向",
        "列一",
        "单元格",
        "换行",
    ] {
        assert!(text.contains(s), "{s} missing from {text}");
    }
}

#[test]
fn emoji_is_refused_with_a_code_and_a_chinese_message() {
    let mut r = builder("报告");
    r.paragraph("施工方案很好👍");
    let err = r.render().unwrap_err();
    assert_eq!(err.code(), "unsupported_character");
    assert!(
        err.message_zh().contains("施工方案很好"),
        "{}",
        err.message_zh()
    );
}

#[test]
fn bad_tables_and_headings_are_refused() {
    let cases: Vec<(Block, &str)> = vec![
        (Block::Table(Table::new(vec![])), "invalid_table"),
        (
            Block::Table(
                Table::new(vec![Column::new("a", 1.0), Column::new("b", 1.0)]).row(["only one"]),
            ),
            "invalid_table",
        ),
        (
            Block::Table(Table::new(vec![Column::new("a", -1.0)])),
            "invalid_table",
        ),
        (
            Block::Table(Table::new(vec![Column::new("a", f32::NAN)])),
            "invalid_table",
        ),
        (
            Block::Heading {
                level: 0,
                text: "零级".into(),
            },
            "invalid_heading_level",
        ),
        (
            Block::Heading {
                level: 4,
                text: "四级".into(),
            },
            "invalid_heading_level",
        ),
    ];
    for (block, code) in cases {
        let mut r = builder("报告");
        r.block(block.clone());
        let err = r.render().unwrap_err();
        assert_eq!(err.code(), code, "{block:?}");
        assert!(!err.message_zh().is_empty());
    }
}

#[test]
fn absurd_margins_and_widths_still_render() {
    let table = Table::new(vec![Column::new("窄", 1e-6), Column::new("宽", 1e6)])
        .row(["窄列里的一段文字", "宽"]);
    for margins in [
        Margins {
            top: 0.0,
            bottom: 0.0,
            left: 0.0,
            right: 0.0,
        },
        Margins {
            top: 1e9,
            bottom: 1e9,
            left: 1e9,
            right: 1e9,
        },
        Margins {
            top: f32::NAN,
            bottom: -5.0,
            left: f32::INFINITY,
            right: -1e9,
        },
    ] {
        let mut r = builder("页边距");
        r.margins(margins).paragraph("正文。").table(table.clone());
        let pdf = r.render().unwrap();
        assert!(page_count(&pdf) >= 1);
    }
}

#[test]
fn missing_font_is_font_missing() {
    let mut r = pingshen_report::ReportBuilder::new(common::meta("报告"));
    r.font_source(pingshen_report::FontSource {
        regular: pingshen_report::FontFile::new("/nonexistent/font.ttc"),
        bold: None,
    });
    let err = r.render().unwrap_err();
    assert_eq!(err.code(), "font_missing");
    assert!(err.message_zh().contains("/nonexistent/font.ttc"));
}

#[test]
fn a_tall_row_starts_under_its_header_instead_of_leaving_it_alone() {
    let long: String = "施工组织设计内容不完整，"
        .chars()
        .cycle()
        .take(3000)
        .collect();
    let mut r = builder("长行");
    for i in 0..22 {
        r.paragraph(format!(
            "第{i}段：评标委员会依据招标文件规定的评标办法进行评审。"
        ));
    }
    r.table(
        Table::new(vec![Column::new("表头甲", 1.0), Column::new("表头乙", 4.0)])
            .row(["1", long.as_str()]),
    );
    let pdf = r.render().unwrap();
    let header_page = (1..=page_count(&pdf))
        .find(|&p| squeeze(&pdftotext(&pdf, Some((p, p)))).contains("表头甲表头乙"))
        .unwrap();
    let text = squeeze(&pdftotext(&pdf, Some((header_page, header_page))));
    assert!(
        text.contains("施工组织设计内容不完整"),
        "header alone on page {header_page}: {text}"
    );
    assert!(
        text.contains("第21段"),
        "the table starts on the page of the paragraphs"
    );
}
