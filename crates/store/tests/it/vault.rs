//! Profiles, the offline unlock, the master key and the database key.

use crate::common::{contains, identity, Fixture, Impostor};
use pingshen_pki::wrap_key_for;
use pingshen_pki::{DataKey, Pkcs12Signer, Signer};
use pingshen_store::{PersonInfo, ProjectPart, StoreError, Vault, SCHEMA_VERSION};

fn profile_json(f: &Fixture) -> std::path::PathBuf {
    f.vault
        .profile_dir(&f.open().profile().fingerprint)
        .join("profile.json")
}

#[test]
fn first_open_creates_a_profile_and_later_opens_unlock_it() {
    let f = Fixture::new();
    assert!(f.vault.profiles().unwrap().is_empty());
    let fp = {
        let store = f.open();
        store
            .projects()
            .put(
                "JA-2026-0117",
                ProjectPart::Detail,
                r#"{"name":"解放大道"}"#,
            )
            .unwrap();
        let summary = store.profile();
        assert_eq!(summary.person.name.as_deref(), Some("李娜"));
        assert_eq!(summary.person.id.as_deref(), Some("E002"));
        assert_eq!(summary.person.role.as_deref(), Some("expert"));
        assert_eq!(summary.alg, pingshen_pki::Algorithm::Es256);
        summary.fingerprint
    };
    let dir = f.vault.profile_dir(&fp);
    assert!(dir.join("profile.json").is_file());
    assert!(dir.join("store.db").is_file());

    let listed = f.vault.profiles().unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].fingerprint, fp);
    assert_eq!(
        listed[0].issuer, "李娜",
        "self-signed: issuer is the subject"
    );

    // The profile file holds no secret: the master key is wrapped (ECDH-ES).
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("profile.json")).unwrap()).unwrap();
    assert_eq!(
        json["wrapped_master_key"]["alg"],
        "ECDH-ES+HKDF-SHA256+A256GCM"
    );
    assert!(json["chain_pem"]
        .as_str()
        .unwrap()
        .starts_with("-----BEGIN CERTIFICATE-----"));

    let store = f.vault.open_profile(&fp, &f.signer).unwrap();
    let cached = store.projects().get("JA-2026-0117").unwrap().unwrap();
    assert_eq!(
        cached.detail_json.as_deref(),
        Some(r#"{"name":"解放大道"}"#)
    );
}

#[test]
fn the_database_file_is_encrypted() {
    let f = Fixture::new();
    let fp = {
        let store = f.open();
        store
            .projects()
            .put("P1", ProjectPart::Rules, r#"{"marker":"评标办法明文标记"}"#)
            .unwrap();
        store.profile().fingerprint
    };
    let db = std::fs::read(f.vault.profile_dir(&fp).join("store.db")).unwrap();
    assert!(!db.starts_with(b"SQLite format 3"));
    assert!(!contains(&db, "评标办法明文标记".as_bytes()));
}

#[test]
fn a_key_that_does_not_belong_to_the_certificate_is_key_mismatch() {
    let f = Fixture::new();
    drop(f.open());
    // Present the profile owner's real certificate, but sign with another key.
    let impostor = Impostor {
        cert_of: Pkcs12Signer::from_parts(
            f.signer.private_key().clone(),
            f.signer.certificate().clone(),
            &[],
        )
        .unwrap(),
        key_of: identity("某人", "X999"),
    };
    let err = f.vault.open(&impostor).unwrap_err();
    assert_eq!(err.code(), "key_mismatch");
    assert!(err.message_zh().contains("私钥"));
}

#[test]
fn someone_elses_signer_cannot_open_a_profile() {
    let f = Fixture::new();
    let fp = f.open().profile().fingerprint;
    let other = identity("王强", "E003");
    let err = f.vault.open_profile(&fp, &other).unwrap_err();
    assert_eq!(err.code(), "profile_owner_mismatch");
    // Opening with their own certificate makes their own, separate profile.
    let theirs = f.vault.open(&other).unwrap();
    assert_ne!(theirs.profile().fingerprint, fp);
    assert!(theirs.projects().list().unwrap().is_empty());
    assert_eq!(f.vault.profiles().unwrap().len(), 2);
    let missing = "0".repeat(64);
    assert_eq!(
        f.vault.open_profile(&missing, &other).unwrap_err().code(),
        "profile_owner_mismatch"
    );
}

#[test]
fn a_wrong_master_key_is_rejected_cleanly() {
    let f = Fixture::new();
    let path = profile_json(&f);
    // Rewrap a different random key for the same certificate: it unwraps
    // fine, but SQLCipher must refuse it.
    let mut json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    let other = wrap_key_for(f.signer.certificate(), &DataKey::random().unwrap()).unwrap();
    json["wrapped_master_key"] = serde_json::to_value(other).unwrap();
    std::fs::write(&path, serde_json::to_vec(&json).unwrap()).unwrap();
    let err = f.vault.open(&f.signer).unwrap_err();
    assert!(matches!(err, StoreError::KeyRejected), "{err:?}");
    assert_eq!(err.code(), "store_key_rejected");
}

#[test]
fn a_damaged_wrapped_key_or_profile_has_a_stable_code() {
    let f = Fixture::new();
    let path = profile_json(&f);
    let original = std::fs::read(&path).unwrap();
    let mut json: serde_json::Value = serde_json::from_slice(&original).unwrap();
    json["wrapped_master_key"]["ct"] = "AAAA".into();
    std::fs::write(&path, serde_json::to_vec(&json).unwrap()).unwrap();
    assert_eq!(f.vault.open(&f.signer).unwrap_err().code(), "unwrap_failed");

    std::fs::write(&path, b"{ not json").unwrap();
    let err = f.vault.open(&f.signer).unwrap_err();
    assert_eq!(err.code(), "profile_damaged");
    assert!(
        f.vault.profiles().unwrap().is_empty(),
        "damaged profiles are not listed"
    );

    // Someone else's certificate in the file: the fingerprint no longer matches the folder.
    let mut json: serde_json::Value = serde_json::from_slice(&original).unwrap();
    let other = identity("王强", "E003");
    let pem = String::from_utf8(other.certificate().to_pem().unwrap()).unwrap();
    json["chain_pem"] = pem.into();
    std::fs::write(&path, serde_json::to_vec(&json).unwrap()).unwrap();
    assert_eq!(
        f.vault.open(&f.signer).unwrap_err().code(),
        "profile_damaged"
    );

    std::fs::write(&path, &original).unwrap();
    f.open();
}

#[test]
fn a_second_open_of_the_same_profile_is_store_locked() {
    let f = Fixture::new();
    let first = f.open();
    let err = f.vault.open(&f.signer).unwrap_err();
    assert_eq!(err.code(), "store_locked");
    assert!(err.message_zh().contains("另一个"));
    drop(first);
    f.open();
}

#[test]
fn person_info_and_schema_version_persist() {
    let f = Fixture::new();
    {
        let mut store = f.open();
        store
            .set_person(PersonInfo {
                id: Some("E002".into()),
                name: Some("李娜".into()),
                role: Some("panel_leader".into()),
            })
            .unwrap();
    }
    let listed = Vault::new(f.dir.path()).profiles().unwrap();
    assert_eq!(listed[0].person.role.as_deref(), Some("panel_leader"));
    assert_eq!(SCHEMA_VERSION, 5);
}

#[test]
fn a_database_without_its_profile_is_set_aside() {
    let f = Fixture::new();
    let fp = f.open().profile().fingerprint;
    let dir = f.vault.profile_dir(&fp);
    std::fs::remove_file(dir.join("profile.json")).unwrap();
    let store = f.open();
    assert!(store.projects().list().unwrap().is_empty());
    let aside = std::fs::read_dir(&dir)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .starts_with("store.db.orphaned-")
        })
        .count();
    assert!(aside >= 1, "the unreadable database was kept aside");
}
