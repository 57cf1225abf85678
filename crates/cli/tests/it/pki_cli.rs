//! `pingshen cert verify`, `pingshen sign`, `pingshen verify` end to end on a
//! demo PKI generated at test time.

use pingshen_pki::demo::{self, DemoPeople, DemoPki};
use pingshen_testkit::cli::arg as p;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

struct Fixture {
    dir: PathBuf,
    pki: DemoPki,
}

/// One demo PKI per test binary. It holds private keys: it lives under the
/// target directory (`pingshen_platform::running::test_dir`), never in the
/// shared /tmp, and is removed when the binary exits.
fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let dir = pingshen_platform::running::test_dir("pki-cli").unwrap();
        let toml = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../assets/demo/project.toml"),
        )
        .unwrap();
        let people = DemoPeople::from_project_toml(&toml).unwrap();
        let pki = demo::init(&dir.join("pki"), &people).unwrap();
        Fixture { dir, pki }
    })
}

fn run(args: &[&str]) -> (i32, Value) {
    let out = Command::new(pingshen_testkit::cli::bin("pingshen"))
        .args(args)
        .env("DEMO_PW", demo::DEMO_PASSWORD)
        .env("BAD_PW", "not-the-password")
        .output()
        .unwrap();
    pingshen_testkit::cli::exit_and_json(&out)
}

fn crl_args(f: &Fixture) -> Vec<String> {
    let mut v = Vec::new();
    for e in std::fs::read_dir(f.pki.crl_dir()).unwrap() {
        v.push("--crl".to_string());
        v.push(e.unwrap().path().to_str().unwrap().to_string());
    }
    v
}

#[test]
fn cert_verify_accepts_demo_certificates_from_both_cas() {
    let f = fixture();
    let trust = f.pki.trust_dir();
    let crls = crl_args(f);
    for id in ["E001", "E002", "E003"] {
        let person = f.pki.people.iter().find(|x| x.id == id).unwrap();
        let pem = f.pki.dir.join(&person.cert);
        let mut args = vec!["cert", "verify", "--trust", p(&trust)];
        args.extend(crls.iter().map(String::as_str));
        args.push(p(&pem));
        let (code, out) = run(&args);
        assert_eq!(code, 0, "{out}");
        assert_eq!(out["ok"], true);
        assert_eq!(out["code"], "ok");
        assert_eq!(out["alg"], person.alg.jws_name());
        assert_eq!(out["person_id"], id);
        assert_eq!(out["revocation_checked"], true);
        assert!(out["subject"].as_str().unwrap().contains(&person.name));
        assert!(out["not_after"].as_str().is_some());
    }
    // The same identity from its PKCS#12 file.
    let p12 = f.pki.p12_path("E003").unwrap();
    let (code, out) = run(&[
        "cert",
        "verify",
        "--trust",
        p(&trust),
        "--password-env",
        "DEMO_PW",
        p(&p12),
    ]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(out["alg"], "SM2SM3");
}

#[test]
fn cert_verify_reports_failures_with_codes() {
    let f = fixture();
    let trust = f.pki.trust_dir();
    let pem = f.pki.dir.join("people/E002.pem");
    let (code, out) = run(&[
        "cert",
        "verify",
        "--trust",
        p(&trust),
        "--at",
        "2099-01-01T00:00:00Z",
        p(&pem),
    ]);
    assert_eq!((code, out["code"].as_str()), (1, Some("expired")), "{out}");
    assert_eq!(out["ok"], false);
    assert!(!out["message"].as_str().unwrap().is_empty());

    let junk = f.dir.join("junk.pem");
    std::fs::write(
        &junk,
        b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
    )
    .unwrap();
    let (code, out) = run(&["cert", "verify", "--trust", p(&trust), p(&junk)]);
    assert_eq!(
        (code, out["code"].as_str()),
        (1, Some("malformed")),
        "{out}"
    );

    // A trust folder with only the SM2 CA does not recognise hubei-ca people.
    let sm_only = f.dir.join("sm-only");
    std::fs::create_dir_all(&sm_only).unwrap();
    for name in ["sm-ca-root.pem", "sm-ca-intermediate.pem"] {
        std::fs::copy(trust.join(name), sm_only.join(name)).unwrap();
    }
    let (code, out) = run(&["cert", "verify", "--trust", p(&sm_only), p(&pem)]);
    assert_eq!(
        (code, out["code"].as_str()),
        (1, Some("untrusted_root")),
        "{out}"
    );

    let p12 = f.pki.p12_path("E001").unwrap();
    let (code, out) = run(&[
        "cert",
        "verify",
        "--trust",
        p(&trust),
        "--password-env",
        "BAD_PW",
        p(&p12),
    ]);
    assert_eq!(
        (code, out["code"].as_str()),
        (1, Some("wrong_password")),
        "{out}"
    );
}

#[test]
fn sign_then_verify_for_all_three_algorithms() {
    let f = fixture();
    let trust = f.pki.trust_dir();
    let doc = f.dir.join("sheet.json");
    std::fs::write(
        &doc,
        r#"{"project":"JA-2026-0117","bidder":"B02","score":"88.00"}"#,
    )
    .unwrap();
    for id in ["E001", "E002", "E003"] {
        let p12 = f.pki.p12_path(id).unwrap();
        let env = f.dir.join(format!("sheet-{id}.jws.json"));
        let (code, out) = run(&[
            "sign",
            "--p12",
            p(&p12),
            "--password-env",
            "DEMO_PW",
            "--typ",
            "pingshen.score-sheet+json",
            p(&doc),
            p(&env),
        ]);
        assert_eq!(code, 0, "{out}");
        let mut args = vec!["verify", "--trust", p(&trust), "--payload"];
        let crls = crl_args(f);
        args.extend(crls.iter().map(String::as_str));
        args.push(p(&env));
        let (code, out) = run(&args);
        assert_eq!(code, 0, "{out}");
        assert_eq!(out["person_id"], id);
        assert_eq!(out["typ"], "pingshen.score-sheet+json");
        assert_eq!(out["payload"]["score"], "88.00");
        assert!(out["signed_at"].as_str().unwrap().ends_with('Z'));

        // Tampered payload: exit 1, signature_invalid.
        let mut e: Value = serde_json::from_slice(&std::fs::read(&env).unwrap()).unwrap();
        e["payload"] = Value::String("eyJzY29yZSI6Ijk5LjAwIn0".into());
        let bad = f.dir.join(format!("tampered-{id}.json"));
        std::fs::write(&bad, e.to_string()).unwrap();
        let (code, out) = run(&["verify", "--trust", p(&trust), p(&bad)]);
        assert_eq!(
            (code, out["code"].as_str()),
            (1, Some("signature_invalid")),
            "{out}"
        );
    }
    let (code, out) = run(&[
        "sign",
        "--p12",
        p(&f.pki.p12_path("E002").unwrap()),
        "--password-env",
        "BAD_PW",
        p(&doc),
        p(&f.dir.join("x.json")),
    ]);
    assert_eq!(
        (code, out["code"].as_str()),
        (1, Some("wrong_password")),
        "{out}"
    );
}
