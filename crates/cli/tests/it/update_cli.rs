//! `pingshen update publish` and `verify`: a release manager signs a version
//! into a publication folder; the folder verifies as the desktop will
//! check it, and stops verifying once a file or the manifest is changed.

use std::path::Path;
use std::process::{Command, Output};

fn pingshen(args: &[&std::ffi::OsStr]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pingshen"))
        .args(args)
        .env_remove("PINGSHEN_UPDATE_KEY_PASSWORD")
        .output()
        .unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn repo(p: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").join(p)
}

#[test]
fn a_publication_verifies_until_a_file_or_the_manifest_is_changed() {
    let dir = tempfile::tempdir().unwrap();
    let image = dir.path().join("Pingshen-0.2.0-x86_64.AppImage");
    let deb = dir.path().join("pingshen_0.2.0_amd64.deb");
    let notes = dir.path().join("notes.txt");
    std::fs::write(&image, b"appimage bytes").unwrap();
    std::fs::write(&deb, b"deb bytes").unwrap();
    std::fs::write(&notes, "修复若干问题\n").unwrap();
    let out_dir = dir.path().join("updates");
    let key = repo("packaging/demo-update-key/private.pem");
    let publish = |version: &str| {
        pingshen(&[
            "update".as_ref(),
            "publish".as_ref(),
            "--key".as_ref(),
            key.as_os_str(),
            "--version".as_ref(),
            version.as_ref(),
            "--notes".as_ref(),
            notes.as_os_str(),
            "--appimage".as_ref(),
            image.as_os_str(),
            "--deb".as_ref(),
            deb.as_os_str(),
            "--out".as_ref(),
            out_dir.as_os_str(),
        ])
    };
    let out = publish("0.2.0");
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("DEMO key"),
        "the demo key is named: {}",
        text(&out)
    );
    let verify = || pingshen(&["update".as_ref(), "verify".as_ref(), out_dir.as_os_str()]);
    let ok = verify();
    assert_eq!(ok.status.code(), Some(0), "{}", text(&ok));
    assert!(
        text(&ok).contains("ok   AppImage Pingshen-0.2.0-x86_64.AppImage"),
        "{}",
        text(&ok)
    );

    // The manifest is what the desktop reads: notes trimmed, both files.
    let signed: pingshen_api::SignedUpdateManifest =
        serde_json::from_slice(&std::fs::read(out_dir.join("manifest.json")).unwrap()).unwrap();
    let m: pingshen_api::UpdateManifest = serde_json::from_str(&signed.manifest).unwrap();
    assert_eq!(
        (m.version.as_str(), m.notes.as_str(), m.artifacts.len()),
        ("0.2.0", "修复若干问题", 2)
    );

    // Under keys that are not the signer's: refused.
    let other = dir.path().join("other.pem");
    std::fs::write(
        &other,
        pingshen_pki::sm2::generate_key()
            .unwrap()
            .public_key_to_pem()
            .unwrap(),
    )
    .unwrap();
    let out = pingshen(&[
        "update".as_ref(),
        "verify".as_ref(),
        "--keys".as_ref(),
        other.as_os_str(),
        out_dir.as_os_str(),
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));

    // A served file changed: that file is BAD, exit 1.
    std::fs::write(out_dir.join("files/pingshen_0.2.0_amd64.deb"), b"deb bytez").unwrap();
    let out = verify();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("BAD  deb 安装包 pingshen_0.2.0_amd64.deb"),
        "{}",
        text(&out)
    );

    // The manifest changed after signing: refused, exit 2.
    let mut edited = signed.clone();
    edited.manifest = edited.manifest.replace("0.2.0", "0.3.0");
    std::fs::write(
        out_dir.join("manifest.json"),
        serde_json::to_vec(&edited).unwrap(),
    )
    .unwrap();
    let out = verify();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("签名"), "{}", text(&out));

    // A new version replaces the old one's files.
    std::fs::write(&image, b"appimage bytes 0.3.0").unwrap();
    let image3 = dir.path().join("Pingshen-0.3.0-x86_64.AppImage");
    std::fs::rename(&image, &image3).unwrap();
    let out = pingshen(&[
        "update".as_ref(),
        "publish".as_ref(),
        "--key".as_ref(),
        key.as_os_str(),
        "--version".as_ref(),
        "0.3.0".as_ref(),
        "--notes".as_ref(),
        notes.as_os_str(),
        "--appimage".as_ref(),
        image3.as_os_str(),
        "--out".as_ref(),
        out_dir.as_os_str(),
    ]);
    assert!(out.status.success(), "{}", text(&out));
    let mut served: Vec<_> = std::fs::read_dir(out_dir.join("files"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    served.sort();
    assert_eq!(served, vec!["Pingshen-0.3.0-x86_64.AppImage".to_string()]);
    assert_eq!(verify().status.code(), Some(0));
}

#[test]
fn an_unusable_version_is_refused_before_anything_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let image = dir.path().join("Pingshen-x86_64.AppImage");
    let notes = dir.path().join("notes.txt");
    std::fs::write(&image, b"appimage bytes").unwrap();
    std::fs::write(&notes, "说明").unwrap();
    let out_dir = dir.path().join("updates");
    let key = repo("packaging/demo-update-key/private.pem");
    let base = |version: &'static str| -> Vec<std::ffi::OsString> {
        vec![
            "update".into(),
            "publish".into(),
            "--key".into(),
            key.clone().into(),
            "--version".into(),
            version.into(),
            "--notes".into(),
            notes.clone().into(),
            "--out".into(),
            out_dir.clone().into(),
        ]
    };
    let run = |args: Vec<std::ffi::OsString>| {
        let refs: Vec<&std::ffi::OsStr> = args.iter().map(|a| a.as_os_str()).collect();
        pingshen(&refs)
    };
    let mut args = base("新版");
    args.extend(["--appimage".into(), image.clone().into()]);
    let out = run(args);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("版本号"), "{}", text(&out));
    let out = run(base("0.2.0"));
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("nothing to publish"), "{}", text(&out));
    assert!(!out_dir.exists(), "nothing written");
}
