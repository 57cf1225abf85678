//! The platform keeps its data across a restart, and refuses unusable data
//! directories before writing anything.

use pingshen_api::{NewBidder, NewProject, ProjectDetail};
use pingshen_client::{sign_challenge, PlatformClient};
use pingshen_pki::{Pkcs12Signer, Signer};
use pingshen_platform::{AppState, Config, RunningPlatform};
use rust_decimal::Decimal;

fn project() -> NewProject {
    NewProject {
        id: "HK-2026-001".into(),
        name: "汉口滨江大道照明提升工程".into(),
        lot: "第一标段".into(),
        centre: "武汉市公共资源交易中心".into(),
        tenderer: "武汉市城市管理执法委员会".into(),
        ceiling_price: Decimal::new(560000000, 2),
        opening_time: time::macros::datetime!(2026-12-02 14:00 +08:00),
        bidders: vec![NewBidder {
            id: "B01".into(),
            name: "武汉光明照明工程有限公司".into(),
            bid_price: Decimal::new(549000000, 2),
        }],
        k: None,
    }
}

async fn staff_client(platform: &RunningPlatform) -> PlatformClient {
    let signer = Pkcs12Signer::from_file(&platform.demo_p12("S001"), "pingshen-demo").unwrap();
    let chain: Vec<Vec<u8>> = signer.chain().iter().map(|c| c.to_der().unwrap()).collect();
    PlatformClient::new(&platform.url())
        .unwrap()
        .login(&chain, |c| sign_challenge(&signer, c))
        .await
        .unwrap()
        .0
}

#[tokio::test]
async fn data_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let database = pingshen_testkit::database_for(super::ENGINE);
    let first = RunningPlatform::start_demo_on(dir.path(), &database)
        .await
        .unwrap();
    let first_id = first.state.platform_id.clone();
    let staff = staff_client(&first).await;
    staff.create_project(&project()).await.unwrap();
    first.stop().await;

    let second = RunningPlatform::start_demo_on(dir.path(), &database)
        .await
        .unwrap();
    assert_eq!(second.state.platform_id, first_id, "platform id is stable");
    let detail: ProjectDetail = staff_client(&second)
        .await
        .project("HK-2026-001")
        .await
        .unwrap();
    assert_eq!(detail.summary.name, "汉口滨江大道照明提升工程");
    assert_eq!(detail.bidders[0].bid_price, Decimal::new(549000000, 2));
    second.stop().await;
}

#[tokio::test]
async fn openapi_document_is_served_and_lists_the_routes() {
    let platform = super::demo().await;
    let doc: serde_json::Value = reqwest::get(format!("{}/api/v1/openapi.json", platform.url()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for path in [
        "/api/v1/health",
        "/api/v1/projects",
        "/api/v1/projects/{id}",
    ] {
        assert!(doc["paths"].get(path).is_some(), "missing {path}");
    }
    assert!(doc["components"]["schemas"].get("ProjectDetail").is_some());
    platform.stop().await;
}

#[tokio::test]
async fn malformed_json_gets_the_api_error_body() {
    let platform = super::demo().await;
    let resp = reqwest::Client::new()
        .post(format!("{}/api/v1/auth/challenge", platform.url()))
        .header("content-type", "application/json")
        .body("{\"id\": 1")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(body["error"]["code"], "bad_json");
    let resp = reqwest::get(format!("{}/api/v1/nothing-here", platform.url()))
        .await
        .unwrap();
    assert_eq!(resp.status(), 404);
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(body["error"]["code"], "not_found");
    platform.stop().await;
}

#[test]
fn an_unwritable_data_dir_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("not-a-dir");
    std::fs::write(&file, b"x").unwrap();
    let err = AppState::open(&Config {
        data_dir: file.join("sub"),
        pki_dir: pingshen_platform::running::shared_demo_pki().unwrap(),
        platform_name: "t".into(),
        demo: true,
    })
    .err()
    .expect("refused");
    assert_eq!(err.code(), "data_dir_unusable");
    assert_eq!(std::fs::read(&file).unwrap(), b"x");
}
