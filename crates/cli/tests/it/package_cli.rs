//! The evaluation report and package end to end through the CLI: five
//! experts (RSA, P-256, SM2) submit signed sheets with differing scores to
//! an in-process sandbox; the platform renders the report; every expert
//! signs its hash; the package staff export passes `pingshen verify`, and a
//! few tamperings are named (the full generated matrix is in
//! crates/audit/tests/tamper_matrix.rs). Then revocation: a certificate
//! revoked as of a past time makes the platform refuse its next document,
//! and `verify` flags the documents the platform accepted after that time.

use base64::Engine;
use pingshen_api::{
    Declaration, DeclarationDecision, Motion, MotionKind, MotionVote, ReportSignature, ScoreSheet,
    DECLARATION_TEXT, DECLARATION_TYP, MOTION_TYP, MOTION_VOTE_TYP, REPORT_SIGNATURE_TYP,
    SCORE_SHEET_TYP,
};
use pingshen_client::{sign_document, PlatformClient};
use pingshen_pki::{Pkcs12Signer, Signer};
use pingshen_platform::RunningPlatform;
use pingshen_rules::cells::build_sheet;
use pingshen_rules::motion::{ACCEPT_EXPLANATION, REJECT_BID};
use pingshen_rules::Rules;
use pingshen_testkit::cells::full_marks_but_plan;
use pingshen_testkit::cli::{verify, write_json as write};
use serde_json::Value;

const DEMO: &str = "JA-2026-0117";
const EXPERTS: [&str; 5] = ["E001", "E002", "E003", "E004", "E005"];

/// The first problem with `code` in a verdict.
fn problem<'v>(out: &'v Value, code: &str) -> &'v Value {
    out["problems"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["code"] == code)
        .unwrap_or_else(|| panic!("no {code} in {out}"))
}

fn problems(out: &Value) -> String {
    out["problems"].to_string()
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
        let (signer, client) = login(&platform, id).await;
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
            sheet: build_sheet(
                &rules,
                id,
                &bidders,
                &full_marks_but_plan(&rules, &bidders, plan, "方案针对性一般"),
            ),
        };
        client
            .submit_sheet(
                DEMO,
                sign_document(signer, SCORE_SHEET_TYP, &sheet).unwrap(),
            )
            .await
            .unwrap();
    }

    // An abnormal-price review (表决): E001 proposes, three of five reject
    // B03's bid; the result the package carries is computed without it and
    // `verify` must recompute exactly that from the signed votes.
    let motion = Motion {
        project_id: DEMO.into(),
        motion_id: "m-abnormal-b03".into(),
        proposer_id: "E001".into(),
        kind: MotionKind::AbnormalPrice,
        bidder_id: Some("B03".into()),
        text: "B03 的书面说明及证明材料是否足以证明其报价合理？".into(),
        options: vec![ACCEPT_EXPLANATION.into(), REJECT_BID.into()],
    };
    let (_, e001, c001) = &experts[0];
    c001.propose_motion(DEMO, sign_document(e001, MOTION_TYP, &motion).unwrap())
        .await
        .unwrap();
    for (id, signer, client) in &experts[..3] {
        let vote = MotionVote {
            project_id: DEMO.into(),
            motion_id: motion.motion_id.clone(),
            voter_id: id.to_string(),
            option: REJECT_BID.into(),
        };
        client
            .vote_motion(
                DEMO,
                &motion.motion_id,
                sign_document(signer, MOTION_VOTE_TYP, &vote).unwrap(),
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

    // The package is for staff (and the elected leader; none was elected here).
    let staff = staff(&platform).await;
    assert_eq!(
        experts[0]
            .2
            .evaluation_package(DEMO)
            .await
            .unwrap_err()
            .code(),
        "not_leader"
    );
    let package = staff.evaluation_package(DEMO).await.unwrap();
    assert_eq!(package.report_sha256, status.sha256);
    let pdf = base64::engine::general_purpose::STANDARD
        .decode(package.report_pdf_base64.as_bytes())
        .unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    // For a person to look at: PINGSHEN_KEEP_REPORT=/path/report.pdf.
    if let Ok(keep) = std::env::var("PINGSHEN_KEEP_REPORT") {
        std::fs::write(keep, &pdf).unwrap();
    }
    let b03 = package
        .result
        .preliminary
        .iter()
        .find(|p| p.bidder == "B03")
        .unwrap();
    assert!(b03.rejected.is_some() && !b03.passed, "{b03:?}");
    let intact = write(dir.path(), "package.json", &package);
    let (code, out) = verify(&trust, &intact);
    assert_eq!(code, 0, "{out}");
    assert_eq!(out["code"], "intact");
    // 1 rules + 5 declarations + 5 sheets + 5 report signatures + 1 motion
    // + 3 votes, each with a receipt.
    assert_eq!(out["checked"]["receipts"], 20, "{out}");
    assert_eq!(out["checked"]["motions"], 1, "{out}");
    assert_eq!(out["checked"]["motion_votes"], 3, "{out}");

    // A vote on the motion deleted: incomplete, and says whose.
    let mut v: Value = serde_json::to_value(&package).unwrap();
    v["motion_votes"].as_array_mut().unwrap().remove(1);
    let (code, out) = verify(&trust, &write(dir.path(), "vote-gone.json", &v));
    assert_eq!(code, 1);
    assert_eq!(out["code"], "incomplete", "{out}");
    assert_eq!(problem(&out, "missing_vote")["who"], "E002");
    // Without that vote the signed votes no longer reject B03 (2 of 5):
    // the recorded result is not what they support.
    assert!(problems(&out).contains("result_mismatch"), "{out}");

    // The motion itself deleted: its votes are orphans, the motion missing.
    let mut v: Value = serde_json::to_value(&package).unwrap();
    v["motions"].as_array_mut().unwrap().clear();
    let (code, out) = verify(&trust, &write(dir.path(), "motion-gone.json", &v));
    assert_eq!(code, 1);
    assert!(problems(&out).contains("missing_motion"), "{out}");
    assert!(problems(&out).contains("orphan_vote"), "{out}");

    // Votes reordered: named as a rearranged package.
    let mut v: Value = serde_json::to_value(&package).unwrap();
    v["motion_votes"].as_array_mut().unwrap().swap(0, 2);
    let (code, out) = verify(&trust, &write(dir.path(), "votes-swapped.json", &v));
    assert_eq!(code, 1);
    assert!(problems(&out).contains("out_of_order"), "{out}");

    // A total changed in the recorded result: named by its path.
    let mut v: Value = serde_json::to_value(&package).unwrap();
    let old = v["result"]["bidders"][0]["total"]
        .as_str()
        .unwrap()
        .to_string();
    v["result"]["bidders"][0]["total"] = Value::String(format!("{}1", old));
    let (code, out) = verify(&trust, &write(dir.path(), "total.json", &v));
    assert_eq!(code, 1);
    assert_eq!(out["code"], "mismatch");
    assert!(problems(&out).contains("result.bidders[0].total"), "{out}");

    // A report signature deleted: the package is incomplete, and says whose.
    let mut v: Value = serde_json::to_value(&package).unwrap();
    v["report_signatures"].as_array_mut().unwrap().remove(2);
    let (code, out) = verify(&trust, &write(dir.path(), "unsigned.json", &v));
    assert_eq!(code, 1);
    assert_eq!(out["code"], "incomplete", "{out}");
    assert_eq!(problem(&out, "missing_report_signature")["who"], "E003");

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
    // The envelope no longer is the one the platform receipted.
    assert!(problems(&out).contains("receipt_mismatch"), "{out}");
    assert!(problems(&out).contains("sheets[0]"), "{out}");

    // The report's bytes swapped.
    let mut v: Value = serde_json::to_value(&package).unwrap();
    v["report_pdf_base64"] =
        Value::String(base64::engine::general_purpose::STANDARD.encode(b"%PDF-1.7 forged"));
    let (code, out) = verify(&trust, &write(dir.path(), "pdf.json", &v));
    assert_eq!(code, 1);
    assert!(problems(&out).contains("report_hash"), "{out}");

    // Without the recognised CAs nothing verifies.
    let empty = dir.path().join("no-cas");
    std::fs::create_dir_all(&empty).unwrap();
    let (code, _) = verify(&empty, &intact);
    assert_ne!(code, 0);
}

async fn login(platform: &RunningPlatform, id: &str) -> (Pkcs12Signer, PlatformClient) {
    let p = pingshen_platform::demo_run::login(&platform.url(), &platform.state.pki.dir, id)
        .await
        .unwrap();
    (p.signer, p.client)
}

async fn staff(platform: &RunningPlatform) -> PlatformClient {
    login(platform, "S001").await.1
}

/// A certificate revoked as of a past time: the platform refuses the next
/// document signed with it, and `verify` flags the documents it had
/// accepted since that time (their receipts' time is after the revocation),
/// while the other experts' documents still verify.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_certificate_is_refused_and_its_later_documents_are_flagged() {
    let dir = tempfile::tempdir().unwrap();
    // Its own demo PKI: revoking must not touch the PKI other tests share.
    let pki = dir.path().join("pki");
    let assets = pingshen_platform::demo::default_assets_dir();
    pingshen_platform::demo::ensure_pki(&pki, &assets).unwrap();
    let state = pingshen_platform::AppState::open(&pingshen_platform::Config {
        data_dir: dir.path().join("data"),
        pki_dir: pki.clone(),
        platform_name: "测试平台".into(),
        demo: true,
    })
    .unwrap();
    pingshen_platform::demo::load(&state, &assets).unwrap();
    let platform = RunningPlatform::start_with(state).await.unwrap();
    let url = platform.url();
    let package = pingshen_platform::demo_run::evaluate(&url, &pki, &assets, DEMO)
        .await
        .unwrap();
    let before = write(dir.path(), "before.json", &package);
    assert_eq!(verify(&pki.join("trust"), &before).0, 0);

    // E003's sheet arrived at T; the CA revokes E003's certificate as of T
    // (a key compromise found later, dated back to when it happened).
    let sheet_time = package
        .sheets
        .iter()
        .map(|s| {
            let r: pingshen_api::Receipt = serde_json::from_slice(
                &base64::engine::general_purpose::URL_SAFE_NO_PAD
                    .decode(s.receipt.payload.as_bytes())
                    .unwrap(),
            )
            .unwrap();
            r
        })
        .find(|r| r.submitted_by == "E003")
        .unwrap()
        .received_at;
    let (e003, e003_client) = login(&platform, "E003").await;
    pingshen_pki::demo::revoke(&pki, "E003", sheet_time).unwrap();
    // The platform reads the new CRL within a second.
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;

    // Staff reopen E003's sheet; the corrected version is refused: revoked.
    let staff = staff(&platform).await;
    staff
        .reopen_sheet(DEMO, "E003", "复核第二版评分")
        .await
        .unwrap();
    let published = staff.rules(DEMO).await.unwrap();
    let rules = Rules::from_toml(&published.rules_toml).unwrap();
    let bidders: Vec<String> = staff
        .project(DEMO)
        .await
        .unwrap()
        .bidders
        .into_iter()
        .map(|b| b.id)
        .collect();
    let v2 = ScoreSheet {
        submission_id: uuid::Uuid::now_v7().to_string(),
        project_id: DEMO.into(),
        expert_id: "E003".into(),
        version: 2,
        rules_version: published.version,
        rules_sha256: published.sha256.clone(),
        sheet: build_sheet(
            &rules,
            "E003",
            &bidders,
            &full_marks_but_plan(&rules, &bidders, "5", "方案针对性一般"),
        ),
    };
    let refused = e003_client
        .submit_sheet(DEMO, sign_document(&e003, SCORE_SHEET_TYP, &v2).unwrap())
        .await
        .unwrap_err();
    assert_eq!(refused.code(), "revoked", "{refused:?}");
    // Logging in again is refused too.
    let chain: Vec<Vec<u8>> = e003.chain().iter().map(|c| c.to_der().unwrap()).collect();
    let login_refused = PlatformClient::new(&url)
        .unwrap()
        .request_challenge(&chain)
        .await
        .unwrap_err();
    assert_eq!(login_refused.code(), "revoked");

    // The package now carries the new CRL: E003's sheet, received at T, is
    // flagged; nobody else's document is.
    let after = staff.evaluation_package(DEMO).await.unwrap();
    let after = write(dir.path(), "after.json", &after);
    let (code, out) = verify(&pki.join("trust"), &after);
    assert_eq!(code, 1, "{out}");
    let problems = out["problems"].as_array().unwrap();
    assert!(
        problems.iter().any(|p| p["code"] == "revoked"
            && p["who"] == "E003"
            && p["member"].as_str().unwrap().starts_with("sheets[")),
        "{out}"
    );
    assert!(
        problems
            .iter()
            .all(|p| p["who"] == "E003" || p["code"] == "result_mismatch"),
        "only E003's documents (and what depends on them) are flagged: {out}"
    );
    platform.stop().await;
}
