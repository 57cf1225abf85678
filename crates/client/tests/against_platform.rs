//! The client against a real platform on 127.0.0.1 (in-process, temp SQLite).

use pingshen_api::{NewBidder, NewProject, Stage};
use pingshen_client::{ClientError, PlatformClient};
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
    }
}

#[tokio::test]
async fn health_projects_and_errors_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let platform = RunningPlatform::start(dir.path()).await.unwrap();
    let client = PlatformClient::new(&platform.url()).unwrap();

    let health = client.health().await.unwrap();
    assert_eq!(health.status, "ok");
    assert_eq!(health.api_version, pingshen_api::API_VERSION);
    assert!(health.platform_id.starts_with("pingshen-sandbox-"));

    assert!(client.projects().await.unwrap().is_empty());
    let created = client
        .create_project(&sample_project("QS-1"))
        .await
        .unwrap();
    assert_eq!(created.summary.stage, Stage::Preparing);
    assert_eq!(created.bidders.len(), 2);
    // Decimals survive the wire exactly (no float rounding).
    assert_eq!(created.bidders[0].bid_price.to_string(), "11500000.50");

    // Same body again: accepted, nothing duplicated.
    client
        .create_project(&sample_project("QS-1"))
        .await
        .unwrap();
    let list = client.projects().await.unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].bidder_count, 2);

    // Same id, different body: conflict with a stable code.
    let mut changed = sample_project("QS-1");
    changed.bidders[1].bid_price = Decimal::from_str("1.00").unwrap();
    let err = client.create_project(&changed).await.unwrap_err();
    assert_eq!(err.code(), "conflict");
    assert!(matches!(err, ClientError::Platform { status: 409, .. }));

    let err = client.project("NOPE").await.unwrap_err();
    assert_eq!(err.code(), "not_found");
    assert!(err.to_string().contains("不存在"));

    let mut invalid = sample_project("QS-2");
    invalid.bidders[1].id = "B01".into();
    let err = client.create_project(&invalid).await.unwrap_err();
    assert_eq!(err.code(), "invalid_project");

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
