//! Purging an archived project leaves no trace of its documents: not in any
//! file under the profile (raw bytes: database, WAL, SHM, blobs), and not in
//! any page of the database once decrypted with the key (free pages
//! included), while other projects, receipts and the witness log stay.

use crate::common::{all_files, contains, files_containing, Fixture};
use openssl::symm::{Cipher, Crypter, Mode};
use pingshen_pki::{Signer, WrappedKey};
use pingshen_store::{
    AnnotationKind, BlobReader, BlobWriter, DraftInput, ManifestEntry, NewSubmission,
    NewWitnessEntry, PageInput, ProjectPart, Query, Store,
};
use std::path::Path;
use time::OffsetDateTime;

const P: &str = "JA-2026-0117";
const Q: &str = "JA-2026-0999";
/// In project P's document, page text, note and draft reason.
const MARKER: &str = "鑫盛路桥独有技术暗标甲";
/// In project Q only (no character in common with MARKER).
const KEEP: &str = "汉口江滩保留文本乙";

fn fill(store: &Store, project: &str, text: &str) {
    let docs = store.documents();
    docs.upsert(&ManifestEntry {
        project: project.into(),
        file_id: "bid-B01.pdf".into(),
        bidder: Some("B01".into()),
        kind: "bid".into(),
        name: "投标文件".into(),
        size: 0,
        sha256: "00".into(),
        sm3: "00".into(),
    })
    .unwrap();
    let page_text = format!("第三章 施工方案：{text}，工期360日历天。");
    docs.index_pages(
        project,
        "bid-B01.pdf",
        [PageInput {
            number: 1,
            text: &page_text,
        }],
    )
    .unwrap();
    let mut w = BlobWriter::create(store, project, "bid-B01.pdf").unwrap();
    w.write(format!("%PDF-1.7 BT ({text}) Tj ET").as_bytes())
        .unwrap();
    w.finish().unwrap();
    // A second download still in progress.
    let mut part = BlobWriter::create(store, project, "bid-B02.pdf").unwrap();
    part.write(&vec![b'x'; 70_000]).unwrap();
    drop(part);
    store
        .annotations()
        .add(
            project,
            "bid-B01.pdf",
            1,
            AnnotationKind::Note,
            &format!("注意：{text}"),
        )
        .unwrap();
    store
        .drafts()
        .upsert(
            project,
            &DraftInput {
                sheet_kind: "detailed",
                bidder: "B01",
                item: "construction_plan",
                value: "8",
                reason: &format!("方案采用{text}"),
            },
        )
        .unwrap();
    store
        .projects()
        .put(
            project,
            ProjectPart::Manifest,
            r#"{"files":["bid-B01.pdf"]}"#,
        )
        .unwrap();
}

fn deliver(store: &Store, project: &str, id: &str) {
    let now = OffsetDateTime::now_utc();
    let sub = NewSubmission {
        submission_id: id,
        kind: "score_sheet",
        project,
        endpoint: "/api/v1/sheets",
        body: b"{\"signed\":true}",
    };
    store.outbox().enqueue(&sub, now).unwrap();
    store.outbox().mark_delivered(id, b"receipt", now).unwrap();
}

/// Decrypts every page of a SQLCipher 4 database (raw key, 4096-byte pages,
/// 80 reserved bytes: IV then HMAC) and returns the plaintext of all pages,
/// free pages included. The HMAC is not checked: this only reads.
fn decrypt_all_pages(db: &Path, key: &[u8; 32]) -> Vec<u8> {
    const PAGE: usize = 4096;
    const RESERVE: usize = 80;
    let bytes = std::fs::read(db).unwrap();
    assert_eq!(bytes.len() % PAGE, 0);
    let mut out = Vec::with_capacity(bytes.len());
    for (i, page) in bytes.chunks(PAGE).enumerate() {
        let start = if i == 0 { 16 } else { 0 }; // page 1 starts with the salt
        let iv = &page[PAGE - RESERVE..PAGE - RESERVE + 16];
        let mut c = Crypter::new(Cipher::aes_256_cbc(), Mode::Decrypt, key, Some(iv)).unwrap();
        c.pad(false);
        let data = &page[start..PAGE - RESERVE];
        let mut plain = vec![0u8; data.len() + 16];
        let n = c.update(data, &mut plain).unwrap();
        plain.truncate(n);
        if i == 0 {
            // Bytes 16..18 of the SQLite header: the page size, big-endian.
            assert_eq!(&plain[..2], &[0x10, 0x00], "decryption works");
        }
        out.extend_from_slice(&plain);
    }
    out
}

fn master_key(f: &Fixture, profile: &Path) -> [u8; 32] {
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(profile.join("profile.json")).unwrap()).unwrap();
    let wrapped: WrappedKey = serde_json::from_value(json["wrapped_master_key"].clone()).unwrap();
    *f.signer.unwrap_key(&wrapped).unwrap().expose()
}

#[test]
fn purge_leaves_no_document_text_anywhere() {
    let f = Fixture::new();
    let profile = {
        let store = f.open();
        fill(&store, P, MARKER);
        fill(&store, Q, KEEP);
        deliver(&store, P, "sub-p");
        store
            .witness_log()
            .append(
                P,
                &NewWitnessEntry {
                    seq: 1,
                    entry_id: "w1",
                    envelope: b"{}",
                    entry_hash: "h1",
                    prev_hash: None,
                },
            )
            .unwrap();
        // While open (WAL and SHM present): no plaintext in any raw file.
        assert!(files_containing(f.dir.path(), MARKER.as_bytes()).is_empty());
        store.dir().to_path_buf()
    };
    let key = master_key(&f, &profile);
    // Positive control: decrypted, the database does hold the text before the purge.
    let before = decrypt_all_pages(&profile.join("store.db"), &key);
    assert!(contains(&before, MARKER.as_bytes()));
    assert!(contains(&before, KEEP.as_bytes()));

    let store = f.open();
    let report = store.purge_project(P).unwrap();
    assert_eq!(
        (
            report.documents,
            report.pages,
            report.annotations,
            report.drafts
        ),
        (1, 1, 1, 1)
    );
    // After the purge, while still open: raw bytes of every file, WAL truncated.
    assert!(files_containing(f.dir.path(), MARKER.as_bytes()).is_empty());
    let wal = profile.join("store.db-wal");
    assert_eq!(std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0), 0);
    assert!(!profile.join("blobs").join(P).exists());
    let leftover: Vec<_> = all_files(&profile)
        .into_iter()
        .filter(|p| p.to_string_lossy().contains(P))
        .collect();
    assert!(leftover.is_empty(), "{leftover:?}");
    // Decrypted, every page (free pages too): the text is gone.
    let after = decrypt_all_pages(&profile.join("store.db"), &key);
    assert!(!contains(&after, MARKER.as_bytes()));
    assert!(
        contains(&after, KEEP.as_bytes()),
        "the other project is untouched"
    );

    // Through the API: P is gone, Q is intact, receipts and the witness log stay.
    assert!(store.documents().list(P).unwrap().is_empty());
    assert!(store
        .documents()
        .search(P, &Query::new("工期"))
        .unwrap()
        .is_empty());
    assert!(store.annotations().list(P, None).unwrap().is_empty());
    assert!(store.drafts().list(P).unwrap().is_empty());
    assert!(store.projects().get(P).unwrap().is_none());
    assert_eq!(
        BlobReader::open(&store, P, "bid-B01.pdf")
            .unwrap_err()
            .code(),
        "not_found"
    );
    assert_eq!(
        store.receipts().get("sub-p").unwrap().unwrap().receipt,
        b"receipt"
    );
    assert_eq!(store.witness_log().list(P).unwrap().len(), 1);
    assert_eq!(
        store
            .documents()
            .search(Q, &Query::new(KEEP))
            .unwrap()
            .len(),
        1
    );
    let mut r = BlobReader::open(&store, Q, "bid-B01.pdf").unwrap();
    assert!(contains(&r.read_all().unwrap(), KEEP.as_bytes()));
    assert_eq!(store.drafts().list(Q).unwrap().len(), 1);
    // Purging again is harmless.
    assert_eq!(store.purge_project(P).unwrap().documents, 0);
}

#[test]
fn purge_waits_for_undelivered_submissions() {
    let f = Fixture::new();
    let store = f.open();
    fill(&store, P, MARKER);
    let sub = NewSubmission {
        submission_id: "pending-1",
        kind: "score_sheet",
        project: P,
        endpoint: "/api/v1/sheets",
        body: b"{}",
    };
    store
        .outbox()
        .enqueue(&sub, OffsetDateTime::now_utc())
        .unwrap();
    let err = store.purge_project(P).unwrap_err();
    assert_eq!(err.code(), "purge_blocked");
    assert_eq!(
        store.documents().list(P).unwrap().len(),
        1,
        "nothing was deleted"
    );
    store
        .outbox()
        .mark_delivered("pending-1", b"r", OffsetDateTime::now_utc())
        .unwrap();
    store.purge_project(P).unwrap();
    assert!(store.documents().list(P).unwrap().is_empty());
}
