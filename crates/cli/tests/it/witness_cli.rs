//! `pingshen verify --trust DIR WITNESS_EXPORT.json` on a log exported by an
//! in-process platform: an intact export passes (exit 0), and a removed,
//! reordered, inserted or altered entry is named (exit 1).

use pingshen_client::{sign_challenge, sign_witness_entry, PlatformClient};
use pingshen_pki::{Pkcs12Signer, Signer};
use pingshen_platform::RunningPlatform;
use pingshen_testkit::cli::{verify, write_json as write};
use pingshen_witness::{
    decode_unverified, next_entry, EntryDraft, EntryStamp, SealedEntry, SignedEnvelope,
    WitnessCategory, WitnessExport, WitnessStage,
};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::Command;

const DEMO: &str = "JA-2026-0117";

fn entry_after(head: Option<&SealedEntry>, text: &str) -> pingshen_witness::WitnessEntry {
    let stamp = EntryStamp {
        project_id: DEMO.into(),
        witness_id: "W001".into(),
        entry_id: uuid::Uuid::now_v7().to_string(),
        local_time: time::OffsetDateTime::now_utc(),
        clock_offset_ms: -300,
    };
    let draft = EntryDraft {
        stage: WitnessStage::DetailedReview,
        category: WitnessCategory::Normal,
        text: text.into(),
        attachments: vec![],
        corrects: None,
    };
    next_entry(
        head.map(|h| (h.entry.seq, h.entry_hash.as_str())),
        &stamp,
        draft,
    )
    .unwrap()
}

/// Syncs four entries as W001 and exports the log. Returns the export, the
/// entries, a forged fifth entry signed with W001's key, and the trust dir.
async fn exported_log(data: &Path) -> (WitnessExport, Vec<SealedEntry>, SealedEntry, PathBuf) {
    let platform = RunningPlatform::start_demo(data).await.unwrap();
    let w001 = Pkcs12Signer::from_file(&platform.demo_p12("W001"), "pingshen-demo").unwrap();
    let chain: Vec<Vec<u8>> = w001.chain().iter().map(|c| c.to_der().unwrap()).collect();
    let (witness, _) = PlatformClient::new(&platform.url())
        .unwrap()
        .login(&chain, |c| sign_challenge(&w001, c))
        .await
        .unwrap();
    let mut entries: Vec<SealedEntry> = Vec::new();
    for i in 1..=4 {
        let e = entry_after(entries.last(), &format!("第 {i} 条：评审秩序正常"));
        entries.push(sign_witness_entry(&w001, &e).unwrap());
    }
    let envelopes: Vec<SignedEnvelope> = entries.iter().map(|e| e.envelope.clone()).collect();
    witness.sync_witness_log(DEMO, &envelopes).await.unwrap();
    let export = witness.witness_export(DEMO, None).await.unwrap();
    let forged = sign_witness_entry(&w001, &entry_after(Some(&entries[1]), "事后补记")).unwrap();
    let trust = platform.state.pki.dir.join("trust");
    platform.stop().await;
    (export, entries, forged, trust)
}

fn entry_json(e: &SealedEntry, position: Option<usize>) -> Value {
    json!({ "seq": e.entry.seq, "entry_id": e.entry.entry_id, "position": position })
}

#[tokio::test]
async fn verify_passes_an_intact_export_and_names_each_tampered_entry() {
    let dir = tempfile::tempdir().unwrap();
    let (export, entries, forged, trust) = exported_log(&dir.path().join("data")).await;

    let intact = write(dir.path(), "intact.json", &export);
    let (code, out) = verify(&trust, &intact);
    assert_eq!(code, 0, "{out}");
    assert_eq!(out["ok"], true);
    assert_eq!(out["code"], "intact");
    assert_eq!(out["entry"], Value::Null);
    assert!(out["message"].as_str().unwrap().contains("4 条"), "{out}");

    // Without the platform's pinned certificate the receipts prove nothing.
    let out = Command::new(env!("CARGO_BIN_EXE_pingshen"))
        .args(["verify", "--trust"])
        .arg(&trust)
        .arg(&intact)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["code"], "platform_cert_required", "{json}");

    // Re-indenting the file changes no hash.
    let pretty = dir.path().join("pretty.json");
    std::fs::write(&pretty, serde_json::to_string_pretty(&export).unwrap()).unwrap();
    assert_eq!(verify(&trust, &pretty).0, 0);

    let mut removed = export.clone();
    removed.entries.remove(1);
    let (code, out) = verify(&trust, &write(dir.path(), "removed.json", &removed));
    assert_eq!((code, &out["code"]), (1, &json!("removed")), "{out}");
    assert_eq!(out["entry"], entry_json(&entries[1], None));

    let mut reordered = export.clone();
    reordered.entries.swap(1, 2);
    let (code, out) = verify(&trust, &write(dir.path(), "reordered.json", &reordered));
    assert_eq!((code, &out["code"]), (1, &json!("reordered")), "{out}");
    assert_eq!(out["entry"], entry_json(&entries[2], Some(2)));

    let mut inserted = export.clone();
    inserted.entries.insert(2, forged.envelope.clone());
    let (code, out) = verify(&trust, &write(dir.path(), "inserted.json", &inserted));
    assert_eq!((code, &out["code"]), (1, &json!("inserted")), "{out}");
    assert_eq!(out["entry"], entry_json(&forged, Some(3)));

    let mut altered = export.clone();
    let mut changed = decode_unverified(&altered.entries[2]).unwrap();
    changed.text = "第 3 条：有专家使用手机".into();
    altered.entries[2].payload = {
        use base64::Engine;
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(serde_json::to_vec(&changed).unwrap())
    };
    let (code, out) = verify(&trust, &write(dir.path(), "altered.json", &altered));
    assert_eq!((code, &out["code"]), (1, &json!("altered")), "{out}");
    assert_eq!(out["entry"], entry_json(&entries[2], Some(3)));

    // Every message is Chinese and names the entry.
    assert!(out["message"].as_str().unwrap().contains("序号 3"), "{out}");

    // A single envelope is still verified as an envelope.
    let att = write(dir.path(), "attestation.json", &export.attestation);
    let (code, out) = verify(&trust, &att);
    assert_eq!((code, &out["code"]), (0, &json!("ok")), "{out}");
    assert_eq!(out["person_id"], "platform");
}

#[test]
fn a_broken_export_is_refused_with_a_code() {
    let dir = tempfile::tempdir().unwrap();
    let trust = dir.path().join("trust");
    std::fs::create_dir(&trust).unwrap();
    let file = write(
        dir.path(),
        "broken.json",
        &json!({ "format": "pingshen.witness-export/1", "entries": 3 }),
    );
    let (code, out) = verify(&trust, &file);
    assert_eq!(code, 1, "{out}");
    assert_eq!(out["ok"], false);
    assert_eq!(out["code"], "bad_export");
    assert_eq!(out["entry"], Value::Null);
    assert!(!out["message"].as_str().unwrap().is_empty());
}
