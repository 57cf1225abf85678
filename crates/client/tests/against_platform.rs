//! The client against a real platform on 127.0.0.1 (in-process, temp SQLite,
//! the demo PKI): login, listing, creating, errors.

use pingshen_api::{NewBidder, NewProject, Role, Stage};
use pingshen_client::{sign_challenge, ClientError, PlatformClient};
use pingshen_pki::{Pkcs12Signer, Signer};
use pingshen_platform::RunningPlatform;
use rust_decimal::Decimal;
use std::str::FromStr;

fn sample_project(id: &str) -> NewProject {
    NewProject {
        id: id.into(),
        name: "青山区和平大道排水管网改造工程".into(),
        lot: "第二标段".into(),
        centre: "武汉市公共资源交易中心".into(),
        tenderer: "武汉市青山区水务局".into(),
        ceiling_price: Decimal::from_str("12000000.00").unwrap(),
        opening_time: time::macros::datetime!(2026-12-01 09:30 +08:00),
        bidders: vec![
            NewBidder {
                id: "B01".into(),
                name: "甲建设有限公司".into(),
                bid_price: Decimal::from_str("11500000.50").unwrap(),
            },
            NewBidder {
                id: "B02".into(),
                name: "乙市政工程有限公司".into(),
                bid_price: Decimal::from_str("11020000.00").unwrap(),
            },
        ],
        k: None,
    }
}

async fn login(platform: &RunningPlatform, person: &str) -> PlatformClient {
    let signer = Pkcs12Signer::from_file(&platform.demo_p12(person), "pingshen-demo").unwrap();
    let chain: Vec<Vec<u8>> = signer.chain().iter().map(|c| c.to_der().unwrap()).collect();
    let client = PlatformClient::new(&platform.url()).unwrap();
    let (client, session) = client
        .login(&chain, |c| sign_challenge(&signer, c))
        .await
        .unwrap();
    assert_eq!(session.person.id, person);
    client
}

#[tokio::test]
async fn health_projects_and_errors_round_trip() {
    let platform = pingshen_testkit::TestPlatform::demo().await;
    let anonymous = PlatformClient::new(&platform.url()).unwrap();

    let health = anonymous.health().await.unwrap();
    assert_eq!(health.status, "ok");
    assert_eq!(health.api_version, pingshen_api::API_VERSION);
    assert!(health.platform_id.starts_with("pingshen-sandbox-"));
    // The project list is closed to anonymous callers.
    assert_eq!(
        anonymous.projects().await.unwrap_err().code(),
        "unauthenticated"
    );

    let staff = login(&platform, "S001").await;
    assert_eq!(staff.projects().await.unwrap().len(), 1, "the demo project");
    let created = staff.create_project(&sample_project("QS-1")).await.unwrap();
    assert_eq!(created.summary.stage, Stage::Preparing);
    assert_eq!(created.bidders.len(), 2);
    // Decimals survive the wire exactly (no float rounding).
    assert_eq!(created.bidders[0].bid_price.to_string(), "11500000.50");

    // Same body again: accepted, nothing duplicated.
    staff.create_project(&sample_project("QS-1")).await.unwrap();
    let list = staff.projects().await.unwrap();
    assert_eq!(list.len(), 2);
    assert!(list.iter().any(|p| p.id == "QS-1" && p.bidder_count == 2));

    // Same id, different body: conflict with a stable code.
    let mut changed = sample_project("QS-1");
    changed.bidders[1].bid_price = Decimal::from_str("1.00").unwrap();
    let err = staff.create_project(&changed).await.unwrap_err();
    assert_eq!(err.code(), "conflict");
    assert!(matches!(err, ClientError::Platform { status: 409, .. }));

    let err = staff.project("NOPE").await.unwrap_err();
    assert_eq!(err.code(), "not_found");
    assert!(err.to_string().contains("不存在"));

    let mut invalid = sample_project("QS-2");
    invalid.bidders[1].id = "B01".into();
    let err = staff.create_project(&invalid).await.unwrap_err();
    assert_eq!(err.code(), "invalid_project");

    // An expert sees only the projects they are assigned to, and may not create one.
    let expert = login(&platform, "E003").await;
    let mine = expert.projects().await.unwrap();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].id, "JA-2026-0117");
    assert_eq!(
        expert.project("QS-1").await.unwrap_err().code(),
        "not_assigned"
    );
    assert_eq!(
        expert
            .create_project(&sample_project("QS-3"))
            .await
            .unwrap_err()
            .code(),
        "wrong_role"
    );
    let detail = expert.project("JA-2026-0117").await.unwrap();
    assert_eq!(detail.bidders.len(), 6);

    platform.stop().await;
}

#[tokio::test]
async fn roles_of_demo_people() {
    let platform = pingshen_testkit::TestPlatform::demo().await;
    for (id, role) in [
        ("E002", Role::Expert),
        ("W001", Role::Witness),
        ("S001", Role::Staff),
    ] {
        let signer = Pkcs12Signer::from_file(&platform.demo_p12(id), "pingshen-demo").unwrap();
        let chain: Vec<Vec<u8>> = signer.chain().iter().map(|c| c.to_der().unwrap()).collect();
        let (_, session) = PlatformClient::new(&platform.url())
            .unwrap()
            .login(&chain, |c| sign_challenge(&signer, c))
            .await
            .unwrap();
        assert_eq!(session.person.role, role, "{id}");
    }
    platform.stop().await;
}

#[tokio::test]
async fn unreachable_platform_is_reported_as_offline() {
    // Bind and drop a listener to get a port nobody listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = PlatformClient::new(&format!("http://127.0.0.1:{port}")).unwrap();
    let err = client.health().await.unwrap_err();
    assert_eq!(err.code(), "platform_unreachable");
    assert!(err.is_offline());
    assert!(err.to_string().contains("无法连接评标平台"));
}

#[test]
fn bad_urls_are_refused_with_a_code() {
    for url in ["", "ftp://example.org", "not a url"] {
        let err = PlatformClient::new(url).err().expect("refused");
        assert_eq!(err.code(), "bad_platform_url", "{url}");
    }
}
