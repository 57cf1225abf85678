//! Retries are answered with the first receipt — and only true retries: the
//! same submission id in another project, a second signature over the same
//! report, or an empty id are refused, never answered with someone else's
//! receipt.

use pingshen_api::{ReportSignature, ScoreSheet, REPORT_SIGNATURE_TYP, SCORE_SHEET_TYP};
use pingshen_client::sign_document;
use pingshen_platform::{demo, demo_run};

const OTHER: &str = "JA-2026-0118";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_true_retries_get_the_stored_receipt() {
    let platform = super::demo().await;
    let (url, pki, assets) = (
        platform.url(),
        platform.state.pki.dir.clone(),
        demo::default_assets_dir(),
    );
    let project = demo::DemoFile::read(&assets).unwrap().project.id;
    demo_run::copy_demo_project(&url, &pki, &assets, OTHER)
        .await
        .unwrap();
    let package = demo_run::evaluate(&url, &pki, &assets, &project)
        .await
        .unwrap();
    let e001 = demo_run::login(&url, &pki, "E001").await.unwrap();

    // E001's sheet for project A, as accepted: a retry gets the same receipt.
    let accepted = &package.sheets[0];
    let again = e001
        .client
        .submit_sheet(&project, accepted.envelope.clone())
        .await
        .unwrap();
    assert_eq!(again.receipt, accepted.receipt);
    // The same envelope posted to project B (where E001 sits too) is not a
    // retry there.
    let declaration = pingshen_api::Declaration {
        project_id: OTHER.into(),
        expert_id: "E001".into(),
        statement: pingshen_api::DECLARATION_TEXT.into(),
        decision: pingshen_api::DeclarationDecision::NoConflict,
        reason: None,
    };
    e001.client
        .declare(
            OTHER,
            sign_document(&e001.signer, pingshen_api::DECLARATION_TYP, &declaration).unwrap(),
        )
        .await
        .unwrap();
    let refused = e001
        .client
        .submit_sheet(OTHER, accepted.envelope.clone())
        .await
        .unwrap_err();
    assert_eq!(refused.code(), "conflict", "{refused:?}");

    // The same submission id reused for another sheet: refused.
    let mut sheet: ScoreSheet =
        serde_json::from_slice(&base64_url(&accepted.envelope.payload)).unwrap();
    sheet.version = 2;
    let reused = e001
        .client
        .submit_sheet(
            &project,
            sign_document(&e001.signer, SCORE_SHEET_TYP, &sheet).unwrap(),
        )
        .await
        .unwrap_err();
    assert_eq!(reused.code(), "conflict");

    // An empty (or odd) submission id is refused before anything is stored.
    for bad in ["", "a b", &"x".repeat(65)] {
        let mut s = sheet.clone();
        s.submission_id = bad.to_string();
        let e = e001
            .client
            .submit_sheet(
                &project,
                sign_document(&e001.signer, SCORE_SHEET_TYP, &s).unwrap(),
            )
            .await
            .unwrap_err();
        assert_eq!(e.code(), "bad_submission_id", "{bad:?}: {e:?}");
    }

    // A second, different signature over the same report hash: refused; the
    // first one, resent, gets its receipt.
    let first = &package.report_signatures[0];
    let resent = e001
        .client
        .sign_report(&project, first.envelope.clone())
        .await
        .unwrap();
    assert_eq!(resent.receipt, first.receipt);
    let doc = ReportSignature {
        project_id: project.clone(),
        expert_id: "E001".into(),
        report_sha256: package.report_sha256.clone(),
    };
    // A new envelope (new sigT, or a new random ECDSA/SM2 nonce) is another signature.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let second = sign_document(&e001.signer, REPORT_SIGNATURE_TYP, &doc).unwrap();
    assert_ne!(second, first.envelope);
    let refused = e001.client.sign_report(&project, second).await.unwrap_err();
    assert_eq!(refused.code(), "already_signed");
    platform.stop().await;
}

fn base64_url(s: &str) -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(s)
        .unwrap()
}
