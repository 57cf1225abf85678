//! Sync against the real sandbox: every document arrives verified and
//! indexed; a connection cut mid-file resumes without refetching whole
//! chunks; a tampered file or manifest is refused.

use crate::common::{extractor, world, DEMO};
use pingshen_api::{SignedEnvelope, MANIFEST_TYP};
use pingshen_app::sync::{fetch_manifest, sync_project, SyncProgress};
use pingshen_store::{BlobWriter, DocState, Query, CHUNK_LEN};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn quiet() -> Arc<dyn Fn(SyncProgress) + Send + Sync> {
    Arc::new(|_| {})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn all_documents_arrive_verified_indexed_and_searchable() {
    let w = world("E001").await;
    let seen = Arc::new(Mutex::new(Vec::new()));
    let s = seen.clone();
    let report = sync_project(
        &w.ctx,
        DEMO,
        extractor(),
        Arc::new(move |p| s.lock().unwrap().push(p)),
    )
    .await
    .unwrap();
    assert_eq!(report.files, 7);
    assert_eq!(report.verified, 7, "{report:?}");
    assert!(report.failed.is_empty());
    assert_eq!(report.indexed, 7);
    let progress = seen.lock().unwrap();
    let last_download = progress
        .iter()
        .filter(|p| p.phase == pingshen_app::sync::SyncPhase::Downloading)
        .last()
        .unwrap();
    assert_eq!(last_download.bytes_done, last_download.bytes_total);
    assert!(last_download.bytes_total > 1_000_000);

    let store = w.ctx.store.lock().unwrap();
    // Chinese search works on the synced text, 2 and 4 characters.
    for term in ["工期", "质量保证"] {
        let hits = store.documents().search(DEMO, &Query::new(term)).unwrap();
        assert!(!hits.is_empty(), "{term}");
    }
    let hits = store
        .documents()
        .search(DEMO, &Query::new("低副").bidder("B03"))
        .unwrap();
    assert!(!hits.is_empty(), "the planted typo is searchable");
    drop(store);

    // A second sync fetches nothing.
    let again = sync_project(&w.ctx, DEMO, extractor(), quiet())
        .await
        .unwrap();
    assert_eq!(again.bytes_fetched, 0);
    assert_eq!(again.indexed, 0);
}

/// Forwards 127.0.0.1 connections to `upstream` until `budget` response
/// bytes have passed in total, then cuts every connection.
async fn cutting_proxy(upstream: std::net::SocketAddr, budget: u64) -> std::net::SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let passed = Arc::new(AtomicU64::new(0));
    tokio::spawn(async move {
        while let Ok((mut down, _)) = listener.accept().await {
            let passed = passed.clone();
            tokio::spawn(async move {
                let Ok(mut up) = tokio::net::TcpStream::connect(upstream).await else {
                    return;
                };
                let (mut ur, mut uw) = up.split();
                let (mut dr, mut dw) = down.split();
                let to_up = async {
                    let mut buf = [0u8; 8192];
                    loop {
                        match dr.read(&mut buf).await {
                            Ok(0) | Err(_) => break,
                            Ok(n) => {
                                if uw.write_all(&buf[..n]).await.is_err() {
                                    break;
                                }
                            }
                        }
                    }
                };
                let to_down = async {
                    let mut buf = [0u8; 8192];
                    loop {
                        match ur.read(&mut buf).await {
                            Ok(0) | Err(_) => break,
                            Ok(n) => {
                                let before = passed.fetch_add(n as u64, Ordering::SeqCst);
                                if before + n as u64 > budget {
                                    break;
                                }
                                if dw.write_all(&buf[..n]).await.is_err() {
                                    break;
                                }
                            }
                        }
                    }
                };
                tokio::select! { _ = to_up => {}, _ = to_down => {} }
            });
        }
    });
    addr
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cut_connection_resumes_without_refetching_stored_chunks() {
    let w = world("E002").await;
    let proxy = cutting_proxy(w.platform.addr, 900_000).await;
    let mut cut_ctx = w.ctx.clone();
    let token_client = w.ctx.client.clone();
    cut_ctx.client = token_client
        .with_base_url(&format!("http://{proxy}"))
        .unwrap();

    let received = Arc::new(AtomicU64::new(0));
    let r = received.clone();
    let err = sync_project(
        &cut_ctx,
        DEMO,
        extractor(),
        Arc::new(move |p: SyncProgress| {
            if p.phase == pingshen_app::sync::SyncPhase::Downloading {
                r.store(p.bytes_done, Ordering::SeqCst)
            }
        }),
    )
    .await
    .unwrap_err();
    // Cut mid-body (interrupted) or refused afterwards (unreachable):
    // either way an offline error the desktop retries later.
    assert!(
        matches!(
            err.code.as_str(),
            "platform_interrupted" | "platform_unreachable"
        ),
        "{err:?}"
    );

    // What survived the cut: verified files whole, partial ones in whole chunks.
    let (stored, partial_files, total) = {
        let store = w.ctx.store.lock().unwrap();
        let docs = store.documents().list(DEMO).unwrap();
        let mut stored = 0u64;
        let mut partial = 0;
        for d in &docs {
            match d.state {
                DocState::Verified => stored += d.entry.size,
                _ => {
                    let writer = BlobWriter::resume(&store, DEMO, &d.entry.file_id).unwrap();
                    if writer.stored_len() > 0 {
                        partial += 1;
                    }
                    stored += writer.stored_len();
                }
            }
        }
        (
            stored,
            partial,
            docs.iter().map(|d| d.entry.size).sum::<u64>(),
        )
    };
    let got = received.load(Ordering::SeqCst);
    assert!(partial_files >= 1, "the cut fell inside at least one file");
    assert!(stored > 0 && stored < total);
    // Each file in flight loses less than one chunk.
    assert!(
        got - stored < pingshen_app::sync::CONCURRENT_DOWNLOADS as u64 * CHUNK_LEN as u64,
        "received {got}, stored {stored}"
    );

    // Resume directly: only what was not stored is fetched.
    let report = sync_project(&w.ctx, DEMO, extractor(), quiet())
        .await
        .unwrap();
    assert_eq!(report.verified, 7, "{report:?}");
    assert_eq!(report.bytes_fetched, total - stored);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tampered_file_is_fetched_again_then_refused_by_name() {
    let w = world("E003").await;
    let manifest = fetch_manifest(&w.ctx, DEMO).await.unwrap();
    let victim = manifest
        .files
        .iter()
        .find(|f| f.file_id == "bid-B04")
        .unwrap();
    // Someone alters the stored bid on the platform's disk.
    let path = pingshen_platform::files::path(&w.platform.state.data_dir, &victim.sha256);
    let mut bytes = std::fs::read(&path).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x55;
    std::fs::write(&path, bytes).unwrap();

    let report = sync_project(&w.ctx, DEMO, extractor(), quiet())
        .await
        .unwrap();
    assert_eq!(report.verified, 6);
    assert_eq!(report.failed.len(), 1);
    assert_eq!(report.failed[0].file_id, "bid-B04");
    assert_eq!(report.failed[0].code.as_str(), "file_mismatch");
    assert!(report.failed[0]
        .message
        .contains("湖北荆楚交通工程有限公司"));
    let store = w.ctx.store.lock().unwrap();
    let doc = store.documents().get(DEMO, "bid-B04").unwrap().unwrap();
    assert_eq!(doc.state, DocState::Failed);
    // Never shown: it cannot be opened.
    assert!(pingshen_store::BlobReader::open(&store, DEMO, "bid-B04").is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tampered_or_foreign_manifest_is_refused() {
    let w = world("E004").await;
    let env = w.ctx.client.manifest(DEMO).await.unwrap();
    w.ctx
        .trust
        .verify_platform_document(&env, MANIFEST_TYP)
        .unwrap();

    // Change one hash in the payload: the signature no longer holds.
    let mut payload: serde_json::Value =
        serde_json::from_slice(&base64_url_decode(&env.payload)).unwrap();
    payload["files"][1]["sha256"] = "00".repeat(32).into();
    let forged = SignedEnvelope {
        payload: base64_url_encode(&pingshen_pki::jcs::to_canonical(&payload).unwrap()),
        ..env.clone()
    };
    let err = w
        .ctx
        .trust
        .verify_platform_document(&forged, MANIFEST_TYP)
        .unwrap_err();
    assert_eq!(err.code.as_str(), "signature_invalid");

    // A manifest signed by an expert (valid certificate, wrong signer).
    let by_expert = pingshen_client::sign_document(&w.signer, MANIFEST_TYP, &payload).unwrap();
    let err = w
        .ctx
        .trust
        .verify_platform_document(&by_expert, MANIFEST_TYP)
        .unwrap_err();
    assert_eq!(err.code.as_str(), "not_platform_signer");

    // A certificate that says it is the platform, issued by a recognised CA
    // (whose key an attacker obtained, or a CA misissuing): not the pinned
    // one, so refused by name.
    let pki = &w.platform.state.pki.dir;
    let inter = pingshen_pki::cert::parse_certs(
        &std::fs::read(pki.join("trust/hubei-ca-intermediate.pem")).unwrap(),
    )
    .unwrap()
    .remove(0);
    let ca_key = openssl::pkey::PKey::private_key_from_pem_passphrase(
        &std::fs::read(pki.join("ca/hubei-ca-intermediate.key.pem")).unwrap(),
        b"pingshen-demo",
    )
    .unwrap();
    use pingshen_pki::issue::{generate_key, issue_cert, CertSpec, Issuer, KeyKind, SubjectSpec};
    let key = generate_key(KeyKind::P256).unwrap();
    let now = time::OffsetDateTime::now_utc();
    let cert = issue_cert(
        &CertSpec::leaf(
            SubjectSpec {
                serial_number: Some("platform".into()),
                ..SubjectSpec::cn("评标平台")
            },
            now - time::Duration::days(1),
            now + time::Duration::days(30),
        ),
        &key,
        Some(&Issuer {
            cert: &inter,
            key: &ca_key,
        }),
    )
    .unwrap();
    let impostor = pingshen_pki::Pkcs12Signer::from_parts(key, cert, &[inter]).unwrap();
    let by_impostor = pingshen_client::sign_document(&impostor, MANIFEST_TYP, &payload).unwrap();
    let err = w
        .ctx
        .trust
        .verify_platform_document(&by_impostor, MANIFEST_TYP)
        .unwrap_err();
    assert_eq!(err.code.as_str(), "platform_cert_changed", "{err:?}");
}

fn base64_url_decode(s: &str) -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(s)
        .unwrap()
}

fn base64_url_encode(b: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b)
}
