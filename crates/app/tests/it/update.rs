//! 软件更新 against the real platform: what the centre publishes (signed with
//! the demo update key this build trusts) is offered, downloaded, verified
//! and installed; a tampered manifest or file is refused and leaves the
//! installed copy as it was; nothing is installed while the expert's real
//! outbox holds a submission.

use crate::common::world;
use pingshen_api::{
    ArtifactKind, InstallKind, UpdateArtifact, UpdateInstalled, UpdateManifest,
    UPDATE_MANIFEST_FORMAT, UPDATE_PRODUCT,
};
use pingshen_app::update::{self, ThisCopy};
use pingshen_client::PlatformClient;
use pingshen_store::NewSubmission;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

const NEW_IMAGE: &[u8] = b"\x7fELF the new AppImage, version 9.9.9";
const OLD_IMAGE: &[u8] = b"\x7fELF the AppImage the expert runs";

fn demo_key() -> openssl::pkey::PKey<openssl::pkey::Private> {
    let pem = include_bytes!("../../../../packaging/demo-update-key/private.pem");
    openssl::pkey::PKey::private_key_from_pem(pem).unwrap()
}

fn artifact(kind: ArtifactKind, file: &str, bytes: &[u8]) -> UpdateArtifact {
    UpdateArtifact {
        kind,
        arch: pingshen_update::ARCH.into(),
        file: file.into(),
        size: bytes.len() as u64,
        sha256: hex::encode(Sha256::digest(bytes)),
    }
}

/// Publishes `manifest` signed with `key` and `files` as served, the way
/// `pingshen update publish` lays them out in the platform's data folder.
fn publish(data_dir: &Path, signed: &pingshen_api::SignedUpdateManifest, files: &[(&str, &[u8])]) {
    let dir = data_dir.join("updates");
    std::fs::create_dir_all(dir.join("files")).unwrap();
    for (name, bytes) in files {
        std::fs::write(dir.join("files").join(name), bytes).unwrap();
    }
    std::fs::write(
        dir.join("manifest.json"),
        serde_json::to_vec(signed).unwrap(),
    )
    .unwrap();
}

const IMAGE_NAME: &str = "Pingshen-9.9.9-x86_64.AppImage";

/// The genuine 9.9.9 AppImage, published as the centre would.
fn publish_new_image(data_dir: &Path) -> pingshen_api::SignedUpdateManifest {
    let signed = pingshen_update::sign_manifest(
        &manifest(
            "9.9.9",
            vec![artifact(ArtifactKind::Appimage, IMAGE_NAME, NEW_IMAGE)],
        ),
        &demo_key(),
    )
    .unwrap();
    publish(data_dir, &signed, &[(IMAGE_NAME, NEW_IMAGE)]);
    signed
}

fn manifest(version: &str, artifacts: Vec<UpdateArtifact>) -> UpdateManifest {
    UpdateManifest {
        format: UPDATE_MANIFEST_FORMAT.into(),
        product: UPDATE_PRODUCT.into(),
        version: version.into(),
        published_at: time::macros::datetime!(2026-12-04 08:00 UTC),
        notes: "修复：评分表签名前再次核对哈希。".into(),
        artifacts,
    }
}

struct Machine {
    _dir: tempfile::TempDir,
    image: PathBuf,
    copy: ThisCopy,
}

fn appimage_machine() -> Machine {
    let dir = tempfile::tempdir().unwrap();
    let image = dir.path().join("Pingshen.AppImage");
    std::fs::write(&image, OLD_IMAGE).unwrap();
    let copy = ThisCopy {
        version: "0.1.0".into(),
        install: InstallKind::Appimage {
            path: image.display().to_string(),
        },
        arch: pingshen_update::ARCH.into(),
        download_dir: dir.path().join("data/cache/updates"),
        deb_installer: vec!["false".into()],
    };
    Machine {
        _dir: dir,
        image,
        copy,
    }
}

fn downloads(m: &Machine) -> Vec<String> {
    std::fs::read_dir(&m.copy.download_dir)
        .map(|d| {
            d.map(|e| e.unwrap().file_name().into_string().unwrap())
                .collect()
        })
        .unwrap_or_default()
}

fn empty_outbox() -> Result<Option<u64>, pingshen_api::ipc::AppError> {
    Ok(Some(0))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_published_update_is_offered_verified_and_replaces_the_appimage() {
    let w = world("E001").await;
    let client = PlatformClient::new(&w.platform.url()).unwrap();
    let m = appimage_machine();

    // Nothing published: the check says so, nothing is offered.
    let c = update::check(&client, &m.copy).await.unwrap();
    assert_eq!(c.offer, None);
    assert!(c.demo_key, "the default build names the demo key");
    let err = update::install(&client, &m.copy, "9.9.9", empty_outbox)
        .await
        .unwrap_err();
    assert_eq!(err.code.as_str(), "update_not_newer");

    let name = IMAGE_NAME;
    publish_new_image(&w.platform.state.data_dir);

    let c = update::check(&client, &m.copy).await.unwrap();
    let offer = c.offer.expect("9.9.9 is offered to 0.1.0");
    assert_eq!(offer.version, "9.9.9");
    assert_eq!(offer.notes, "修复：评分表签名前再次核对哈希。");
    assert_eq!(offer.kind, ArtifactKind::Appimage);
    // The same build at 9.9.9 is offered nothing (never a downgrade or a loop).
    let current = ThisCopy {
        version: "9.9.9".into(),
        ..m.copy.clone()
    };
    assert_eq!(update::check(&client, &current).await.unwrap().offer, None);

    // The version the person agreed to must still be the one published.
    let err = update::install(&client, &m.copy, "9.9.8", empty_outbox)
        .await
        .unwrap_err();
    assert_eq!(err.code.as_str(), "update_manifest_invalid");
    assert_eq!(std::fs::read(&m.image).unwrap(), OLD_IMAGE);

    let done = update::install(&client, &m.copy, "9.9.9", empty_outbox)
        .await
        .unwrap();
    assert_eq!(
        done,
        UpdateInstalled::Restarting {
            version: "9.9.9".into()
        }
    );
    assert_eq!(std::fs::read(&m.image).unwrap(), NEW_IMAGE);
    // The verified download stays (no .part), nothing else beside the image.
    assert_eq!(downloads(&m), vec![name.to_string()]);
    let beside: Vec<_> = std::fs::read_dir(m.image.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.contains("AppImage"))
        .collect();
    assert_eq!(beside, vec!["Pingshen.AppImage".to_string()]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tampered_manifest_or_file_is_refused_and_nothing_changes() {
    let w = world("E001").await;
    let client = PlatformClient::new(&w.platform.url()).unwrap();
    let data_dir = w.platform.state.data_dir.clone();
    let m = appimage_machine();
    let name = IMAGE_NAME;
    let good = pingshen_update::sign_manifest(
        &manifest(
            "9.9.9",
            vec![artifact(ArtifactKind::Appimage, name, NEW_IMAGE)],
        ),
        &demo_key(),
    )
    .unwrap();

    // A manifest edited after signing (the platform or a proxy raising the
    // version or swapping the hash for its own file's).
    let evil: &[u8] = b"\x7fELF an image nobody signed";
    let mut edited = good.clone();
    edited.manifest = edited.manifest.replace(
        &hex::encode(Sha256::digest(NEW_IMAGE)),
        &hex::encode(Sha256::digest(evil)),
    );
    publish(&data_dir, &edited, &[(name, evil)]);
    let err = update::check(&client, &m.copy).await.unwrap_err();
    assert_eq!(err.code.as_str(), "update_signature_invalid", "{err}");
    let err = update::install(&client, &m.copy, "9.9.9", empty_outbox)
        .await
        .unwrap_err();
    assert_eq!(err.code.as_str(), "update_signature_invalid");

    // A manifest signed by a key this build does not trust.
    let stranger = pingshen_update::sign_manifest(
        &manifest("9.9.9", vec![artifact(ArtifactKind::Appimage, name, evil)]),
        &pingshen_pki::sm2::generate_key().unwrap(),
    )
    .unwrap();
    publish(&data_dir, &stranger, &[(name, evil)]);
    let err = update::check(&client, &m.copy).await.unwrap_err();
    assert_eq!(err.code.as_str(), "update_signature_invalid", "{err}");

    // The genuine manifest, but the platform serves another file under its
    // name (same length, one byte changed): downloaded, refused, deleted.
    let mut flipped = NEW_IMAGE.to_vec();
    flipped[10] ^= 1;
    publish(&data_dir, &good, &[(name, &flipped)]);
    assert!(update::check(&client, &m.copy)
        .await
        .unwrap()
        .offer
        .is_some());
    let err = update::install(&client, &m.copy, "9.9.9", empty_outbox)
        .await
        .unwrap_err();
    assert_eq!(err.code.as_str(), "update_file_mismatch", "{err}");
    // A longer file is cut off at the manifest's size.
    let mut longer = NEW_IMAGE.to_vec();
    longer.extend_from_slice(&[0; 4096]);
    publish(&data_dir, &good, &[(name, &longer)]);
    let err = update::install(&client, &m.copy, "9.9.9", empty_outbox)
        .await
        .unwrap_err();
    assert_eq!(err.code.as_str(), "bad_response", "{err}");

    assert_eq!(
        std::fs::read(&m.image).unwrap(),
        OLD_IMAGE,
        "the installed copy is untouched"
    );
    assert!(
        downloads(&m).is_empty(),
        "nothing unverified is kept: {:?}",
        downloads(&m)
    );

    // A name the manifest does not list is not served at all.
    let probe = m.copy.download_dir.join("probe");
    std::fs::create_dir_all(&m.copy.download_dir).unwrap();
    let err = client
        .download_update("manifest.json", &probe, 1 << 20)
        .await
        .unwrap_err();
    assert_eq!(err.code(), "not_found");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nothing_is_installed_while_a_submission_waits_in_the_outbox() {
    let w = world("E001").await;
    let client = PlatformClient::new(&w.platform.url()).unwrap();
    let m = appimage_machine();
    publish_new_image(&w.platform.state.data_dir);

    // The expert's real store, with a sheet waiting to be sent.
    let store = w.ctx.store.clone();
    {
        let s = store.lock().unwrap();
        s.outbox()
            .enqueue(
                &NewSubmission {
                    submission_id: "JA-2026-0117/sheet/E001/1",
                    kind: "score_sheet",
                    project: "JA-2026-0117",
                    endpoint: "projects/JA-2026-0117/sheets",
                    body: b"{\"envelope\":{}}",
                },
                time::OffsetDateTime::now_utc(),
            )
            .unwrap();
    }
    let pending = || -> Result<Option<u64>, pingshen_api::ipc::AppError> {
        Ok(Some(pingshen_app::lock(&store)?.outbox().pending_count()?))
    };
    let err = update::install(&client, &m.copy, "9.9.9", pending)
        .await
        .unwrap_err();
    assert_eq!(err.code.as_str(), "update_blocked_outbox");
    assert!(err.message.contains("1 份提交"), "{}", err.message);
    assert!(downloads(&m).is_empty(), "refused before downloading");
    // Nobody logged in: the outbox cannot be counted, so no install either.
    let err = update::install(&client, &m.copy, "9.9.9", || Ok(None))
        .await
        .unwrap_err();
    assert_eq!(err.code.as_str(), "update_blocked_outbox");
    assert_eq!(std::fs::read(&m.image).unwrap(), OLD_IMAGE);

    // A submission that arrives while the download runs stops the install too.
    let calls = std::sync::atomic::AtomicU32::new(0);
    let err = update::install(&client, &m.copy, "9.9.9", || {
        Ok(Some(u64::from(
            calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst),
        )))
    })
    .await
    .unwrap_err();
    assert_eq!(err.code.as_str(), "update_blocked_outbox");
    assert_eq!(calls.load(std::sync::atomic::Ordering::SeqCst), 2);
    assert_eq!(std::fs::read(&m.image).unwrap(), OLD_IMAGE);

    // Delivered: now it installs.
    {
        let s = store.lock().unwrap();
        s.outbox()
            .mark_delivered(
                "JA-2026-0117/sheet/E001/1",
                b"{}",
                time::OffsetDateTime::now_utc(),
            )
            .unwrap();
    }
    update::install(&client, &m.copy, "9.9.9", pending)
        .await
        .unwrap();
    assert_eq!(std::fs::read(&m.image).unwrap(), NEW_IMAGE);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deb_install_hands_the_verified_package_to_the_system_installer() {
    let w = world("E001").await;
    let client = PlatformClient::new(&w.platform.url()).unwrap();
    let deb: &[u8] = b"!<arch>\ndebian-binary pingshen 9.9.9";
    let name = "pingshen_9.9.9_amd64.deb";
    let signed = pingshen_update::sign_manifest(
        &manifest(
            "9.9.9",
            vec![
                artifact(
                    ArtifactKind::Appimage,
                    "Pingshen-9.9.9-x86_64.AppImage",
                    NEW_IMAGE,
                ),
                artifact(ArtifactKind::Deb, name, deb),
            ],
        ),
        &demo_key(),
    )
    .unwrap();
    publish(
        &w.platform.state.data_dir,
        &signed,
        &[("Pingshen-9.9.9-x86_64.AppImage", NEW_IMAGE), (name, deb)],
    );
    let dir = tempfile::tempdir().unwrap();
    let record = dir.path().join("installer-was-given");
    let copy = ThisCopy {
        version: "0.1.0".into(),
        install: InstallKind::Deb,
        arch: pingshen_update::ARCH.into(),
        download_dir: dir.path().join("updates"),
        deb_installer: vec![
            "sh".into(),
            "-c".into(),
            format!("cp \"$1\" {}", record.display()),
            "installer".into(),
        ],
    };
    let offer = update::check(&client, &copy).await.unwrap().offer.unwrap();
    assert_eq!(offer.file, name, "a .deb install is offered the .deb");
    let done = update::install(&client, &copy, "9.9.9", empty_outbox)
        .await
        .unwrap();
    let UpdateInstalled::HandedToInstaller {
        version,
        package,
        installer,
    } = done
    else {
        panic!("{done:?}")
    };
    assert_eq!((version.as_str(), installer.as_str()), ("9.9.9", "sh"));
    assert_eq!(package, copy.download_dir.join(name).display().to_string());
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while std::fs::read(&record).map(|b| b != deb).unwrap_or(true) {
        assert!(
            std::time::Instant::now() < deadline,
            "the installer never got the package"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }

    // A developer's build is told, never updated.
    let dev = ThisCopy {
        install: InstallKind::Unmanaged,
        ..copy
    };
    assert!(update::check(&client, &dev).await.unwrap().offer.is_some());
    let err = update::install(&client, &dev, "9.9.9", empty_outbox)
        .await
        .unwrap_err();
    assert_eq!(err.code.as_str(), "update_not_installable");
}
