//! `pingshen rules …` run as a user would: files in, text or JSON out,
//! exit codes that scripts can trust.

use pingshen_testkit::cli::{arg as p, pingshen as run};
use std::path::{Path, PathBuf};
use std::process::Output;

fn template(name: &str) -> PathBuf {
    pingshen_testkit::cli::asset(&format!("rules/{name}"))
}

fn scratch(test: &str) -> PathBuf {
    pingshen_testkit::cli::scratch("rules-cli", test)
}

/// `pingshen rules explain RULES --prices PRICES EXTRA…`.
fn explain(rules: &Path, prices: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["rules", "explain", p(rules), "--prices", p(prices)];
    args.extend_from_slice(extra);
    run(&args)
}

/// `pingshen rules aggregate RULES --sheets SHEETS EXTRA…`.
fn aggregate(rules: &Path, sheets: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["rules", "aggregate", p(rules), "--sheets", p(sheets)];
    args.extend_from_slice(extra);
    run(&args)
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn check_accepts_every_template() {
    for name in [
        "municipal-construction.toml",
        "procurement-goods.toml",
        "supervision-service.toml",
        "lowest-evaluated-price.toml",
    ] {
        let out = run(&["rules", "check", p(&template(name))]);
        assert_eq!(out.status.code(), Some(0), "{name}: {}", text(&out.stderr));
        assert!(
            text(&out.stdout).contains("规则有效"),
            "{}",
            text(&out.stdout)
        );
    }
}

#[test]
fn check_reports_errors_with_file_line_code_and_exits_one() {
    let dir = scratch("check-bad");
    let original = std::fs::read_to_string(template("municipal-construction.toml")).unwrap();
    let broken = original.replacen("step = \"0.5\"", "step = \"0.7\"", 1);
    let file = dir.join("bad.toml");
    std::fs::write(&file, &broken).unwrap();
    let line = broken
        .lines()
        .position(|l| l.contains("step = \"0.7\""))
        .unwrap()
        + 1;

    let out = run(&["rules", "check", p(&file)]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains(&format!(
            "bad.toml:{line}: [step_not_dividing_range] factors[0].step:"
        )),
        "{err}"
    );

    let out = run(&["rules", "check", p(&file), "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["valid"], false);
    assert_eq!(v["diagnostics"][0]["code"], "step_not_dividing_range");
    assert_eq!(v["diagnostics"][0]["line"], line);
}

#[test]
fn a_missing_file_is_exit_two() {
    let out = run(&["rules", "check", "/nonexistent/rules.toml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("无法读取文件"));
}

/// The demo project's six bids (assets/demo/project.toml) and its ceiling.
const DEMO_PRICES: &str = include_str!("../../../../assets/rules/examples/demo-prices.json");

/// The demo project's prices on the municipal template with K = 0.02:
/// six valid bids, the highest (B05) dropped, B = 130 589 800.00 ÷ 5 × 0.98
/// = 25 595 600.80; B04 is 14.53% below it and scores 60 − 7.265 = 52.74;
/// and its price meets the template's abnormal-price triggers.
#[test]
fn explain_prints_a_table_and_the_steps() {
    let dir = scratch("explain");
    let prices = dir.join("prices.json");
    std::fs::write(&prices, DEMO_PRICES).unwrap();
    let rules = template("municipal-construction.toml");

    let out = explain(&rules, &prices, &["--k", "0.02"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let s = text(&out.stdout);
    assert!(s.contains("评标基准价 B = 25595600.80"), "{s}");
    let b04 = s.lines().find(|l| l.starts_with("B04")).expect("B04 row");
    assert!(b04.contains("-14.53") && b04.ends_with("52.74"), "{b04}");
    assert!(s.contains("计算过程"), "{s}");
    assert!(
        s.contains(
            "B04 报价 21,876,500.00 元，低于全部有效投标报价的平均值 26,429,633.33 元的 85%"
        ),
        "{s}"
    );

    let out = explain(&rules, &prices, &["--k", "0.02", "--json"]);
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["explanation"]["benchmark"]["value"], "25595600.80");
    let b04 = v["bids"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["bidder"] == "B04")
        .unwrap();
    assert_eq!(b04["score"], "52.74");
}

#[test]
fn explain_flags_an_abnormally_low_price_and_shows_the_computation() {
    let dir = scratch("explain-abnormal");
    let prices = dir.join("prices.json");
    std::fs::write(
        &prices,
        r#"{"ceiling": "3000000", "bids": [
            {"bidder": "A", "price": "1200000"},
            {"bidder": "B", "price": "2950000"},
            {"bidder": "C", "price": "2980000"},
            {"bidder": "D", "price": "2970000"},
            {"bidder": "E", "price": "1000000", "valid_after_preliminary": false}
        ]}"#,
    )
    .unwrap();
    let rules = template("procurement-goods.toml");
    let out = explain(&rules, &prices, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let s = text(&out.stdout);
    // The mean is of the four valid bids (E failed the preliminary review).
    assert!(
        s.contains("A 报价 1,200,000.00 元，低于全部有效投标报价的平均值 2,525,000.00 元的 50%（1,262,500.00 元）"),
        "{s}"
    );
    assert!(
        s.contains("低于次低有效投标报价 2,950,000.00 元的 50%（1,475,000.00 元）"),
        "{s}"
    );
    assert!(
        s.contains("低于最高投标限价 3,000,000.00 元的 45%（1,350,000.00 元）"),
        "{s}"
    );
    assert!(!s.contains("E 报价 1,000,000.00 元，低于"), "{s}");

    let out = explain(&rules, &prices, &["--json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let flagged = v["explanation"]["abnormally_low"].as_array().unwrap();
    assert_eq!(flagged.len(), 1);
    assert_eq!(flagged[0]["bidder"], "A");
    let triggers: Vec<&str> = flagged[0]["triggers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["trigger"].as_str().unwrap())
        .collect();
    assert_eq!(
        triggers,
        ["below_mean", "below_second_lowest", "below_ceiling"]
    );
    assert_eq!(flagged[0]["triggers"][0]["threshold"], "1262500.00");
}

#[test]
fn a_ratio_outside_zero_to_one_is_refused_with_its_path() {
    let dir = scratch("abnormal-bad-ratio");
    let bad = std::fs::read_to_string(template("procurement-goods.toml"))
        .unwrap()
        .replace(
            "below_ceiling_ratio = \"0.45\"",
            "below_ceiling_ratio = \"45\"",
        );
    let path = dir.join("bad.toml");
    std::fs::write(&path, bad).unwrap();
    let out = run(&["rules", "check", p(&path)]);
    assert_eq!(out.status.code(), Some(1));
    let e = text(&out.stderr) + &text(&out.stdout);
    assert!(
        e.contains("value_out_of_range") && e.contains("abnormally_low.below_ceiling_ratio"),
        "{e}"
    );
}

#[test]
fn explain_without_the_drawn_k_is_refused() {
    let dir = scratch("explain-no-k");
    let prices = dir.join("prices.json");
    std::fs::write(&prices, DEMO_PRICES).unwrap();
    let out = explain(&template("municipal-construction.toml"), &prices, &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("[k_missing]"),
        "{}",
        text(&out.stderr)
    );

    std::fs::write(
        &prices,
        DEMO_PRICES.replace("\"27365000.00\"", "27365000.5"),
    )
    .unwrap();
    let out = explain(
        &template("municipal-construction.toml"),
        &prices,
        &["--k", "0"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("[invalid_json]"),
        "{}",
        text(&out.stderr)
    );
}

/// Shared with the rules crate's tests: tech 0–40 (step 0.5) + price 60, lowest price first.
const SMALL: &str = include_str!("../../../rules/tests/fixtures/small.toml");

fn write_sheets(dir: &Path, tech: [[&str; 2]; 3]) {
    for (i, row) in tech.iter().enumerate() {
        let bidders: Vec<serde_json::Value> = ["A", "B"]
            .iter()
            .zip(row)
            .map(|(b, pts)| {
                serde_json::json!({
                    "bidder": b,
                    "preliminary": [{"criterion": "form.signature", "pass": true}],
                    "factors": [{"factor": "tech.plan", "points": pts, "reason": "方案一般"}]
                })
            })
            .collect();
        let sheet = serde_json::json!({"expert": format!("E{}", i + 1), "bidders": bidders});
        std::fs::write(dir.join(format!("E{}.json", i + 1)), sheet.to_string()).unwrap();
    }
}

/// A scratch folder with the small rules, a `sheets/` folder of three
/// sheets scoring A and B on tech.plan, and the prices in `prices_json`
/// (written into `sheets/prices.json`).
fn panel_setup(test: &str, tech: [[&str; 2]; 3], prices_json: &str) -> (PathBuf, PathBuf) {
    let dir = scratch(test);
    let rules = dir.join("rules.toml");
    std::fs::write(&rules, SMALL).unwrap();
    let sheets = dir.join("sheets");
    std::fs::create_dir_all(&sheets).unwrap();
    write_sheets(&sheets, tech);
    std::fs::write(sheets.join("prices.json"), prices_json).unwrap();
    (rules, sheets)
}

const EQUAL_PRICES: &str =
    r#"{"bids": [{"bidder": "A", "price": "100"}, {"bidder": "B", "price": "100"}]}"#;

/// A: tech 30 on every sheet, price 100 → 30 + 60.00 = 90.00.
/// B: tech 36, 36, 39 → 37.00, price 120 → 100/120 × 60 = 50.00 → 87.00.
#[test]
fn aggregate_ranks_the_panel() {
    let (rules, sheets) = panel_setup(
        "aggregate",
        [["30", "36"], ["30", "36"], ["30", "39"]],
        r#"{"bids": [{"bidder": "A", "price": "100"}, {"bidder": "B", "price": "120"}]}"#,
    );

    let out = aggregate(&rules, &sheets, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let s = text(&out.stdout);
    let first = s.lines().nth(1).unwrap();
    assert!(
        first.starts_with("1") && first.contains('A') && first.ends_with("90.00"),
        "{s}"
    );

    let out = aggregate(&rules, &sheets, &["--json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["status"], "final");
    assert_eq!(v["ranking"]["entries"][1]["bidder"], "B");
    assert_eq!(v["ranking"]["entries"][1]["key"], "87.00");
}

/// Same price and same total: lots decide. Without lots.json the result is
/// provisional (exit 3); with it, final (exit 0).
#[test]
fn aggregate_waits_for_lots_on_a_full_tie() {
    let (rules, sheets) = panel_setup(
        "aggregate-tie",
        [["30", "30"], ["30", "30"], ["30", "30"]],
        EQUAL_PRICES,
    );
    let dir = sheets.parent().unwrap().to_path_buf();
    let prices = dir.join("p.json");
    std::fs::write(&prices, EQUAL_PRICES).unwrap();

    let out = aggregate(&rules, &sheets, &["--prices", p(&prices), "--json"]);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["ranking"]["unresolved"][0], serde_json::json!(["A", "B"]));

    let lots = dir.join("lots.json");
    std::fs::write(&lots, r#"[{"bidders": ["B", "A"]}]"#).unwrap();
    let out = aggregate(
        &rules,
        &sheets,
        &["--prices", p(&prices), "--lots", p(&lots)],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let s = text(&out.stdout);
    assert!(s.lines().nth(1).unwrap().contains('B'), "{s}");
}

#[test]
fn aggregate_refuses_an_invalid_sheet() {
    let (rules, sheets) = panel_setup(
        "aggregate-bad",
        [["30", "30"], ["30", "41"], ["30", "30"]],
        EQUAL_PRICES,
    );
    let out = aggregate(&rules, &sheets, &[]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains("[points_out_of_range] sheets[E2].bidders[B].factors[tech.plan].points"),
        "{err}"
    );
}
