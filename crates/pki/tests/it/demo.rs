//! The demo PKI generator: layout, identities for both CAs and all three
//! algorithms, refusal to overwrite, and every identity validating.

use pingshen_pki::demo::{self, DemoOptions, DemoPeople, DEMO_PASSWORD};
use pingshen_pki::{Algorithm, Pkcs12Signer, Signer};
use std::path::Path;

fn project_people() -> DemoPeople {
    let toml = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../assets/demo/project.toml"),
    )
    .expect("assets/demo/project.toml is part of the repository");
    DemoPeople::from_project_toml(&toml).expect("demo people parse")
}

#[test]
fn init_creates_layout_and_valid_identities() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("pki");
    let people = project_people();
    assert_eq!(people.people.len(), 13);
    let pki = demo::init(&dir, &people).expect("init");

    for f in [
        "trust/hubei-ca-root.pem",
        "trust/hubei-ca-intermediate.pem",
        "trust/sm-ca-root.pem",
        "trust/sm-ca-intermediate.pem",
        "crl/hubei-ca-intermediate.crl",
        "crl/sm-ca-intermediate.crl",
        "people.json",
        "platform/platform.p12",
        "README.txt",
    ] {
        assert!(dir.join(f).is_file(), "missing {f}");
    }
    let listed: Vec<demo::DemoIdentity> =
        serde_json::from_slice(&std::fs::read(dir.join("people.json")).unwrap()).unwrap();
    assert_eq!(listed, pki.people);

    let algs: std::collections::HashSet<_> = pki.people.iter().map(|p| p.alg).collect();
    assert_eq!(algs.len(), 3, "all three algorithms are used");

    let trust = demo::load_trust(&dir).expect("trust");
    let now = pingshen_pki::OffsetDateTime::now_utc();
    for p in pki.people.iter().chain(std::iter::once(&pki.platform)) {
        let signer = Pkcs12Signer::from_file(&dir.join(&p.p12), DEMO_PASSWORD).expect("p12 loads");
        assert_eq!(signer.algorithm(), p.alg);
        let v = trust
            .validate(signer.certificate(), &signer.chain()[1..], now)
            .unwrap_or_else(|e| {
                panic!(
                    "{} does not validate: {} {}",
                    p.id,
                    e.code(),
                    e.message_zh()
                )
            });
        assert!(v.revocation_checked, "demo CRLs are consulted");
        assert_eq!(v.leaf.person_id.as_deref(), Some(p.id.as_str()));
        assert_eq!(v.leaf.subject_cn.as_deref(), Some(p.name.as_str()));
        assert_eq!(v.leaf.fingerprint_sha256, p.fingerprint_sha256);
        let expected_ca = if p.alg == Algorithm::Sm2Sm3 {
            "sm-ca"
        } else {
            "hubei-ca"
        };
        assert_eq!(p.ca.name(), expected_ca);
    }
    let e = Pkcs12Signer::from_file(&dir.join(&pki.people[0].p12), "wrong")
        .err()
        .unwrap();
    assert_eq!(e.code(), "wrong_password");
}

#[test]
fn init_refuses_non_empty_dir_and_leaves_it_untouched() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("pki");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("keep.txt"), b"mine").unwrap();
    let people = DemoPeople::default();
    let e = demo::init(&dir, &people).unwrap_err();
    assert_eq!(e.code(), "already_exists");
    assert_eq!(std::fs::read(dir.join("keep.txt")).unwrap(), b"mine");

    let opts = DemoOptions {
        overwrite: true,
        ..Default::default()
    };
    demo::init_with(&dir, &people, &opts).expect("overwrite when asked");
    assert!(!dir.join("keep.txt").exists());
    assert!(dir.join("platform/platform.p12").is_file());
    // No temporary directories are left next to it.
    let leftovers: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with('.'))
        .collect();
    assert!(leftovers.is_empty());
}

#[test]
fn init_into_empty_existing_dir_is_allowed() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("empty");
    std::fs::create_dir_all(&dir).unwrap();
    demo::init(&dir, &DemoPeople::default()).expect("empty dir is fine");
    assert!(dir.join("trust/sm-ca-root.pem").is_file());
}

#[test]
fn people_with_impossible_ca_and_algorithm_are_refused() {
    let text = "[[people]]\nid='X'\nname='x'\nrole='expert'\nca='sm-ca'\nalg='rsa'\n";
    let e = DemoPeople::from_project_toml(text).unwrap_err();
    assert_eq!(e.code(), "malformed");
    let text = "[[people]]\nid='X'\nname='x'\nrole='expert'\nca='other-ca'\nalg='rsa'\n";
    assert_eq!(
        DemoPeople::from_project_toml(text).unwrap_err().code(),
        "malformed"
    );
}
