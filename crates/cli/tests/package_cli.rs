//! The evaluation report and package end to end: five experts (RSA, P-256,
//! SM2) submit signed sheets to an in-process sandbox; the platform renders
//! the report; every expert signs its hash; the exported package passes
//! `pingshen verify`, and each tampering — a total changed in the recorded
//! result, a sheet's score altered inside its envelope, the report's bytes
//! swapped, a report signature for another hash — is named.

use base64::Engine;
use pingshen_api::{
    Declaration, DeclarationDecision, ReportSignature, ScoreSheet, DECLARATION_TEXT,
    DECLARATION_TYP, REPORT_SIGNATURE_TYP, SCORE_SHEET_TYP,
};
use pingshen_client::{sign_challenge, sign_document, PlatformClient};
use pingshen_pki::{Pkcs12Signer, Signer};
use pingshen_platform::RunningPlatform;
use pingshen_rules::cells::{build_sheet, Cell, FACTOR, PRELIMINARY};
use pingshen_rules::{FactorKind, Rules};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

const DEMO: &str = "JA-2026-0117";
const EXPERTS: [&str; 5] = ["E001", "E002", "E003", "E004", "E005"];

fn verify(trust: &Path, file: &Path) -> (i32, Value) {
    // A package's platform documents count only from the pinned platform
    // certificate: the demo PKI's, beside its trust folder.
    let platform_cert = trust.parent().unwrap().join("platform/platform.pem");
    let out = Command::new(env!("CARGO_BIN_EXE_pingshen"))
        .arg("verify")
        .arg("--trust")
        .arg(trust)
        .arg("--platform-cert")
        .arg(platform_cert)
        .arg(file)
        .output()
        .unwrap();
    let code = out.status.code().unwrap();
    let json = serde_json::from_slice(&out.stdout).unwrap_or_else(|_| {
        panic!(
            "not JSON (exit {code}): {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (code, json)
}

fn write(dir: &Path, name: &str, value: &impl serde::Serialize) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, serde_json::to_vec(value).unwrap()).unwrap();
    path
}

/// Full marks except the construction plan, which varies by expert.
fn cells(rules: &Rules, bidders: &[String], plan: &str) -> Vec<Cell> {
    let mut out = Vec::new();
    for b in bidders {
        for c in &rules.preliminary {
            out.push(Cell {
                kind: PRELIMINARY.into(),
                bidder: b.clone(),
                item: c.id.clone(),
                value: "pass".into(),
                reason: String::new(),
            });
        }
        for f in &rules.factors {
            let value = match &f.kind {
                FactorKind::Price => continue,
                FactorKind::Deductions(_) => String::new(),
                FactorKind::Options(o) => o
                    .iter()
                    .find(|o| o.points == f.max)
                    .map(|o| o.id.clone())
                    .unwrap(),
                FactorKind::PassFail => "pass".into(),
                FactorKind::Range { .. } if f.id == "tech.construction_plan" => plan.into(),
                FactorKind::Range { .. } => f.max.normalize().to_string(),
            };
            out.push(Cell {
                kind: FACTOR.into(),
                bidder: b.clone(),
                item: f.id.clone(),
                value,
                reason: "方案针对性一般".into(),
            });
        }
    }
    out
}

/// Whether `pingshen verify` named a problem by its stable code and member.
fn has_problem(out: &Value, code: &str, member: &str) -> bool {
    out["problems"].as_array().is_some_and(|ps| {
        ps.iter()
            .any(|p| p["code"] == code && p["member"] == member)
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_signed_report_and_package_verify_and_each_tampering_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let platform = RunningPlatform::start_demo(&dir.path().join("data"))
        .await
        .unwrap();
    let trust = platform.state.pki.dir.join("trust");
    let mut experts = Vec::new();
    for id in EXPERTS {
        let signer = Pkcs12Signer::from_file(&platform.demo_p12(id), "pingshen-demo").unwrap();
        let chain: Vec<Vec<u8>> = signer.chain().iter().map(|c| c.to_der().unwrap()).collect();
        let (client, _) = PlatformClient::new(&platform.url())
            .unwrap()
            .login(&chain, |c| sign_challenge(&signer, c))
            .await
            .unwrap();
        experts.push((id, signer, client));
    }
    let published = experts[0].2.rules(DEMO).await.unwrap();
    let rules = Rules::from_toml(&published.rules_toml).unwrap();
    let bidders: Vec<String> = experts[0]
        .2
        .project(DEMO)
        .await
        .unwrap()
        .bidders
        .into_iter()
        .map(|b| b.id)
        .collect();

    // The report exists only once every sitting expert has submitted.
    for ((id, signer, client), plan) in experts.iter().zip(["5.5", "5", "6", "5.5", "5"]) {
        let d = Declaration {
            project_id: DEMO.into(),
            expert_id: id.to_string(),
            statement: DECLARATION_TEXT.into(),
            decision: DeclarationDecision::NoConflict,
            reason: None,
        };
        client
            .declare(DEMO, sign_document(signer, DECLARATION_TYP, &d).unwrap())
            .await
            .unwrap();
        if *id == "E001" {
            let early = client.report_status(DEMO).await.unwrap_err();
            assert_eq!(early.code(), "panel_incomplete");
        }
        let sheet = ScoreSheet {
            submission_id: uuid::Uuid::now_v7().to_string(),
            project_id: DEMO.into(),
            expert_id: id.to_string(),
            version: 1,
            rules_version: published.version,
            rules_sha256: published.sha256.clone(),
            sheet: build_sheet(&rules, id, &bidders, &cells(&rules, &bidders, plan)),
        };
        client
            .submit_sheet(
                DEMO,
                sign_document(signer, SCORE_SHEET_TYP, &sheet).unwrap(),
            )
            .await
            .unwrap();
    }

    // Every expert signs the report's hash; the report is complete.
    let status = experts[0].2.report_status(DEMO).await.unwrap();
    assert!(!status.complete);
    for (id, signer, client) in &experts {
        let doc = ReportSignature {
            project_id: DEMO.into(),
            expert_id: id.to_string(),
            report_sha256: status.sha256.clone(),
        };
        let env = sign_document(signer, REPORT_SIGNATURE_TYP, &doc).unwrap();
        client.sign_report(DEMO, env.clone()).await.unwrap();
        // Again: the same receipt, nothing doubled.
        client.sign_report(DEMO, env).await.unwrap();
    }
    let status = experts[0].2.report_status(DEMO).await.unwrap();
    assert!(status.complete, "{status:?}");
    assert_eq!(status.signed_by, EXPERTS);
    // A signature over another hash is refused.
    let stale = ReportSignature {
        project_id: DEMO.into(),
        expert_id: "E001".into(),
        report_sha256: "0".repeat(64),
    };
    let refused = experts[0]
        .2
        .sign_report(
            DEMO,
            sign_document(&experts[0].1, REPORT_SIGNATURE_TYP, &stale).unwrap(),
        )
        .await
        .unwrap_err();
    assert_eq!(refused.code(), "report_changed");

    let package = experts[0].2.evaluation_package(DEMO).await.unwrap();
    assert_eq!(package.report_sha256, status.sha256);
    let pdf = base64::engine::general_purpose::STANDARD
        .decode(package.report_pdf_base64.as_bytes())
        .unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    // For a person to look at: PINGSHEN_KEEP_REPORT=/path/report.pdf.
    if let Ok(keep) = std::env::var("PINGSHEN_KEEP_REPORT") {
        std::fs::write(keep, &pdf).unwrap();
    }
    let intact = write(dir.path(), "package.json", &package);
    let (code, out) = verify(&trust, &intact);
    assert_eq!(code, 0, "{out}");
    assert_eq!(out["code"], "intact");
    // 1 rules + 5 declarations + 5 sheets + 5 report signatures, each with a receipt.
    assert_eq!(out["checked"]["receipts"], 16, "{out}");

    // A total changed in the recorded result.
    let mut v: Value = serde_json::to_value(&package).unwrap();
    let old = v["result"]["bidders"][0]["total"]
        .as_str()
        .unwrap()
        .to_string();
    v["result"]["bidders"][0]["total"] = Value::String(format!("{}1", old));
    let (code, out) = verify(&trust, &write(dir.path(), "total.json", &v));
    assert_eq!(code, 1);
    assert!(
        has_problem(&out, "result_mismatch", "result.bidders[0].total"),
        "{out}"
    );

    // A score altered inside a signed sheet: its signature no longer holds.
    let mut v: Value = serde_json::to_value(&package).unwrap();
    let payload = v["sheets"][0]["envelope"]["payload"]
        .as_str()
        .unwrap()
        .to_string();
    let mut doc: Value = serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(payload.as_bytes())
            .unwrap(),
    )
    .unwrap();
    doc["sheet"]["bidders"][0]["factors"][0]["points"] = Value::String("6".into());
    v["sheets"][0]["envelope"]["payload"] = Value::String(
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(serde_json::to_vec(&doc).unwrap()),
    );
    let (code, out) = verify(&trust, &write(dir.path(), "sheet.json", &v));
    assert_eq!(code, 1);
    assert!(has_problem(&out, "receipt_mismatch", "sheets[0]"), "{out}");

    // The report's bytes swapped.
    let mut v: Value = serde_json::to_value(&package).unwrap();
    v["report_pdf_base64"] =
        Value::String(base64::engine::general_purpose::STANDARD.encode(b"%PDF-1.7 forged"));
    let (code, out) = verify(&trust, &write(dir.path(), "pdf.json", &v));
    assert_eq!(code, 1);
    assert!(
        has_problem(&out, "report_hash", "report_pdf_base64"),
        "{out}"
    );

    // Without the recognised CAs nothing verifies.
    let empty = dir.path().join("no-cas");
    std::fs::create_dir_all(&empty).unwrap();
    let (code, _) = verify(&empty, &intact);
    assert_ne!(code, 0);
}
