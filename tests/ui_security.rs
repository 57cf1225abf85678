//! Real-window test of what the webview itself enforces, read back from
//! inside the running app: the CSP blocks every network call of the page
//! (an outside server and the platform too: all HTTP goes through the Rust
//! client) and string-to-code (`eval`, `new Function`); the `pingshen-doc`
//! protocol answers the app's own origin; the IPC works without the
//! `window.__TAURI__` global.

use pingshen_e2e::{AppDriver, PlatformProcess};
use serde_json::{json, Value};
use std::io::Read;
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(30);

/// Runs in the page (WebDriver execute-async; the last argument is the
/// callback). Each attempt reports `allowed …` or `refused: <error>`; the
/// CSP violation events the document saw are collected too.
const PROBE: &str = r#"
const [probeUrl, platformUrl, done] = arguments;
const violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  violations.push({ directive: e.effectiveDirective, blocked: e.blockedURI });
});
const attempt = async (f) => {
  try {
    return "allowed: " + String(await f());
  } catch (e) {
    return "refused: " + e.name + ": " + e.message;
  }
};
(async () => {
  const out = {};
  out.fetchOutside = await attempt(async () => (await fetch(probeUrl)).status);
  out.fetchPlatform = await attempt(async () => (await fetch(platformUrl)).status);
  out.eval = await attempt(() => eval("6 * 7"));
  out.newFunction = await attempt(() => new Function("return 6 * 7")());
  // Allowed by connect-src, and CORS lets the app's origin read it: the
  // shell answers 401 (nobody is logged in), which proves the request
  // went through.
  out.fetchDoc = await attempt(
    async () => (await fetch("pingshen-doc://localhost/JA-2026-0117/bid-B01")).status
  );
  out.tauriGlobal = typeof window.__TAURI__;
  out.appInfo = await attempt(async () =>
    JSON.stringify(await window.__TAURI_INTERNALS__.invoke("app_info", {}))
  );
  // Violation events are dispatched as tasks: let them arrive.
  await new Promise((r) => setTimeout(r, 500));
  out.violations = violations;
  done(out);
})();
"#;

fn text(v: &Value, key: &str) -> String {
    v[key].as_str().unwrap_or_default().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn csp_blocks_network_and_eval_while_the_ipc_works() -> anyhow::Result<()> {
    let platform_dir = tempfile::tempdir()?;
    let app_dir = tempfile::tempdir()?;
    let platform = PlatformProcess::start(platform_dir.path(), true)?;
    // Stands in for any outside server. It is on loopback so that, were the
    // CSP to let the request through, nothing would leave the machine and
    // the request would be seen here.
    let outside = std::net::TcpListener::bind("127.0.0.1:0")?;
    outside.set_nonblocking(true)?;
    let outside_url = format!("http://127.0.0.1:{}/probe", outside.local_addr()?.port());

    let app = AppDriver::launch_against(&platform, &platform.url, app_dir.path()).await?;
    // The page reached the platform through the shell (IPC → Rust client).
    app.wait_text("#platform-status", "平台在线", WAIT).await?;

    let health = format!("{}/api/v1/health", platform.url);
    let out = tokio::time::timeout(
        WAIT,
        app.client
            .execute_async(PROBE, vec![json!(outside_url), json!(health)]),
    )
    .await
    .map_err(|_| anyhow::anyhow!("the probe script did not answer"))??;
    println!("probe: {out:#}");

    for key in ["fetchOutside", "fetchPlatform"] {
        assert!(text(&out, key).starts_with("refused"), "{key}: {out:#}");
    }
    let blocked: Vec<(String, String)> = out["violations"]
        .as_array()
        .map(|v| {
            v.iter()
                .map(|x| (text(x, "directive"), text(x, "blocked")))
                .collect()
        })
        .unwrap_or_default();
    let reported = |directive: &str, uri: &str| {
        blocked
            .iter()
            .any(|(d, b)| d == directive && b.starts_with(uri))
    };
    assert!(
        reported("connect-src", &outside_url),
        "no CSP report for {outside_url}: {blocked:?}"
    );
    assert!(
        reported("connect-src", &platform.url),
        "no CSP report for the platform: {blocked:?}"
    );
    // Nothing reached the stand-in server.
    let mut got = Vec::new();
    while let Ok((mut conn, _)) = outside.accept() {
        let mut buf = [0u8; 256];
        let _ = conn.read(&mut buf);
        got.push(String::from_utf8_lossy(&buf).into_owned());
    }
    assert!(got.is_empty(), "a request left the webview: {got:?}");

    for key in ["eval", "newFunction"] {
        let t = text(&out, key);
        assert!(t.starts_with("refused: EvalError"), "{key}: {t}");
    }
    assert!(
        reported("script-src", "eval"),
        "no CSP report for eval: {blocked:?}"
    );

    assert_eq!(text(&out, "fetchDoc"), "allowed: 401", "{out:#}");
    assert_eq!(
        text(&out, "tauriGlobal"),
        "undefined",
        "withGlobalTauri is off"
    );
    let info = text(&out, "appInfo");
    assert!(info.starts_with("allowed: "), "{info}");
    let info: Value = serde_json::from_str(info.trim_start_matches("allowed: "))?;
    assert_eq!(info["platform_url"], json!(platform.url), "{info}");

    app.screenshot("security-csp").await?;
    app.close().await?;
    Ok(())
}
