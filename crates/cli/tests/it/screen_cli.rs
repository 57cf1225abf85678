//! `pingshen screen` end to end on the repository's demo PDFs: extraction
//! in worker processes, all screens, text and JSON output, exit codes.

use pingshen_testkit::cli::{arg as p, pingshen, repo};
use std::path::PathBuf;
use std::process::Output;

fn scratch(test: &str) -> PathBuf {
    pingshen_testkit::cli::scratch("screen-cli", test)
}

fn demo(name: &str) -> String {
    repo().join("assets/demo").join(name).display().to_string()
}

fn asset(path: &str) -> String {
    repo().join("assets").join(path).display().to_string()
}

/// `pingshen screen` on the demo folder with the demo prices, plus `extra`.
fn screen_demo(extra: &[&str]) -> Output {
    let (tender, bids, prices) = (
        demo("tender.pdf"),
        demo(""),
        asset("rules/examples/demo-prices.json"),
    );
    let mut args = vec![
        "screen", "--tender", &tender, "--bids", &bids, "--prices", &prices,
    ];
    args.extend_from_slice(extra);
    pingshen(&args)
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn the_demo_bids_show_the_planted_case_in_text() {
    let out = screen_demo(&[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("投标文件：6份"), "{stdout}");
    // The planted case, and B04's abnormally low price far below the
    // others (a weak price signal, for the panel to weigh).
    assert!(stdout.contains("发现4项提示"), "{stdout}");
    assert!(stdout.contains("B03与B05：2处雷同段落"));
    assert!(stdout.contains("B03 第19页"));
    assert!(stdout.contains("低副"));
    assert!(stdout.contains("B03与B05：5项文件属性一致"));
    assert!(stdout.contains("最低报价B04与其余报价的相对距离为7.111"));
    assert!(stdout.contains("变异系数：0.0872"));
    for other in ["B01与", "B02与", "B04与B", "与B06"] {
        assert!(!stdout.contains(other), "{other}: {stdout}");
    }
}

#[test]
fn json_output_carries_flags_evidence_and_price_statistics() {
    let rules = asset("rules/municipal-construction.toml");
    let out = screen_demo(&["--json", "--rules", &rules]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let flags = json["flags"].as_array().unwrap();
    let mut kinds: Vec<&str> = flags.iter().map(|f| f["kind"].as_str().unwrap()).collect();
    kinds.sort();
    assert_eq!(
        kinds,
        vec![
            "lowest_bid_gap",
            "metadata_match",
            "shared_typo",
            "text_overlap"
        ]
    );
    for f in flags.iter().filter(|f| f["kind"] != "lowest_bid_gap") {
        let ids: Vec<&str> = f["involved"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["id"].as_str().unwrap())
            .collect();
        assert_eq!(ids, vec!["B03", "B05"]);
        assert!(f["id"].as_str().unwrap().starts_with("f-"));
    }
    let overlap = flags.iter().find(|f| f["kind"] == "text_overlap").unwrap();
    let first = &overlap["evidence"]["passages"][0];
    assert_eq!(first["a"]["start"]["page"], 19);
    assert_eq!(first["b"]["start"]["page"], 19);
    assert_eq!(first["a"]["file"], "bid-B03.pdf");
    // The file's own size and hash were compared (they differ).
    let meta = flags
        .iter()
        .find(|f| f["kind"] == "metadata_match")
        .unwrap();
    let size = meta["evidence"]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["field"] == "size")
        .unwrap();
    assert_eq!(size["matches"], false);
    let rows = json["prices"]["rows"].as_array().unwrap();
    let benchmark = rows.iter().find(|r| r["code"] == "benchmark").unwrap();
    assert!(benchmark["value"].as_str().unwrap().parse::<f64>().unwrap() > 0.0);
}

/// `pingshen screen` with the demo tender, the given bids folder and `extra`.
fn screen_bids(bids: &str, extra: &[&str]) -> Output {
    let tender = demo("tender.pdf");
    let mut args = vec!["screen", "--tender", &tender, "--bids", bids];
    args.extend_from_slice(extra);
    pingshen(&args)
}

/// Exit code 2 and every one of `needles` on stderr.
fn assert_fails_with(out: &Output, needles: &[&str]) {
    assert_eq!(out.status.code(), Some(2), "{}", stderr(out));
    let err = stderr(out);
    for needle in needles {
        assert!(err.contains(needle), "{needle}: {err}");
    }
}

#[test]
fn a_missing_or_empty_bids_folder_is_an_error() {
    assert_fails_with(
        &screen_bids("/nonexistent/bids", &[]),
        &["无法读取投标文件目录"],
    );
    let empty = scratch("empty");
    assert_fails_with(&screen_bids(p(&empty), &[]), &["没有投标文件"]);
}

#[test]
fn malformed_prices_and_settings_are_errors_before_any_extraction() {
    let dir = scratch("inputs");
    let prices = dir.join("prices.json");
    std::fs::write(&prices, r#"{"bids": [{"bidder": "B01", "price": 1.5}]}"#).unwrap();
    assert_fails_with(
        &screen_bids(&demo(""), &["--prices", p(&prices)]),
        &["报价文件"],
    );

    let settings = dir.join("settings.json");
    std::fs::write(&settings, r#"{"text": {"boilerplate_share": "1.5"}}"#).unwrap();
    assert_fails_with(
        &screen_bids(&demo(""), &["--settings", p(&settings)]),
        &["text.boilerplate_share", "invalid_setting"],
    );
}

#[test]
fn a_file_that_is_not_a_pdf_is_named_in_the_error() {
    let dir = scratch("notpdf");
    std::fs::copy(demo("bid-B01.pdf"), dir.join("bid-B01.pdf")).unwrap();
    std::fs::write(dir.join("bid-B02.pdf"), "这不是PDF").unwrap();
    assert_fails_with(&screen_bids(p(&dir), &[]), &["bid-B02.pdf", "not_pdf"]);
}
