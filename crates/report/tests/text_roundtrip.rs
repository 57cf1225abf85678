//! What we write can be read back: `pdftotext -layout` (poppler) finds every
//! heading, sentence, label, value, table cell and number, through the
//! embedded subset's ToUnicode map.

mod common;

use common::{builder, page_count, pdftotext, squeeze};
use pingshen_report::{Column, Signature, Table};

const TITLE: &str = "解放大道改造工程评标报告（测试）";
const HEADINGS: [&str; 4] = [
    "一、项目概况Project Overview",
    "二、评标办法与K值",
    "2.1 投标报价得分",
    "(1) 计算过程",
];
const PARAGRAPHS: [&str; 3] = [
    "本项目采用综合评估法，满分100分。评标基准价为有效报价去掉1个最高价和1个最低价后的平均值乘以（1－K），K=1.50%。\
     偏差率=（P－B）÷B×100%，保留两位小数，四舍五入。",
    "Bidder B04 (湖北荆楚交通工程有限公司) offered 25,870,300.00 yuan, the lowest valid price; \
     其偏差率为-4.20%，报价得分58.66分。",
    "证书序列号 3F9A0C5E7D1B2A4C6E8F0A1B3C5D7E9F 的签名已于2026-11-30 16:21:00验证通过。",
];
const NOTE: &str = "注：本表由系统根据评标办法自动计算，评委未作调整。";

/// 1234567 → "1,234,567".
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// 90 rows whose amounts grow from 4 to 9 digits.
fn rows() -> Vec<[String; 4]> {
    (1..=90)
        .map(|i| {
            [
                format!("R{i:03}"),
                format!("第{i}号投标人有限公司"),
                format!("{}.{:02}", thousands(i * i * i * 1013), (i * 13) % 100),
                format!("备注{i}：合格"),
            ]
        })
        .collect()
}

fn report() -> Vec<u8> {
    let mut table = Table::new(vec![
        Column::new("序号", 0.7),
        Column::new("投标人名称", 2.6),
        Column::numeric("投标报价（元）", 1.6),
        Column::new("评审意见", 1.6),
    ])
    .striped(true);
    for row in rows() {
        table.push_row(row);
    }
    let mut r = builder(TITLE);
    r.heading(1, HEADINGS[0])
        .key_values([
            ("项目编号", "JA-2026-0117"),
            ("最高投标限价", "28,600,000.00 元"),
        ])
        .paragraph(PARAGRAPHS[0])
        .heading(2, HEADINGS[1])
        .paragraph(PARAGRAPHS[1])
        .heading(3, HEADINGS[2])
        .table(table)
        .note(NOTE)
        .heading(3, HEADINGS[3])
        .paragraph(PARAGRAPHS[2])
        .rule()
        .signature(Signature {
            name: "王强".into(),
            role: "评标专家".into(),
            issuer: "国密示范CA（SM2）".into(),
            signed_at: "2026-11-30 16:23:00".into(),
            status: "已签名，验证通过".into(),
        });
    r.render().unwrap()
}

/// The whole text, whitespace removed, with running headers and footers cut
/// out so that text continuing across a page break reads on.
fn body_text(pdf: &[u8]) -> String {
    let pages = page_count(pdf);
    let mut text = squeeze(&pdftotext(pdf, None));
    text = text.replace(&squeeze(TITLE), "");
    text = text.replace("文档编号：TEST-0001", "");
    for i in 1..=pages {
        text = text.replace(&format!("第{i}页共{pages}页"), "");
    }
    text
}

#[test]
fn every_text_comes_back() {
    let pdf = report();
    let text = body_text(&pdf);
    let mut expected: Vec<String> = HEADINGS.iter().map(|h| h.to_string()).collect();
    for p in PARAGRAPHS {
        expected.extend(p.split_inclusive(['。', ';']).map(str::to_string));
    }
    expected.push(NOTE.to_string());
    for s in [
        "项目编号",
        "JA-2026-0117",
        "最高投标限价",
        "28,600,000.00元",
    ] {
        expected.push(s.to_string());
    }
    for s in [
        "签名人",
        "王强",
        "国密示范CA（SM2）",
        "2026-11-30 16:23:00",
        "已签名，验证通过",
    ] {
        expected.push(s.to_string());
    }
    for row in rows() {
        expected.extend(row);
    }
    let missing: Vec<&String> = expected
        .iter()
        .filter(|s| !text.contains(&squeeze(s)))
        .collect();
    assert!(
        missing.is_empty(),
        "not found in pdftotext output: {missing:?}\n{text}"
    );
}

#[test]
fn long_table_spans_three_pages_with_its_header_on_each() {
    let pdf = report();
    let pages = page_count(&pdf);
    let mut table_pages = Vec::new();
    for page in 1..=pages {
        let text = squeeze(&pdftotext(&pdf, Some((page, page))));
        if (1..=90).any(|i| text.contains(&format!("R{i:03}"))) {
            assert!(
                text.contains("序号投标人名称投标报价（元）评审意见"),
                "page {page} continues the table without its header:\n{text}"
            );
            table_pages.push(page);
        }
    }
    assert!(table_pages.len() >= 3, "table on pages {table_pages:?}");
    // Rows keep their order across pages.
    let text = squeeze(&pdftotext(&pdf, None));
    let positions: Vec<usize> = (1..=90)
        .map(|i| text.find(&format!("R{i:03}")).unwrap())
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]));
}

#[test]
fn header_and_footer_on_every_page() {
    let pdf = report();
    let pages = page_count(&pdf);
    assert!(pages >= 3);
    for page in 1..=pages {
        let text = squeeze(&pdftotext(&pdf, Some((page, page))));
        assert!(
            text.contains(&squeeze(TITLE)),
            "page {page} has no running header"
        );
        assert!(
            text.contains(&format!("第{page}页共{pages}页")),
            "page {page}: {text}"
        );
        assert!(
            text.contains("文档编号：TEST-0001"),
            "page {page} has no footer note"
        );
    }
}

#[test]
fn numbers_are_right_aligned() {
    let pdf = report();
    let amounts: Vec<String> = rows().into_iter().map(|r| r[2].clone()).collect();
    let boxes: Vec<common::Word> = common::words(&pdf, 1)
        .into_iter()
        .filter(|w| amounts.contains(&w.text))
        .collect();
    assert!(boxes.len() > 10, "amounts on page 1: {boxes:?}");
    let right = boxes[0].x_max;
    assert!(
        boxes.iter().all(|w| (w.x_max - right).abs() < 0.5),
        "{boxes:?}"
    );
    let (first, last) = (boxes.first().unwrap(), boxes.last().unwrap());
    assert!(
        last.x_min < first.x_min - 20.0,
        "the amounts grow leftwards: {boxes:?}"
    );
}

#[test]
fn paragraph_lines_are_justified_except_the_last() {
    let text: String =
        "评标委员会依据招标文件规定的评标办法，对投标文件ABC123进行了评审和比较。".repeat(6);
    let mut r = builder("两端对齐");
    r.paragraph(text);
    let pdf = r.render().unwrap();
    let right_margin =
        pingshen_report::style::PAGE_WIDTH - pingshen_report::Margins::default().right;
    // Right end of each body line (pdftotext splits lines into words).
    let mut line_ends: std::collections::BTreeMap<i32, f32> = Default::default();
    for w in common::words(&pdf, 1) {
        if w.y_min < 60.0 || w.y_min > 780.0 {
            continue; // running header and footer
        }
        let end = line_ends.entry(w.y_min.round() as i32).or_insert(0.0);
        *end = end.max(w.x_max);
    }
    let ends: Vec<f32> = line_ends.into_values().collect();
    assert!(ends.len() >= 4, "{ends:?}");
    let (last, wrapped) = ends.split_last().unwrap();
    for end in wrapped {
        assert!(
            (end - right_margin).abs() < 0.6,
            "line ends at {end}, margin {right_margin}: {ends:?}"
        );
    }
    assert!(
        *last < right_margin - 20.0,
        "the last line is not stretched: {ends:?}"
    );
}
