//! Open data end to end: a demo evaluation on the real sandbox platform;
//! `GET /projects/{id}/ocds` refuses while it is unfinished and, once the
//! project is closed, answers without a session the same release package
//! as `pingshen export ocds` makes from the package staff export; the
//! Open Contracting Partnership's own validator (libcoveocds, installed by
//! scripts/setup) finds no error in it, offline, with the bids extension
//! applied — and finds the errors in a broken one.

use pingshen_api::{EvaluationPackage, Stage};
use pingshen_ocds::{Candidate, Evaluation, HashedDocument, PublicBid, Publication, RankedBy};
use pingshen_platform::{demo, demo_run};
use pingshen_testkit::cli::{bin, exit_and_json, repo, write_json};
use pingshen_testkit::TestPlatform;
use serde_json::Value;
use std::path::Path;
use std::process::Command;

const PROJECT: &str = "JA-2026-0117-OD";

/// libcoveocds's JSON verdict on `file`, run offline by
/// scripts/ocds_validate.py (vendored schemas, every connection refused).
fn validate(file: &Path) -> Value {
    let venv = std::env::var_os("PINGSHEN_PY_VENV")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(&std::env::var_os("HOME").expect("HOME")).join(".cache/pingshen/venv")
        });
    let python = venv.join("bin/python");
    assert!(
        python.is_file(),
        "libcoveocds's venv {} is missing: run scripts/setup",
        venv.display()
    );
    let out = Command::new(python)
        .arg(repo().join("scripts/ocds_validate.py"))
        .arg(file)
        .output()
        .expect("run scripts/ocds_validate.py");
    assert!(
        out.status.success(),
        "ocds_validate failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "libcoveocds printed no JSON ({e}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

/// No validation error, and the bids extension was read (from the vendored
/// copy) and applied.
fn assert_valid(verdict: &Value) {
    assert_eq!(
        verdict["validation_errors"],
        serde_json::json!([]),
        "{verdict:#}"
    );
    assert_eq!(
        verdict["extensions"]["invalid_extension"],
        serde_json::json!({}),
        "{verdict:#}"
    );
    assert_eq!(verdict["extensions"]["is_extended_schema"], true);
    assert_eq!(verdict["version_used"], "1.1");
}

fn export(platform_url: &str, package: &Path) -> (i32, Value) {
    let out = Command::new(bin("pingshen"))
        .args(["export", "ocds", "--platform-url", platform_url])
        .arg(package)
        .output()
        .unwrap();
    exit_and_json(&out)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_platform_and_the_cli_publish_the_same_valid_ocds_package() {
    let p = TestPlatform::demo().await;
    let (url, pki, assets) = (p.url(), p.state.pki.dir.clone(), demo::default_assets_dir());
    demo_run::copy_demo_project(&url, &pki, &assets, PROJECT)
        .await
        .unwrap();
    let http = reqwest::Client::new();
    let ocds_url = format!("{url}/api/v1/projects/{PROJECT}/ocds");
    let refused = |what: &'static str| {
        let (http, ocds_url) = (http.clone(), ocds_url.clone());
        async move {
            let resp = http.get(&ocds_url).send().await.unwrap();
            assert_eq!(resp.status().as_u16(), 409, "{what}");
            let body: Value = resp.json().await.unwrap();
            assert_eq!(body["error"]["code"], "evaluation_unfinished", "{what}");
            assert!(
                body["error"]["message"]
                    .as_str()
                    .unwrap()
                    .contains("不公开评标结果"),
                "{body}"
            );
        }
    };
    refused("while the experts evaluate").await;
    let package = demo_run::evaluate(&url, &pki, &assets, PROJECT)
        .await
        .unwrap();
    refused("signed by all, but the stage is still 评标中").await;
    let staff = demo_run::login(&url, &pki, "S001").await.unwrap();
    for stage in [Stage::Summary, Stage::Closed] {
        staff.client.change_stage(PROJECT, stage).await.unwrap();
    }

    // Public: no session.
    let resp = http.get(&ocds_url).send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    let served: Value = resp.json().await.unwrap();

    let dir = tempfile::tempdir().unwrap();
    let package_file = write_json(dir.path(), "package.json", &package);
    let (code, exported) = export(&url, &package_file);
    assert_eq!(code, 0, "{exported}");
    assert_eq!(served, exported, "the platform and the CLI disagree");

    // What it says: the demo's five bids, B04 rejected as abnormally low,
    // at most three candidates pending, in rank order.
    let ocid = format!("ocds-pingshen-{PROJECT}");
    assert_eq!(served["uri"], ocds_url);
    assert_eq!(served["releases"][0]["ocid"], ocid.as_str());
    assert_eq!(served["releases"][1]["ocid"], ocid.as_str());
    let candidates = &served["releases"][1];
    let opened = &package.result.bidders;
    assert_eq!(
        candidates["bids"]["details"].as_array().unwrap().len(),
        opened.len()
    );
    let status_of = |bidder: &str| {
        candidates["bids"]["details"]
            .as_array()
            .unwrap()
            .iter()
            .find(|b| b["id"] == bidder)
            .unwrap()["status"]
            .clone()
    };
    assert_eq!(status_of("B04"), "disqualified");
    for q in &package.result.qualified {
        assert_eq!(status_of(q), "valid", "{q}");
    }
    let awards = candidates["awards"].as_array().unwrap();
    let ranked: Vec<&str> = package
        .result
        .ranking
        .entries
        .iter()
        .filter(|e| e.rank <= 3)
        .map(|e| e.bidder.as_str())
        .collect();
    assert!(!ranked.is_empty() && ranked.len() <= 3);
    assert_eq!(
        awards
            .iter()
            .map(|a| a["relatedBid"].as_str().unwrap())
            .collect::<Vec<_>>(),
        ranked
    );
    assert!(awards.iter().all(|a| a["status"] == "pending"));
    assert!(candidates["tender"]["documents"][1]["description"]
        .as_str()
        .unwrap()
        .contains(&package.report_sha256));
    // Nothing about the panel: no expert or witness by id or name.
    let text = served.to_string();
    for who in ["E001", "E002", "E003", "E004", "E005", "W001", "S001"] {
        assert!(!text.contains(who), "{who} is published");
    }
    for name in ["张伟", "李娜", "王强", "刘洋", "陈静", "赵敏", "孙丽"] {
        assert!(!text.contains(name), "{name} is published");
    }

    // libcoveocds, offline: no error, the bids extension applied.
    let file = write_json(dir.path(), "ocds.json", &served);
    assert_valid(&validate(&file));

    // A package whose report lacks a signature is not finished.
    let mut unsigned: EvaluationPackage = package.clone();
    unsigned.report_signatures.pop();
    let unsigned_file = write_json(dir.path(), "unsigned.json", &unsigned);
    let (code, out) = export(&url, &unsigned_file);
    assert_eq!(code, 1, "{out}");
    assert_eq!(out["code"], "evaluation_unfinished");
    p.stop().await;
}

fn small_evaluation() -> Evaluation {
    let d = |s: &str| s.parse().unwrap();
    let at = |s: &str| {
        time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).unwrap()
    };
    let bid = |id: &str, price: &str, valid: bool| PublicBid {
        bidder_id: id.into(),
        bidder_name: format!("投标人{id}"),
        price: d(price),
        valid,
        rejected_as_abnormally_low: !valid,
    };
    Evaluation {
        project_id: "T-1".into(),
        project_name: "测试工程".into(),
        lot: "第一标段".into(),
        centre: "测试交易中心".into(),
        tenderer: "测试招标人".into(),
        opening_time: at("2026-01-17T09:30:00+08:00"),
        ceiling_price: d("1000000.00"),
        bids: vec![
            bid("B01", "950000.00", true),
            bid("B02", "600000.00", false),
        ],
        ranked_by: RankedBy::Points,
        candidates: vec![Candidate {
            rank: 1,
            bidder_id: "B01".into(),
            key: d("91.50"),
        }],
        rules: HashedDocument {
            sha256: "ab".repeat(32),
            date: at("2026-01-10T10:00:00+08:00"),
        },
        rules_version: 1,
        report: HashedDocument {
            sha256: "cd".repeat(32),
            date: at("2026-01-17T16:00:00+08:00"),
        },
    }
}

/// The validator is no rubber stamp: our own small package passes, and
/// each breakage is reported — one the core schema forbids (no `ocid`) and
/// one only the bids extension's schema forbids (a bid without `id`), which
/// shows the vendored extension is applied offline.
#[test]
fn the_validator_refuses_a_broken_package() {
    let dir = tempfile::tempdir().unwrap();
    let package = pingshen_ocds::release_package(
        &small_evaluation(),
        &Publication {
            uri: pingshen_ocds::package_uri("http://127.0.0.1:8620", "T-1"),
        },
    )
    .unwrap();
    let good = serde_json::to_value(&package).unwrap();
    assert_valid(&validate(&write_json(dir.path(), "good.json", &good)));

    type Breakage = (&'static str, fn(&mut Value), &'static str, &'static str);
    #[rustfmt::skip]
    let table: &[Breakage] = &[
        ("no ocid",
         |v| { v["releases"][1].as_object_mut().unwrap().remove("ocid"); },
         "'ocid' is missing but required", "releases/1"),
        ("a bid without id",
         |v| { v["releases"][1]["bids"]["details"][0].as_object_mut().unwrap().remove("id"); },
         "'id' is missing but required", "releases/1/bids/details/0"),
        ("a bid statistic that is not a number",
         |v| { v["releases"][0]["bids"]["statistics"][0]["value"] = Value::from("五"); },
         "is not a number", "releases/0/bids/statistics/0/value"),
    ];
    for (what, breaks, description, path) in table {
        let mut broken = good.clone();
        breaks(&mut broken);
        let file = write_json(dir.path(), "broken.json", &broken);
        let verdict = validate(&file);
        let errors = verdict["validation_errors"].as_array().unwrap();
        assert!(
            errors.iter().any(|e| e["description"]
                .as_str()
                .is_some_and(|d| d.contains(description))
                && e["path"] == *path),
            "{what}: expected “{description}” at {path}: {verdict:#}"
        );
    }
}
