use super::*;
use crate::file::verify;
use pingshen_api::UpdateOffer;

fn offer_for(path: &Path, kind: ArtifactKind) -> UpdateOffer {
    let (size, sha256) = digest(path).unwrap();
    UpdateOffer {
        version: "0.2.0".into(),
        published_at: time::OffsetDateTime::UNIX_EPOCH,
        notes: String::new(),
        kind,
        file: "x".into(),
        size,
        sha256,
        key_id: String::new(),
    }
}

#[test]
fn the_install_kind_comes_from_appimage_or_dpkg() {
    let dir = tempfile::tempdir().unwrap();
    let image = dir.path().join("Pingshen.AppImage");
    std::fs::write(&image, b"image").unwrap();
    let info = dir.path().join("info");
    std::fs::create_dir(&info).unwrap();
    let exe = Path::new("/tmp/.mount_x/usr/bin/pingshen-desktop");
    assert_eq!(
        detect_install(Some(image.as_os_str()), exe, &info),
        InstallKind::Appimage {
            path: image.display().to_string()
        }
    );
    // A relative or missing image is not believed.
    assert_eq!(
        detect_install(Some(OsStr::new("x.AppImage")), exe, &info),
        InstallKind::Unmanaged
    );
    assert_eq!(
        detect_install(Some(dir.path().join("gone").as_os_str()), exe, &info),
        InstallKind::Unmanaged
    );
    // /usr/bin without dpkg's list is someone's copy, not the package.
    assert_eq!(
        detect_install(None, Path::new(DEB_BINARY), &info),
        InstallKind::Unmanaged
    );
    std::fs::write(
        info.join("pingshen.list"),
        format!("/usr\n/usr/bin\n{DEB_BINARY}\n"),
    )
    .unwrap();
    assert_eq!(
        detect_install(None, Path::new(DEB_BINARY), &info),
        InstallKind::Deb
    );
    assert_eq!(detect_install(None, exe, &info), InstallKind::Unmanaged);
}

#[test]
fn an_appimage_is_replaced_whole_and_executable() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("Pingshen.AppImage");
    std::fs::write(&target, b"old image").unwrap();
    let new = dir.path().join("download");
    std::fs::write(&new, b"new image, longer").unwrap();
    let verified = verify(&new, &offer_for(&new, ArtifactKind::Appimage)).unwrap();
    replace_appimage(&verified, &target).unwrap();
    assert_eq!(std::fs::read(&target).unwrap(), b"new image, longer");
    let mode = std::fs::metadata(&target).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o755);
    // Nothing left beside it.
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
}

#[test]
fn a_staged_file_changed_after_verification_is_not_installed() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("Pingshen.AppImage");
    std::fs::write(&target, b"old image").unwrap();
    let new = dir.path().join("download");
    std::fs::write(&new, b"new image").unwrap();
    let verified = verify(&new, &offer_for(&new, ArtifactKind::Appimage)).unwrap();
    std::fs::write(&new, b"evil image").unwrap();
    let err = replace_appimage(&verified, &target).unwrap_err();
    assert_eq!(err.code(), pingshen_api::ErrorCode::UpdateFileMismatch);
    assert_eq!(std::fs::read(&target).unwrap(), b"old image");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
}

#[test]
fn a_file_that_differs_from_the_offer_is_not_verified() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("download");
    std::fs::write(&path, b"new image").unwrap();
    let mut offer = offer_for(&path, ArtifactKind::Appimage);
    offer.size += 1;
    assert_eq!(
        verify(&path, &offer).unwrap_err().code(),
        pingshen_api::ErrorCode::UpdateFileMismatch
    );
    let mut offer = offer_for(&path, ArtifactKind::Appimage);
    offer.sha256 = "00".repeat(32);
    assert_eq!(
        verify(&path, &offer).unwrap_err().code(),
        pingshen_api::ErrorCode::UpdateFileMismatch
    );
}

#[test]
fn a_deb_is_handed_to_the_installer_with_its_path() {
    let dir = tempfile::tempdir().unwrap();
    let deb = dir.path().join("pingshen_0.2.0_amd64.deb");
    std::fs::write(&deb, b"deb").unwrap();
    let verified = verify(&deb, &offer_for(&deb, ArtifactKind::Deb)).unwrap();
    let record = dir.path().join("installer-args");
    let script = format!("printf '%s\\n' \"$@\" > {}", record.display());
    let installer = vec![
        "sh".to_string(),
        "-c".to_string(),
        script,
        "installer".to_string(),
    ];
    assert_eq!(handoff_deb(&verified, &installer).unwrap(), "sh");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while !record.exists() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    std::thread::sleep(std::time::Duration::from_millis(50));
    assert_eq!(
        std::fs::read_to_string(&record).unwrap(),
        format!("{}\n", deb.display())
    );
    // An AppImage is never handed to the package installer, nor a .deb put in place of the image.
    assert!(handoff_deb(
        &verify(&deb, &offer_for(&deb, ArtifactKind::Appimage)).unwrap(),
        &installer
    )
    .is_err());
    assert!(replace_appimage(&verified, &dir.path().join("x.AppImage")).is_err());
    assert!(handoff_deb(&verified, &[]).is_err());
}
