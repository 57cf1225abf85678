//! The evaluation report is rendered once per version, outside the
//! signatures' transactions, and a signature is checked against the stored
//! current version: one over a report the records have since changed (a
//! sheet revised after it was rendered, even within the same second) is
//! refused, as is one before the report was ever rendered; the panel's
//! signatures sent at once are all taken (and, sent to two instances on
//! PostgreSQL, in `instances::`).

use pingshen_api::{ReportSignature, SignedEnvelope, REPORT_SIGNATURE_TYP, SCORE_SHEET_TYP};
use pingshen_client::{sign_document, ClientError, PlatformClient};
use pingshen_testkit::{project_rules, seated_panel, Expert, TestPlatform, DEMO};

const EXPERTS: [&str; 5] = ["E001", "E002", "E003", "E004", "E005"];

/// `e`'s signature over the report `sha256`.
pub(super) fn signature(e: &Expert, sha256: &str) -> SignedEnvelope {
    let doc = ReportSignature {
        project_id: DEMO.into(),
        expert_id: e.id.clone(),
        report_sha256: sha256.into(),
    };
    sign_document(&e.signer, REPORT_SIGNATURE_TYP, &doc).unwrap()
}

async fn sign(e: &Expert, sha256: &str) -> Result<(), ClientError> {
    e.client
        .sign_report(DEMO, signature(e, sha256))
        .await
        .map(|_| ())
}

/// Each (client, signature) sent at the same time; the answers in order.
pub(super) async fn sign_at_once(
    sent: Vec<(PlatformClient, SignedEnvelope)>,
) -> Vec<Result<(), ClientError>> {
    let tasks: Vec<_> = sent
        .into_iter()
        .map(|(c, env)| tokio::spawn(async move { c.sign_report(DEMO, env).await.map(|_| ()) }))
        .collect();
    let mut out = Vec::new();
    for t in tasks {
        out.push(t.await.unwrap());
    }
    out
}

/// The seated panel, each with a first sheet in (no report asked for yet).
pub(super) async fn panel_with_sheets(p: &TestPlatform) -> Vec<Expert> {
    let experts = seated_panel(p, "E001").await;
    let pr = project_rules(&experts[0].client, DEMO).await;
    for (i, e) in experts.iter().enumerate() {
        let sheet = super::evaluation::score_sheet(
            &pr.rules,
            pr.published.version,
            &pr.published.sha256,
            &e.id,
            1,
            i as u32,
        );
        let env = sign_document(&e.signer, SCORE_SHEET_TYP, &sheet).unwrap();
        e.client.submit_sheet(DEMO, env).await.unwrap();
    }
    experts
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_signature_counts_only_over_the_report_the_current_sheets_make() {
    let p = super::demo().await;
    let experts = panel_with_sheets(&p).await;

    // Nobody has asked for the report: there is no hash to sign yet.
    let refused = sign(&experts[0], &"0".repeat(64)).await.unwrap_err();
    assert_eq!(refused.code(), "report_changed", "{refused:?}");
    assert!(refused.to_string().contains("尚未生成"), "{refused}");

    let first = experts[0].client.report_status(DEMO).await.unwrap();
    assert!(first.signed_by.is_empty() && !first.complete);
    let pdf = experts[1].client.report_pdf(DEMO).await.unwrap();
    assert_eq!(pdf.sha256, first.sha256);
    assert!(pdf.bytes.starts_with(b"%PDF-"));
    // Asked again: the stored version.
    assert_eq!(experts[2].client.report_status(DEMO).await.unwrap(), first);
    sign(&experts[1], &first.sha256).await.unwrap();

    // E003's sheet is reopened and revised at once (most likely within the
    // second the report is dated by): the rendered report is stale.
    let (_, staff) = p.person("S001").await;
    staff
        .reopen_sheet(DEMO, "E003", "专家申请更正录入错误")
        .await
        .unwrap();
    let pr = project_rules(&staff, DEMO).await;
    let revised = super::evaluation::score_sheet(
        &pr.rules,
        pr.published.version,
        &pr.published.sha256,
        "E003",
        2,
        7,
    );
    let env = sign_document(&experts[2].signer, SCORE_SHEET_TYP, &revised).unwrap();
    experts[2].client.submit_sheet(DEMO, env).await.unwrap();
    let stale = sign(&experts[0], &first.sha256).await.unwrap_err();
    assert_eq!(stale.code(), "report_changed", "{stale:?}");
    assert!(stale.to_string().contains("已更新"), "{stale}");

    // The status renders the new version; E002's signature was over the old.
    let second = experts[3].client.report_status(DEMO).await.unwrap();
    assert_ne!(second.sha256, first.sha256);
    assert!(second.generated_at >= first.generated_at);
    assert!(second.signed_by.is_empty(), "{second:?}");
    let pdf = experts[4].client.report_pdf(DEMO).await.unwrap();
    assert_eq!(pdf.sha256, second.sha256);

    // The whole panel signs the new version at once: every one is taken.
    let sent = experts
        .iter()
        .map(|e| (e.client.clone(), signature(e, &second.sha256)))
        .collect();
    for (e, r) in experts.iter().zip(sign_at_once(sent).await) {
        r.unwrap_or_else(|err| panic!("{}: {err:?}", e.id));
    }
    let done = experts[0].client.report_status(DEMO).await.unwrap();
    assert!(done.complete, "{done:?}");
    assert_eq!(done.signed_by, EXPERTS);
    assert_eq!(done.sha256, second.sha256);
    let package = staff.evaluation_package(DEMO).await.unwrap();
    assert_eq!(package.report_sha256, second.sha256);
    assert_eq!(package.report_signatures.len(), EXPERTS.len());
    p.stop().await;
}
