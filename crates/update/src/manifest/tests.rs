use super::*;
use crate::publish::{sign_manifest, sign_text};
use openssl::pkey::{PKey, Private};

fn demo_key() -> PKey<Private> {
    let pem = include_bytes!("../../../../packaging/demo-update-key/private.pem");
    PKey::private_key_from_pem(pem).unwrap()
}

fn manifest(version: &str) -> UpdateManifest {
    UpdateManifest {
        format: UPDATE_MANIFEST_FORMAT.into(),
        product: UPDATE_PRODUCT.into(),
        version: version.into(),
        published_at: time::macros::datetime!(2026-12-04 08:00 UTC),
        notes: "修复若干问题".into(),
        artifacts: vec![
            UpdateArtifact {
                kind: ArtifactKind::Appimage,
                arch: "x86_64".into(),
                file: format!("Pingshen-{version}-x86_64.AppImage"),
                size: 100,
                sha256: "ab".repeat(32),
            },
            UpdateArtifact {
                kind: ArtifactKind::Deb,
                arch: "x86_64".into(),
                file: format!("pingshen_{version}_amd64.deb"),
                size: 90,
                sha256: "cd".repeat(32),
            },
        ],
    }
}

fn demo_keys() -> TrustedKeys {
    TrustedKeys::from_pem(&demo_key().public_key_to_pem().unwrap()).unwrap()
}

#[test]
fn a_manifest_signed_with_a_trusted_key_verifies() {
    let signed = sign_manifest(&manifest("0.2.0"), &demo_key()).unwrap();
    assert_eq!(signed.algorithm, "SM2SM3");
    let v = verify_manifest(&signed, &demo_keys()).unwrap();
    assert_eq!(v.version, semver::Version::new(0, 2, 0));
    assert_eq!(v.manifest, manifest("0.2.0"));
}

#[test]
fn tampering_is_refused_with_the_signature_code() {
    let good = sign_manifest(&manifest("0.2.0"), &demo_key()).unwrap();
    let other_key = pingshen_pki::sm2::generate_key().unwrap();
    let cases: Vec<(&str, SignedUpdateManifest)> = vec![
        ("another version written in", {
            let mut s = good.clone();
            s.manifest = s.manifest.replace("0.2.0", "9.0.0");
            s
        }),
        ("another file hash written in", {
            let mut s = good.clone();
            s.manifest = s.manifest.replace(&"ab".repeat(32), &"ef".repeat(32));
            s
        }),
        ("signed by a key the build does not trust", {
            sign_manifest(&manifest("0.2.0"), &other_key).unwrap()
        }),
        ("signed by another key but claiming the trusted key's id", {
            let mut s = sign_manifest(&manifest("0.2.0"), &other_key).unwrap();
            s.key_id = good.key_id.clone();
            s
        }),
        ("algorithm relabelled", {
            let mut s = good.clone();
            s.algorithm = "ES256".into();
            s
        }),
        ("signature not base64", {
            let mut s = good.clone();
            s.signature = "***".into();
            s
        }),
        ("signature of another manifest", {
            let mut s = good.clone();
            s.signature = sign_manifest(&manifest("0.3.0"), &demo_key())
                .unwrap()
                .signature;
            s
        }),
        ("signature over the text without the update context", {
            let mut s = good.clone();
            let raw = pingshen_pki::sig::sign(
                pingshen_pki::Algorithm::Sm2Sm3,
                &demo_key(),
                s.manifest.as_bytes(),
            )
            .unwrap();
            s.signature = base64::engine::general_purpose::STANDARD.encode(raw);
            s
        }),
    ];
    for (what, signed) in cases {
        let err = verify_manifest(&signed, &demo_keys()).unwrap_err();
        assert_eq!(
            err.code(),
            pingshen_api::ErrorCode::UpdateSignatureInvalid,
            "{what}: {err}"
        );
    }
}

#[test]
fn signed_but_unusable_manifests_are_refused_with_the_manifest_code() {
    let key = demo_key();
    let edits: Vec<(&str, Box<dyn Fn(&mut UpdateManifest)>)> = vec![
        (
            "another format",
            Box::new(|m| m.format = "pingshen-update/9".into()),
        ),
        (
            "another product",
            Box::new(|m| m.product = "other-app".into()),
        ),
        ("not a version", Box::new(|m| m.version = "新版".into())),
        ("no files", Box::new(|m| m.artifacts.clear())),
        (
            "a path as file name",
            Box::new(|m| m.artifacts[0].file = "../../.bashrc".into()),
        ),
        (
            "a hidden file name",
            Box::new(|m| m.artifacts[0].file = ".AppImage".into()),
        ),
        (
            "upper-case hash",
            Box::new(|m| m.artifacts[0].sha256 = "AB".repeat(32)),
        ),
        (
            "short hash",
            Box::new(|m| m.artifacts[0].sha256 = "ab".into()),
        ),
        ("empty file", Box::new(|m| m.artifacts[0].size = 0)),
        (
            "a file bigger than 1 GiB",
            Box::new(|m| m.artifacts[0].size = MAX_ARTIFACT_SIZE + 1),
        ),
        (
            "two AppImages for one machine",
            Box::new(|m| m.artifacts[1].kind = ArtifactKind::Appimage),
        ),
    ];
    for (what, edit) in edits {
        let mut m = manifest("0.2.0");
        edit(&mut m);
        // The publisher refuses it ...
        assert!(sign_manifest(&m, &key).is_err(), "{what}: signed");
        // ... and so does the client when someone signs it anyway.
        let signed = sign_text(serde_json::to_string(&m).unwrap(), &key).unwrap();
        let err = verify_manifest(&signed, &demo_keys()).unwrap_err();
        assert_eq!(
            err.code(),
            pingshen_api::ErrorCode::UpdateManifestInvalid,
            "{what}: {err}"
        );
    }
    let signed = sign_text("{not json".into(), &key).unwrap();
    assert_eq!(
        verify_manifest(&signed, &demo_keys()).unwrap_err().code(),
        pingshen_api::ErrorCode::UpdateManifestInvalid
    );
}

#[test]
fn the_offer_depends_on_version_install_and_architecture() {
    let v = verify_manifest(
        &sign_manifest(&manifest("0.2.0"), &demo_key()).unwrap(),
        &demo_keys(),
    )
    .unwrap();
    let image = InstallKind::Appimage {
        path: "/home/a/Pingshen.AppImage".into(),
    };
    // (current version, install, arch) -> offered file
    let table: Vec<(&str, InstallKind, &str, Option<&str>)> = vec![
        (
            "0.1.0",
            image.clone(),
            "x86_64",
            Some("Pingshen-0.2.0-x86_64.AppImage"),
        ),
        (
            "0.1.0",
            InstallKind::Deb,
            "x86_64",
            Some("pingshen_0.2.0_amd64.deb"),
        ),
        (
            "0.1.0",
            InstallKind::Unmanaged,
            "x86_64",
            Some("Pingshen-0.2.0-x86_64.AppImage"),
        ),
        (
            "0.1.9",
            image.clone(),
            "x86_64",
            Some("Pingshen-0.2.0-x86_64.AppImage"),
        ),
        (
            "0.2.0-rc.1",
            image.clone(),
            "x86_64",
            Some("Pingshen-0.2.0-x86_64.AppImage"),
        ),
        // Same or newer: nothing (never a downgrade).
        ("0.2.0", image.clone(), "x86_64", None),
        ("0.10.0", image.clone(), "x86_64", None),
        ("1.0.0", InstallKind::Deb, "x86_64", None),
        // No file for this machine.
        ("0.1.0", image.clone(), "aarch64", None),
    ];
    for (current, install, arch, want) in table {
        let got = choose_offer(&v, current, &install, arch).unwrap();
        assert_eq!(
            got.as_ref().map(|o| o.file.as_str()),
            want,
            "{current} {install:?} {arch}"
        );
        if let Some(o) = got {
            assert_eq!(o.version, "0.2.0");
            assert_eq!(o.key_id, v.key_id);
        }
    }
    assert!(choose_offer(&v, "dev", &image, "x86_64").is_err());
}
