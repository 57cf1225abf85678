//! The platform binary refuses bad input with a clear message and a non-zero
//! exit, and writes nothing when it refuses.

use std::process::Command;

fn platform() -> Command {
    Command::new(env!("CARGO_BIN_EXE_pingshen-platform"))
}

#[test]
fn unknown_flag_is_refused() {
    let out = platform().args(["serve", "--bogus"]).output().unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--bogus"), "{err}");
}

#[test]
fn malformed_listen_address_is_refused_before_touching_the_data_dir() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    for bad in ["localhost", "127.0.0.1", "127.0.0.1:99999", "[::1"] {
        let out = platform()
            .args(["serve", "--data"])
            .arg(&data)
            .args(["--listen", bad])
            .output()
            .unwrap();
        assert!(!out.status.success(), "{bad} accepted");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("--listen"), "{bad}: {err}");
        assert!(!data.exists(), "{bad}: data dir was created");
    }
}

#[test]
fn unusable_data_dir_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a-file");
    std::fs::write(&file, b"keep").unwrap();
    let out = platform()
        .args(["serve", "--listen", "127.0.0.1:0", "--data"])
        .arg(file.join("data"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("数据目录不可用"), "{err}");
    assert_eq!(std::fs::read(&file).unwrap(), b"keep");
}

/// `serve --demo` on the shared demo PKI and a fresh data folder, with
/// `args`: what it wrote to stderr, after checking that it failed.
fn demo_serve_fails(args: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let pki = pingshen_platform::running::shared_demo_pki().unwrap();
    let out = platform()
        .args(["serve", "--demo"])
        .args(args)
        .arg("--data")
        .arg(dir.path())
        .arg("--pki")
        .arg(pki)
        .output()
        .unwrap();
    assert!(!out.status.success());
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn port_in_use_is_a_clear_error() {
    let held = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = held.local_addr().unwrap().to_string();
    let err = demo_serve_fails(&["--listen", &addr]);
    assert!(err.contains("无法监听"), "{err}");
}

#[test]
fn an_unreachable_database_is_a_clear_error_without_its_password() {
    // Nothing listens on the port a listener just let go of.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("postgres://pingshen:s3cret-pw@127.0.0.1:{port}/pingshen");
    let err = demo_serve_fails(&["--listen", "127.0.0.1:0", "--database", &url]);
    assert!(err.contains("数据库错误：PostgreSQL"), "{err}");
    assert!(!err.contains("s3cret-pw"), "{err}");
}

#[test]
fn missing_pki_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = platform()
        .env("PINGSHEN_PLATFORM_KEY_PASSWORD", "a-production-password")
        .args(["serve", "--listen", "127.0.0.1:0", "--data"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("无法加载信任证书"), "{err}");
}

/// Outside `--demo`, the platform key's password must be given, and must not
/// be the demo password anyone can read in the docs.
#[test]
fn the_demo_key_password_is_refused_outside_demo() {
    let dir = tempfile::tempdir().unwrap();
    let pki = pingshen_platform::running::shared_demo_pki().unwrap();
    for (password, code, says) in [
        (
            None,
            "key_password_required",
            "PINGSHEN_PLATFORM_KEY_PASSWORD",
        ),
        (Some("pingshen-demo"), "demo_key_refused", "演示口令"),
    ] {
        let mut cmd = platform();
        cmd.env_remove("PINGSHEN_PLATFORM_KEY_PASSWORD");
        if let Some(p) = password {
            cmd.env("PINGSHEN_PLATFORM_KEY_PASSWORD", p);
        }
        let out = cmd
            .args(["serve", "--listen", "127.0.0.1:0", "--data"])
            .arg(dir.path().join(code))
            .arg("--pki")
            .arg(&pki)
            .output()
            .unwrap();
        assert!(!out.status.success(), "{code}: started");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says), "{code}: {err}");
    }
}
