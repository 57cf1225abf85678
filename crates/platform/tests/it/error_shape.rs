//! Every error the API answers carries `{"error": {code, message}}` with a
//! stable code, also where axum or the limits answer before a handler runs;
//! and what hyper answers itself, before the API sees the request.

use pingshen_client::{sign_challenge, PlatformClient};
use pingshen_pki::{Pkcs12Signer, Signer};
use pingshen_platform::RunningPlatform;
use reqwest::{Method, StatusCode};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const DEMO: &str = "JA-2026-0117";

async fn staff_token(p: &RunningPlatform) -> String {
    let s = Pkcs12Signer::from_file(&p.demo_p12("S001"), "pingshen-demo").unwrap();
    let chain: Vec<Vec<u8>> = s.chain().iter().map(|c| c.to_der().unwrap()).collect();
    PlatformClient::new(&p.url())
        .unwrap()
        .login(&chain, |c| sign_challenge(&s, c))
        .await
        .unwrap()
        .1
        .token
}

/// Sends `req` and answers its status, its headers and the error code of
/// its body, which must be the API's error shape.
async fn refused(req: reqwest::RequestBuilder) -> (StatusCode, reqwest::header::HeaderMap, String) {
    let resp = req.send().await.unwrap();
    let (status, headers) = (resp.status(), resp.headers().clone());
    assert_eq!(
        headers.get("content-type").unwrap(),
        "application/json",
        "{status}"
    );
    let body: serde_json::Value = resp.json().await.unwrap();
    let message = body["error"]["message"].as_str().unwrap();
    assert!(
        message
            .chars()
            .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
        "not Chinese: {message}"
    );
    (
        status,
        headers,
        body["error"]["code"].as_str().unwrap().to_string(),
    )
}

#[tokio::test]
async fn every_refusal_is_coded() {
    let platform = super::demo().await;
    let token = staff_token(&platform).await;
    let http = reqwest::Client::new();
    let api = |method: Method, path: &str| {
        http.request(method, format!("{}/api/v1/{path}", platform.url()))
            .bearer_auth(&token)
    };
    let json_post = |body: String| {
        http.post(format!("{}/api/v1/auth/challenge", platform.url()))
            .header("content-type", "application/json")
            .body(body)
    };
    let cases = [
        (
            api(Method::GET, &format!("projects/{DEMO}/rules/notanumber")),
            400,
            "bad_path",
        ),
        (api(Method::GET, "projects/%FF"), 400, "bad_path"),
        (
            api(
                Method::GET,
                &format!("projects/{DEMO}/witness/entries?witness=a&witness=b"),
            ),
            400,
            "bad_query",
        ),
        (
            api(Method::PUT, &format!("projects/{DEMO}")),
            405,
            "method_not_allowed",
        ),
        (api(Method::GET, "nothing-here"), 404, "not_found"),
        (
            http.get(format!("{}/not-the-api", platform.url())),
            404,
            "not_found",
        ),
        (
            http.post(format!("{}/api/v1/auth/challenge", platform.url()))
                .header("content-type", "text/plain")
                .body(r#"{"chain": []}"#),
            415,
            "unsupported_media_type",
        ),
        (json_post("{\"chain\": 1".into()), 400, "bad_json"),
        (
            // Over axum's 2 MiB body limit.
            json_post(format!("{{\"chain\": [\"{}\"]}}", "a".repeat(3 << 20))),
            413,
            "payload_too_large",
        ),
        (
            api(Method::GET, &format!("projects/{}", "a".repeat(9 * 1024))),
            414,
            "uri_too_long",
        ),
        (
            api(Method::GET, "health").header("x-padding", "a".repeat(40 * 1024)),
            431,
            "headers_too_large",
        ),
    ];
    for (req, status, code) in cases {
        let (got, _, got_code) = refused(req).await;
        assert_eq!((got.as_u16(), got_code.as_str()), (status, code));
    }
    let mut many = api(Method::GET, "health");
    for i in 0..70 {
        many = many.header(format!("x-h{i}"), "v");
    }
    assert_eq!(refused(many).await.2, "headers_too_large");
    // A 405 still says which methods the route has.
    let (_, headers, _) = refused(api(Method::DELETE, "health")).await;
    assert_eq!(headers.get("allow").unwrap(), "GET,HEAD");
    platform.stop().await;
}

/// The status line of what the server answers to raw `request` bytes.
async fn raw(p: &RunningPlatform, request: &[u8]) -> String {
    let mut s = tokio::net::TcpStream::connect(p.addr).await.unwrap();
    // The server may answer and close before reading all of it.
    let _ = s.write_all(request).await;
    let mut answer = Vec::new();
    let _ = s.read_to_end(&mut answer).await;
    let text = String::from_utf8_lossy(&answer);
    text.lines().next().unwrap_or_default().to_string()
}

/// hyper parses the request head before the API runs and refuses these
/// itself, without a body (see `error_shape.rs`): the API's limits are set
/// far below, so that no request a client of ours could send gets there.
#[tokio::test]
async fn hyper_refuses_what_never_reaches_the_api() {
    let platform = super::demo().await;
    let long_target = format!(
        "GET /api/v1/{} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        "a".repeat(70_000)
    );
    assert!(raw(&platform, long_target.as_bytes())
        .await
        .starts_with("HTTP/1.1 414"));
    let mut many = String::from("GET /api/v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n");
    for i in 0..101 {
        many.push_str(&format!("x-h{i}: v\r\n"));
    }
    many.push_str("\r\n");
    assert!(raw(&platform, many.as_bytes())
        .await
        .starts_with("HTTP/1.1 431"));
    assert!(raw(&platform, b"GARBAGE\r\n\r\n")
        .await
        .starts_with("HTTP/1.1 400"));
    platform.stop().await;
}
