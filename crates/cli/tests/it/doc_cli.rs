//! `pingshen doc extract` end to end, on the repository's demo PDFs.

use pingshen_testkit::cli::{pingshen, repo};
use std::path::PathBuf;

fn scratch(test: &str) -> PathBuf {
    pingshen_testkit::cli::scratch("doc-cli", test)
}

fn demo(name: &str) -> String {
    repo().join("assets/demo").join(name).display().to_string()
}

#[test]
fn a_non_pdf_is_a_clear_error_with_a_non_zero_exit() {
    let dir = scratch("non-pdf");
    let path = dir.join("notes.txt");
    std::fs::write(&path, "这不是PDF").unwrap();
    let out = pingshen(&["doc", "extract", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("文件不是PDF格式") && stderr.contains("not_pdf"),
        "{stderr}"
    );

    let out = pingshen(&["doc", "extract", "--json", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["error"]["code"], "not_pdf");
}

#[test]
fn a_missing_file_is_an_error() {
    let out = pingshen(&["doc", "extract", "/nonexistent/bid.pdf"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("无法读取文件"));
}

#[test]
fn extracts_pages_metadata_and_outline() {
    let out = pingshen(&["doc", "extract", &demo("bid-B03.pdf")]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("页数：25"));
    assert!(stdout.contains("作者：Administrator"));
    assert!(stdout.contains("创建时间：2026-11-28T21:47:08+08:00"));
    assert!(stdout.contains("五、施工组织设计 …… 第18页"));
    assert!(stdout.contains("==== 第 19 页（content_stream） ===="));
    assert!(stdout.contains("低副"));

    let out = pingshen(&["doc", "extract", "--json", &demo("tender.pdf")]);
    assert_eq!(out.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let extraction = &json["extraction"];
    assert_eq!(extraction["metadata"]["page_count"], 38);
    assert_eq!(extraction["pages"].as_array().unwrap().len(), 38);
    assert_eq!(extraction["failed_pages"].as_array().unwrap().len(), 0);
    assert_eq!(extraction["metadata"]["author"], "江岸城投招标代理");
}

#[test]
fn a_damaged_pdf_lists_the_pages_it_could_not_read() {
    let dir = scratch("damaged");
    let path = dir.join("damaged.pdf");
    let full = std::fs::read(demo("bid-B01.pdf")).unwrap();
    std::fs::write(&path, &full[..1000]).unwrap();
    let out = pingshen(&["doc", "extract", path.to_str().unwrap()]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("未能读取的页面："), "{stdout}");
    assert!(stdout.contains("page_unreadable"));
}
