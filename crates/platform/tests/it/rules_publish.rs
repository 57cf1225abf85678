//! Staff publish signed evaluation rules; the platform checks role,
//! signature, validity and stage, keeps every version, and refuses changes
//! once evaluation has started. Experts read the published rules.

use pingshen_api::{RulesDocument, Stage, RECEIPT_TYP, RULES_TYP};
use pingshen_client::{sign_document, PlatformClient};
use pingshen_pki::envelope::{verify_parsed, Envelope, VerifyOptions};

const DEMO: &str = "JA-2026-0117";

use pingshen_testkit::signer;

use crate::logged_in as client;

fn template(name: &str) -> String {
    std::fs::read_to_string(
        pingshen_platform::demo::default_assets_dir()
            .join("rules")
            .join(name),
    )
    .unwrap()
}

fn doc(project: &str, toml: &str, base: Option<u32>) -> RulesDocument {
    RulesDocument {
        project_id: project.into(),
        rules_toml: toml.into(),
        based_on_version: base,
    }
}

async fn new_project(staff: &PlatformClient, id: &str) {
    let mut p =
        pingshen_platform::demo::DemoFile::read(&pingshen_platform::demo::default_assets_dir())
            .unwrap()
            .new_project();
    p.id = id.into();
    staff.create_project(&p).await.unwrap();
}

#[tokio::test]
async fn staff_publish_versions_until_evaluation_starts() {
    let platform = super::demo().await;
    let s001 = signer(&platform, "S001");
    let staff = client(&platform, &s001).await;
    new_project(&staff, "NEW-1").await;

    // Evaluation cannot start without rules.
    let err = staff
        .change_stage("NEW-1", Stage::Evaluating)
        .await
        .unwrap_err();
    assert_eq!(err.code(), "conflict");

    let goods = template("procurement-goods.toml");
    let env = sign_document(&s001, RULES_TYP, &doc("NEW-1", &goods, None)).unwrap();
    let v1 = staff.publish_rules("NEW-1", env.clone()).await.unwrap();
    assert_eq!(v1.version, 1);
    assert_eq!(v1.published_by, "S001");
    // A retry of the same signed publication is the same version, not a new one.
    let again = staff.publish_rules("NEW-1", env).await.unwrap();
    assert_eq!(again.version, 1);
    assert_eq!(again.receipt, v1.receipt);

    // The receipt is signed by the platform and names this publication.
    let pki = platform.state.pki.clone();
    let r = &v1.receipt;
    let verified = verify_parsed(
        &pki.trust(),
        &Envelope {
            protected: r.protected.clone(),
            payload: r.payload.clone(),
            signature: r.signature.clone(),
        },
        &VerifyOptions {
            at: None,
            expected_typ: Some(RECEIPT_TYP.into()),
        },
    )
    .unwrap();
    assert_eq!(verified.signer.person_id.as_deref(), Some("platform"));
    assert_eq!(verified.payload["kind"], "rules");
    assert_eq!(verified.payload["submitted_by"], "S001");

    // A stale base is refused; the right base makes version 2.
    let muni = template("municipal-construction.toml");
    let stale = sign_document(&s001, RULES_TYP, &doc("NEW-1", &muni, None)).unwrap();
    assert_eq!(
        staff
            .publish_rules("NEW-1", stale)
            .await
            .unwrap_err()
            .code(),
        "conflict"
    );
    let env2 = sign_document(&s001, RULES_TYP, &doc("NEW-1", &muni, Some(1))).unwrap();
    let v2 = staff.publish_rules("NEW-1", env2).await.unwrap();
    assert_eq!(v2.version, 2);
    assert_eq!(staff.rules("NEW-1").await.unwrap().version, 2);
    assert_eq!(
        staff.rules_version("NEW-1", 1).await.unwrap().rules_toml,
        goods
    );

    // Invalid rules are refused with the validator's diagnostics.
    let broken = muni.replacen("version = 1", "version = 1\nunknown_field = 3", 1);
    let env = sign_document(&s001, RULES_TYP, &doc("NEW-1", &broken, Some(2))).unwrap();
    let err = staff.publish_rules("NEW-1", env).await.unwrap_err();
    assert_eq!(err.code(), "invalid_rules");
    assert!(err.to_string().contains("unknown_field"), "{err}");

    // Once evaluation has started, the rules are frozen.
    staff
        .change_stage("NEW-1", Stage::Evaluating)
        .await
        .unwrap();
    let env = sign_document(&s001, RULES_TYP, &doc("NEW-1", &goods, Some(2))).unwrap();
    let err = staff.publish_rules("NEW-1", env).await.unwrap_err();
    assert_eq!(err.code(), "conflict");
    assert!(err.to_string().contains("评标已开始"), "{err}");
    platform.stop().await;
}

#[tokio::test]
async fn only_staff_publish_and_only_what_they_signed() {
    let platform = super::demo().await;
    let s001 = signer(&platform, "S001");
    let e001 = signer(&platform, "E001");
    let staff = client(&platform, &s001).await;
    let expert = client(&platform, &e001).await;
    new_project(&staff, "NEW-2").await;
    let toml = template("procurement-goods.toml");

    // An expert may not publish, even with their own signature.
    let env = sign_document(&e001, RULES_TYP, &doc("NEW-2", &toml, None)).unwrap();
    assert_eq!(
        expert
            .publish_rules("NEW-2", env.clone())
            .await
            .unwrap_err()
            .code(),
        "wrong_role"
    );
    // Staff may not publish a document someone else signed.
    assert_eq!(
        staff.publish_rules("NEW-2", env).await.unwrap_err().code(),
        "signer_mismatch"
    );
    // A document for another project is refused.
    let env = sign_document(&s001, RULES_TYP, &doc("OTHER", &toml, None)).unwrap();
    assert_eq!(
        staff.publish_rules("NEW-2", env).await.unwrap_err().code(),
        "project_mismatch"
    );

    // The demo project's rules were published by staff and are read-only for experts.
    let demo_rules = expert.rules(DEMO).await.unwrap();
    assert_eq!(demo_rules.version, 1);
    assert_eq!(demo_rules.published_by_name, "孙丽");
    assert!(pingshen_rules::Rules::from_toml(&demo_rules.rules_toml).is_ok());
    assert_eq!(
        expert.project(DEMO).await.unwrap().summary.stage,
        Stage::Evaluating
    );
    platform.stop().await;
}
