//! The witness's log against the real platform: entries recorded online and
//! offline reach the platform in order, exactly once, across a platform
//! restart; a resync sends nothing again; an attachment is kept encrypted
//! (its bytes appear nowhere on disk) and the signed entry commits to its
//! hash; the platform's export of the log verifies.

use base64::Engine;
use pingshen_api::ipc::{WitnessDraft, WitnessUpload};
use pingshen_app::witness;
use pingshen_client::{sign_challenge, PlatformClient};
use pingshen_pki::{Pkcs12Signer, Signer};
use pingshen_platform::RunningPlatform;
use pingshen_store::Vault;
use std::sync::{Arc, Mutex};
use time::OffsetDateTime;

const DEMO: &str = "JA-2026-0117";

fn draft(category: &str, text: &str, attachments: Vec<WitnessUpload>) -> WitnessDraft {
    WitnessDraft {
        stage: "preliminary_review".into(),
        category: category.into(),
        text: text.into(),
        attachments,
        corrects: None,
    }
}

fn files_under(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(files_under(&path));
        } else {
            out.push(path);
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn entries_made_offline_sync_later_in_order_exactly_once() {
    let platform_dir = tempfile::tempdir().unwrap();
    let app_dir = tempfile::tempdir().unwrap();
    let platform = RunningPlatform::start_demo(platform_dir.path())
        .await
        .unwrap();
    let signer = Pkcs12Signer::from_file(&platform.demo_p12("W001"), "pingshen-demo").unwrap();
    let chain: Vec<Vec<u8>> = signer.chain().iter().map(|c| c.to_der().unwrap()).collect();
    let (client, _) = PlatformClient::new(&platform.url())
        .unwrap()
        .login(&chain, |c| sign_challenge(&signer, c))
        .await
        .unwrap();
    let store = Arc::new(Mutex::new(
        Vault::new(app_dir.path()).open(&signer).unwrap(),
    ));
    let pki_dir = platform.state.pki.dir.clone();
    let trust = pingshen_app::PlatformTrust::new(
        pingshen_pki::demo::load_trust(&pki_dir).unwrap(),
        pingshen_pki::demo::platform_pins(&pki_dir).unwrap(),
    );

    // The platform's clock offset is measured and the page lists nothing yet.
    let page = witness::page(&store, Some((&client, &trust)), DEMO, None)
        .await
        .unwrap();
    assert!(page.online);
    assert!(page.clock_offset_ms.unwrap().abs() < 5_000);
    assert!(page.entries.is_empty());

    // Online: one entry with a photo.
    let photo: Vec<u8> = b"JPEG-ish photo bytes that must never be on disk in the clear"
        .iter()
        .cycle()
        .take(50_000)
        .copied()
        .collect();
    let upload = WitnessUpload {
        name: "现场照片.jpg".into(),
        media_type: "image/jpeg".into(),
        base64: base64::engine::general_purpose::STANDARD.encode(&photo),
    };
    {
        let s = store.lock().unwrap();
        let e = witness::record(
            &s,
            &signer,
            DEMO,
            "W001",
            &draft("communication_device", "专家使用手机", vec![upload]),
            page.clock_offset_ms.unwrap(),
            OffsetDateTime::now_utc(),
        )
        .unwrap();
        assert_eq!(e.seq, 1);
        assert_eq!(e.attachments[0].1, photo.len() as u64);
    }
    let first = witness::sync(&store, &client, &trust, DEMO).await.unwrap();
    assert_eq!((first.sent, first.pending), (1, 0));

    // Offline: the platform stops; two more entries are signed and kept.
    let data_dir = platform.state.data_dir.clone();
    let pki = platform.state.pki.dir.clone();
    let trust_dir = pki.clone();
    platform.stop().await;
    for text in ["评审恢复正常", "评标委员会进入详细评审"] {
        let s = store.lock().unwrap();
        witness::record(
            &s,
            &signer,
            DEMO,
            "W001",
            &draft("normal", text, Vec::new()),
            0,
            OffsetDateTime::now_utc(),
        )
        .unwrap();
    }
    let offline = witness::sync(&store, &client, &trust, DEMO).await.unwrap();
    assert!(offline.offline);
    assert_eq!(offline.pending, 2);
    let page = witness::page(&store, Some((&client, &trust)), DEMO, Some(-250))
        .await
        .unwrap();
    assert!(!page.online, "the cached project is shown offline");
    assert_eq!(page.clock_offset_ms, Some(-250));
    assert_eq!(page.unsynced, 2);

    // Back (same data, new port): the two wait no longer, in order.
    let back = RunningPlatform::start_with(
        pingshen_platform::AppState::open(&pingshen_platform::Config {
            data_dir,
            pki_dir: pki,
            platform_name: "测试平台".into(),
            demo: true,
        })
        .unwrap(),
    )
    .await
    .unwrap();
    let client = client.with_base_url(&back.url()).unwrap();
    let later = witness::sync(&store, &client, &trust, DEMO).await.unwrap();
    assert_eq!((later.sent, later.pending), (2, 0));
    let again = witness::sync(&store, &client, &trust, DEMO).await.unwrap();
    assert_eq!(again.sent, 0, "nothing is sent twice");

    let log = client.witness_log(DEMO, None).await.unwrap();
    let seqs: Vec<u64> = log.entries.iter().map(|e| e.seq).collect();
    assert_eq!(seqs, [1, 2, 3]);
    let local: Vec<String> = witness::list(&store.lock().unwrap(), DEMO)
        .unwrap()
        .into_iter()
        .map(|e| e.entry_hash)
        .collect();
    let remote: Vec<String> = log.entries.iter().map(|e| e.entry_hash.clone()).collect();
    assert_eq!(local, remote, "the platform holds the same chain");

    // The exported log verifies as a whole against the demo CAs.
    let export = client.witness_export(DEMO, None).await.unwrap();
    let cas = pingshen_pki::demo::load_trust(&trust_dir).unwrap();
    let pins = pingshen_pki::PlatformPins::one(&back.state.pki.fingerprint()).unwrap();
    let verdict = pingshen_witness::verify_export(
        &export,
        &pingshen_witness::pki::TrustVerifier {
            trust: &cas,
            at: Some(OffsetDateTime::now_utc()),
            platform: &pins,
        },
    );
    assert!(verdict.is_ok(), "{:?}", verdict.err());

    // The witness report: deterministic, and its signature names its hash.
    let reports = tempfile::tempdir().unwrap();
    let who = pingshen_app::witness_report::WitnessSigner {
        id: "W001",
        name: "赵敏",
        issuer: "SM-CA 国密 二级CA（DEMO）",
        algorithm: "SM2SM3",
    };
    let at = OffsetDateTime::now_utc();
    let files = {
        let s = store.lock().unwrap();
        pingshen_app::witness_report::make(&s, &signer, DEMO, &who, reports.path(), at).unwrap()
    };
    assert_eq!(files.entries, 3);
    let pdf = std::fs::read(&files.pdf).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    {
        use sha2::Digest;
        assert_eq!(hex::encode(sha2::Sha256::digest(&pdf)), files.sha256);
    }
    let again = {
        let s = store.lock().unwrap();
        let entries = witness::list(&s, DEMO).unwrap();
        pingshen_app::witness_report::render(
            &serde_json::from_str(
                &s.projects()
                    .get(DEMO)
                    .unwrap()
                    .unwrap()
                    .detail_json
                    .unwrap(),
            )
            .unwrap(),
            &who,
            &entries,
            at,
        )
        .unwrap()
    };
    assert_eq!(again, pdf, "the same log renders to the same bytes");
    let verified = pingshen_pki::verify_envelope(
        &cas,
        &std::fs::read(&files.signature).unwrap(),
        &pingshen_pki::VerifyOptions {
            at: None,
            expected_typ: Some(pingshen_api::WITNESS_REPORT_TYP.into()),
        },
    )
    .unwrap();
    let signed: pingshen_api::WitnessReportSignature =
        serde_json::from_slice(&verified.payload_bytes).unwrap();
    assert_eq!(signed.report_sha256, files.sha256);
    assert_eq!(signed.entries, 3);
    assert_eq!(signed.last_entry_hash, remote[2]);

    // The photo's bytes are nowhere on disk in the clear.
    let needle = &photo[..40];
    for file in files_under(app_dir.path()) {
        let bytes = std::fs::read(&file).unwrap();
        assert!(
            !bytes.windows(needle.len()).any(|w| w == needle),
            "plaintext attachment in {}",
            file.display()
        );
    }
}
