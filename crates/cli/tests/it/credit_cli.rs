//! Credit (信用) end to end: staff publish the bidders' credit records (the
//! platform signs them); the rules' `credit` factor is computed from them,
//! never typed; the package carries the signed record and `pingshen verify`
//! recomputes the points from it — and names a package without it or with
//! it altered.

use base64::Engine;
use pingshen_api::CreditRecords;
use pingshen_platform::{demo, demo_run};
use pingshen_testkit::cli::{verify, write_json};
use pingshen_testkit::TestPlatform;
use serde_json::Value;

const PROJECT: &str = "JA-2026-0117-XY";

fn records() -> CreditRecords {
    serde_json::from_value(serde_json::json!({
        "as_of": "2026-12-03",
        "bidders": [
            { "bidder": "B01", "grade": "AAA", "grade_source": "武汉市城乡建设局" },
            { "bidder": "B02", "grade": "AA", "records": [
                { "id": "WH-2026-0412", "source": "武汉市城乡建设局", "date": "2026-04-12",
                  "description": "施工现场扬尘控制不到位" } ] },
            { "bidder": "B03", "grade": "AAA", "records": [
                { "id": "WH-2025-0101", "source": "武汉市城乡建设局", "date": "2025-01-01",
                  "description": "超过回溯期的记录" } ] },
            { "bidder": "B04", "grade": "A" },
            { "bidder": "B05", "grade": "AA" }
        ]
    }))
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn credit_points_come_from_the_signed_records_and_verify_recomputes_them() {
    let p = TestPlatform::demo().await;
    let (url, pki, assets) = (p.url(), p.state.pki.dir.clone(), demo::default_assets_dir());
    demo_run::copy_demo_project_with(
        &url,
        &pki,
        &assets,
        PROJECT,
        pingshen_testkit::cli::municipal_rules_with_credit(),
        Some(&records()),
    )
    .await
    .unwrap();
    let package = demo_run::evaluate(&url, &pki, &assets, PROJECT)
        .await
        .unwrap();

    // Computed, not typed: every expert gave nothing for it, the points
    // follow the records. B02: AA 2 − 1 record = 1; B03: the 2025 record is
    // outside the year, AAA 3; B06 has no record at all: 0.
    let points = |b: &str| {
        package
            .result
            .bidders
            .iter()
            .find(|x| x.bidder == b)
            .unwrap()
            .factors
            .iter()
            .find(|f| f.factor == "biz.credit")
            .unwrap()
            .points
            .to_string()
    };
    // (B04 is not scored: the panel rejected its abnormally low bid.)
    assert_eq!(
        ["B01", "B02", "B03", "B05", "B06"].map(points),
        ["3.00", "1.00", "3.00", "2.00", "0.00"]
    );
    assert!(package
        .result
        .prose_zh
        .iter()
        .any(|l| l.contains("WH-2026-0412")));

    let dir = tempfile::tempdir().unwrap();
    let trust = pki.join("trust");
    let (code, out) = verify(&trust, &write_json(dir.path(), "package.json", &package));
    assert_eq!(code, 0, "{out}");

    // Without the signed record the points cannot be recomputed.
    let mut v: Value = serde_json::to_value(&package).unwrap();
    v.as_object_mut().unwrap().remove("credit_record");
    let (code, out) = verify(&trust, &write_json(dir.path(), "no-credit.json", &v));
    assert_eq!(code, 1);
    assert!(
        out["problems"]
            .to_string()
            .contains("missing_credit_record"),
        "{out}"
    );

    // A grade raised inside the signed record: its signature no longer holds.
    let mut v: Value = serde_json::to_value(&package).unwrap();
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let payload = v["credit_record"]["payload"].as_str().unwrap().to_string();
    let mut doc: Value = serde_json::from_slice(&b64.decode(payload.as_bytes()).unwrap()).unwrap();
    doc["records"]["bidders"][1]["grade"] = Value::String("AAA".into());
    v["credit_record"]["payload"] = Value::String(b64.encode(serde_json::to_vec(&doc).unwrap()));
    let (code, out) = verify(&trust, &write_json(dir.path(), "credit-forged.json", &v));
    assert_eq!(code, 1);
    assert!(
        out["problems"].to_string().contains("credit_record"),
        "{out}"
    );

    // Published once: other records are refused.
    let (_, staff) = p.person("S001").await;
    let mut changed = records();
    changed.bidders[1].records.clear();
    let e = staff
        .publish_credit_record(PROJECT, &changed)
        .await
        .unwrap_err();
    assert_eq!(e.code(), "credit_records_published");
    // The same again is answered with the stored document.
    let again = staff
        .publish_credit_record(PROJECT, &records())
        .await
        .unwrap();
    assert_eq!(Some(again.envelope), package.credit_record);
}
