//! The typed tables: project cache, documents and search, notes and
//! bookmarks, drafts and sheets, outbox, receipts, witness log.

use crate::common::Fixture;
use pingshen_store::{
    AnnotationKind, DocState, DraftInput, Enqueued, ManifestEntry, NewSubmission, NewWitnessEntry,
    OutboxState, PageInput, PdfInfo, ProjectPart, Query, SheetState,
};
use time::macros::datetime;
use time::Duration;

const P: &str = "JA-2026-0117";

fn manifest_entry(project: &str, file_id: &str, bidder: Option<&str>, sha: &str) -> ManifestEntry {
    ManifestEntry {
        project: project.into(),
        file_id: file_id.into(),
        bidder: bidder.map(Into::into),
        kind: if bidder.is_some() { "bid" } else { "tender" }.into(),
        name: format!("{file_id} 名称"),
        size: 1000,
        sha256: sha.into(),
        sm3: format!("sm3-{sha}"),
    }
}

#[test]
fn project_cache_keeps_each_json_part() {
    let f = Fixture::new();
    let store = f.open();
    let projects = store.projects();
    projects
        .put(P, ProjectPart::Detail, r#"{"id":"JA-2026-0117"}"#)
        .unwrap();
    projects
        .put(P, ProjectPart::Manifest, r#"{"files":[]}"#)
        .unwrap();
    projects
        .put(P, ProjectPart::Detail, r#"{"id":"JA-2026-0117","v":2}"#)
        .unwrap();
    let cached = projects.get(P).unwrap().unwrap();
    assert_eq!(
        cached.detail_json.as_deref(),
        Some(r#"{"id":"JA-2026-0117","v":2}"#)
    );
    assert_eq!(cached.manifest_json.as_deref(), Some(r#"{"files":[]}"#));
    assert_eq!(cached.rules_json, None);
    assert_eq!(projects.list().unwrap(), vec![P.to_string()]);
    assert!(projects.get("other").unwrap().is_none());
    let err = projects.put(P, ProjectPart::Rules, "{oops").unwrap_err();
    assert_eq!(err.code(), "invalid_json");
    assert_eq!(
        projects
            .put("../x", ProjectPart::Rules, "{}")
            .unwrap_err()
            .code(),
        "invalid_id"
    );
}

#[test]
fn documents_track_state_and_a_changed_manifest_resets_it() {
    let f = Fixture::new();
    let store = f.open();
    let docs = store.documents();
    docs.upsert(&manifest_entry(P, "bid-B02.pdf", Some("B02"), "aa"))
        .unwrap();
    docs.upsert(&manifest_entry(P, "tender.pdf", None, "tt"))
        .unwrap();
    docs.upsert(&manifest_entry(P, "bid-B01.pdf", Some("B01"), "bb"))
        .unwrap();
    let order: Vec<_> = docs
        .list(P)
        .unwrap()
        .into_iter()
        .map(|d| d.entry.file_id)
        .collect();
    assert_eq!(order, ["tender.pdf", "bid-B01.pdf", "bid-B02.pdf"]);

    docs.set_state(P, "bid-B01.pdf", DocState::Verified)
        .unwrap();
    let d = docs.get(P, "bid-B01.pdf").unwrap().unwrap();
    assert_eq!(d.state, DocState::Verified);
    assert_eq!(
        d.blob_path.as_deref(),
        Some("blobs/JA-2026-0117/bid-B01.pdf.enc")
    );
    // Same manifest entry again: state kept.
    docs.upsert(&manifest_entry(P, "bid-B01.pdf", Some("B01"), "bb"))
        .unwrap();
    assert_eq!(
        docs.get(P, "bid-B01.pdf").unwrap().unwrap().state,
        DocState::Verified
    );
    // New digest: the local copy no longer counts.
    docs.upsert(&manifest_entry(P, "bid-B01.pdf", Some("B01"), "cc"))
        .unwrap();
    let d = docs.get(P, "bid-B01.pdf").unwrap().unwrap();
    assert_eq!((d.state, d.blob_path), (DocState::Missing, None));

    docs.set_pdf_info(
        P,
        "tender.pdf",
        &PdfInfo {
            metadata_json: Some(r#"{"author":"张三"}"#.into()),
            outline_json: Some(r#"[{"title":"第一章","page":1}]"#.into()),
            page_count: Some(12),
        },
    )
    .unwrap();
    let info = docs.pdf_info(P, "tender.pdf").unwrap();
    assert_eq!(info.page_count, Some(12));
    assert_eq!(info.metadata_json.as_deref(), Some(r#"{"author":"张三"}"#));
    assert_eq!(
        docs.get(P, "tender.pdf").unwrap().unwrap().page_count,
        Some(12)
    );
    assert_eq!(
        docs.set_state(P, "nope.pdf", DocState::Failed)
            .unwrap_err()
            .code(),
        "not_found"
    );
    let bad_json = PdfInfo {
        metadata_json: Some("{".into()),
        outline_json: None,
        page_count: None,
    };
    assert_eq!(
        docs.set_pdf_info(P, "tender.pdf", &bad_json)
            .unwrap_err()
            .code(),
        "invalid_json"
    );
}

#[test]
fn search_is_scoped_to_the_project() {
    let f = Fixture::new();
    let store = f.open();
    let docs = store.documents();
    for project in [P, "OTHER-1"] {
        docs.upsert(&manifest_entry(project, "bid-B01.pdf", Some("B01"), "aa"))
            .unwrap();
        let text = format!("{project} 本工程计划工期360日历天");
        let pages = [PageInput {
            number: 3,
            text: &text,
        }];
        assert_eq!(docs.index_pages(project, "bid-B01.pdf", pages).unwrap(), 1);
    }
    let hits = docs.search(P, &Query::new("工期")).unwrap();
    assert_eq!(hits.len(), 1);
    assert_eq!((hits[0].doc.as_str(), hits[0].page), ("bid-B01.pdf", 3));
    assert_eq!(hits[0].bidder.as_deref(), Some("B01"));
    assert!(hits[0].snippet.contains(P));
    let only = docs
        .search(P, &Query::new("日历天").doc("bid-B01.pdf"))
        .unwrap();
    assert_eq!(only.len(), 1);
    assert!(docs
        .search("EMPTY", &Query::new("工期"))
        .unwrap()
        .is_empty());
    let pages = [PageInput {
        number: 1,
        text: "x",
    }];
    assert_eq!(
        docs.index_pages(P, "unknown.pdf", pages)
            .unwrap_err()
            .code(),
        "not_found"
    );
    docs.remove(P, "bid-B01.pdf").unwrap();
    assert!(docs.search(P, &Query::new("工期")).unwrap().is_empty());
    assert_eq!(
        docs.search("OTHER-1", &Query::new("工期")).unwrap().len(),
        1
    );
}

#[test]
fn notes_and_bookmarks_crud() {
    let f = Fixture::new();
    let store = f.open();
    store
        .documents()
        .upsert(&manifest_entry(P, "bid-B01.pdf", Some("B01"), "aa"))
        .unwrap();
    let notes = store.annotations();
    let n1 = notes
        .add(
            P,
            "bid-B01.pdf",
            5,
            AnnotationKind::Note,
            "工期承诺与招标文件不符",
        )
        .unwrap();
    let b1 = notes
        .add(
            P,
            "bid-B01.pdf",
            2,
            AnnotationKind::Bookmark,
            "项目经理业绩",
        )
        .unwrap();
    assert_eq!((n1.page, n1.kind), (5, AnnotationKind::Note));
    let listed: Vec<_> = notes
        .list(P, None)
        .unwrap()
        .into_iter()
        .map(|a| a.id)
        .collect();
    assert_eq!(listed, vec![b1.id, n1.id], "by page");
    let updated = notes.update_text(n1.id, "工期360天，符合").unwrap();
    assert_eq!(updated.text, "工期360天，符合");
    assert!(updated.updated_at >= n1.updated_at);
    notes.delete(b1.id).unwrap();
    assert_eq!(notes.list(P, Some("bid-B01.pdf")).unwrap().len(), 1);
    assert_eq!(notes.delete(b1.id).unwrap_err().code(), "not_found");
    assert_eq!(
        notes.update_text(9999, "x").unwrap_err().code(),
        "not_found"
    );
    assert_eq!(
        notes
            .add(P, "unknown.pdf", 1, AnnotationKind::Note, "x")
            .unwrap_err()
            .code(),
        "not_found"
    );
    assert_eq!(
        notes
            .add(P, "bid-B01.pdf", 0, AnnotationKind::Note, "x")
            .unwrap_err()
            .code(),
        "invalid_id"
    );
    // Notes go with their document.
    store.documents().remove(P, "bid-B01.pdf").unwrap();
    assert!(notes.get(n1.id).unwrap().is_none());
}

#[test]
fn drafts_upsert_and_freeze_when_the_sheet_is_submitted() {
    let f = Fixture::new();
    let store = f.open();
    let drafts = store.drafts();
    let input = |value: &'static str, reason: &'static str| DraftInput {
        sheet_kind: "detailed",
        bidder: "B01",
        item: "construction_plan",
        value,
        reason,
    };
    drafts.upsert(P, &input("8", "")).unwrap();
    drafts
        .upsert(P, &input("7.5", "进度计划不完整，扣0.5分"))
        .unwrap();
    let got = drafts
        .get(P, "detailed", "B01", "construction_plan")
        .unwrap()
        .unwrap();
    assert_eq!(
        (got.value.as_str(), got.reason.as_str()),
        ("7.5", "进度计划不完整，扣0.5分")
    );
    assert_eq!(drafts.list(P).unwrap().len(), 1);

    drafts
        .set_sheet_state(P, 1, SheetState::Editing, None)
        .unwrap();
    drafts.upsert(P, &input("7", "")).unwrap();
    let s = drafts
        .set_sheet_state(P, 1, SheetState::Submitted, Some("0193-sub-1"))
        .unwrap();
    assert_eq!(s.submission_id.as_deref(), Some("0193-sub-1"));
    let err = drafts.upsert(P, &input("9", "")).unwrap_err();
    assert_eq!(err.code(), "sheet_locked");
    assert_eq!(
        drafts
            .get(P, "detailed", "B01", "construction_plan")
            .unwrap()
            .unwrap()
            .value,
        "7"
    );
    // States only move forward; a new version reopens editing.
    assert_eq!(
        drafts
            .set_sheet_state(P, 1, SheetState::Editing, None)
            .unwrap_err()
            .code(),
        "sheet_locked"
    );
    let locked = drafts
        .set_sheet_state(P, 1, SheetState::Locked, None)
        .unwrap();
    assert_eq!(locked.submission_id.as_deref(), Some("0193-sub-1"), "kept");
    drafts
        .set_sheet_state(P, 2, SheetState::Editing, None)
        .unwrap();
    drafts.upsert(P, &input("9", "")).unwrap();
    assert_eq!(drafts.latest_sheet(P).unwrap().unwrap().version, 2);
    assert_eq!(
        drafts.sheet(P, 1).unwrap().unwrap().state,
        SheetState::Locked
    );
    assert_eq!(
        drafts
            .set_sheet_state(P, 0, SheetState::Editing, None)
            .unwrap_err()
            .code(),
        "invalid_id"
    );
    let bad = DraftInput {
        bidder: "",
        ..input("1", "")
    };
    assert_eq!(drafts.upsert(P, &bad).unwrap_err().code(), "invalid_id");
}

#[test]
fn outbox_is_idempotent_ordered_and_retried() {
    let f = Fixture::new();
    let store = f.open();
    let outbox = store.outbox();
    let t0 = datetime!(2026-11-30 10:00:00 UTC);
    let sub = |id: &'static str, body: &'static [u8]| NewSubmission {
        submission_id: id,
        kind: "score_sheet",
        project: P,
        endpoint: "/api/v1/projects/JA-2026-0117/sheets",
        body,
    };
    assert_eq!(
        outbox
            .enqueue(&sub("id-2", b"{\"b\":2}"), t0 + Duration::seconds(1))
            .unwrap(),
        Enqueued::Queued
    );
    assert_eq!(
        outbox.enqueue(&sub("id-1", b"{\"b\":1}"), t0).unwrap(),
        Enqueued::Queued
    );
    assert_eq!(
        outbox
            .enqueue(&sub("id-1", b"{\"b\":1}"), t0 + Duration::hours(1))
            .unwrap(),
        Enqueued::AlreadyQueued
    );
    let err = outbox.enqueue(&sub("id-1", b"{\"b\":9}"), t0).unwrap_err();
    assert_eq!(err.code(), "outbox_conflict");
    assert_eq!(outbox.pending_count().unwrap(), 2);

    let due: Vec<_> = outbox
        .due(t0 + Duration::seconds(5))
        .unwrap()
        .into_iter()
        .map(|e| e.submission_id)
        .collect();
    assert_eq!(due, ["id-1", "id-2"], "oldest first");
    assert_eq!(outbox.due(t0 - Duration::seconds(1)).unwrap().len(), 0);

    let retry_at = t0 + Duration::minutes(2);
    outbox
        .record_failure("id-1", "network_unreachable", retry_at)
        .unwrap();
    let e = outbox.get("id-1").unwrap().unwrap();
    assert_eq!(
        (e.attempts, e.last_error.as_deref()),
        (1, Some("network_unreachable"))
    );
    assert_eq!(e.next_attempt_at, retry_at);
    let due: Vec<_> = outbox
        .due(t0 + Duration::minutes(1))
        .unwrap()
        .into_iter()
        .map(|e| e.submission_id)
        .collect();
    assert_eq!(due, ["id-2"]);

    outbox
        .mark_delivered("id-1", b"receipt-1", retry_at)
        .unwrap();
    outbox
        .mark_delivered("id-1", b"receipt-1", retry_at)
        .unwrap();
    assert_eq!(
        outbox
            .mark_delivered("id-1", b"other", retry_at)
            .unwrap_err()
            .code(),
        "receipt_conflict"
    );
    outbox.record_failure("id-1", "late", retry_at).unwrap();
    let e = outbox.get("id-1").unwrap().unwrap();
    assert_eq!(e.state, OutboxState::Delivered);
    assert_eq!(
        (e.attempts, e.receipt.as_deref()),
        (1, Some(&b"receipt-1"[..]))
    );
    assert_eq!(e.delivered_at, Some(retry_at));
    assert_eq!(outbox.pending_count().unwrap(), 1);
    assert_eq!(
        store.receipts().get("id-1").unwrap().unwrap().receipt,
        b"receipt-1"
    );
    assert!(outbox
        .due(t0 + Duration::days(1))
        .unwrap()
        .iter()
        .all(|e| e.submission_id == "id-2"));
    assert_eq!(
        outbox.mark_delivered("nope", b"r", t0).unwrap_err().code(),
        "not_found"
    );
    assert_eq!(
        outbox.record_failure("nope", "x", t0).unwrap_err().code(),
        "not_found"
    );
    assert_eq!(outbox.list(P).unwrap().len(), 2);
}

#[test]
fn receipts_are_kept_once() {
    let f = Fixture::new();
    let store = f.open();
    let receipts = store.receipts();
    receipts.put("s1", b"r1").unwrap();
    receipts.put("s1", b"r1").unwrap();
    assert_eq!(
        receipts.put("s1", b"r2").unwrap_err().code(),
        "receipt_conflict"
    );
    receipts.put("s0", b"r0").unwrap();
    assert_eq!(receipts.list_ids().unwrap(), ["s0", "s1"]);
    assert_eq!(receipts.get("s1").unwrap().unwrap().receipt, b"r1");
}

#[test]
fn witness_log_refuses_gaps_and_forks() {
    let f = Fixture::new();
    let store = f.open();
    let log = store.witness_log();
    let entry =
        |seq, id: &'static str, hash: &'static str, prev: Option<&'static str>| NewWitnessEntry {
            seq,
            entry_id: id,
            envelope: id.as_bytes(),
            entry_hash: hash,
            prev_hash: prev,
        };
    assert_eq!(
        log.append(P, &entry(2, "e2", "h2", Some("h1")))
            .unwrap_err()
            .code(),
        "witness_seq_gap"
    );
    assert_eq!(
        log.append(P, &entry(1, "e1", "h1", Some("x")))
            .unwrap_err()
            .code(),
        "witness_prev_mismatch"
    );
    log.append(P, &entry(1, "e1", "h1", None)).unwrap();
    log.append(P, &entry(1, "e1", "h1", None)).unwrap(); // retry of the same entry
    assert_eq!(
        log.append(P, &entry(1, "e1b", "h1b", None))
            .unwrap_err()
            .code(),
        "witness_conflict"
    );
    assert_eq!(
        log.append(P, &entry(2, "e2", "h2", Some("h0")))
            .unwrap_err()
            .code(),
        "witness_prev_mismatch"
    );
    assert_eq!(
        log.append(P, &entry(3, "e3", "h3", Some("h2")))
            .unwrap_err()
            .code(),
        "witness_seq_gap"
    );
    log.append(P, &entry(2, "e2", "h2", Some("h1"))).unwrap();
    assert_eq!(log.head(P).unwrap(), Some((2, "h2".to_string())));
    // Another project has its own chain.
    log.append("OTHER-1", &entry(1, "o1", "g1", None)).unwrap();

    log.mark_synced(P, 1, datetime!(2026-11-30 10:00 UTC))
        .unwrap();
    let unsynced: Vec<_> = log
        .unsynced(P)
        .unwrap()
        .into_iter()
        .map(|e| e.seq)
        .collect();
    assert_eq!(unsynced, [2]);
    let all = log.list(P).unwrap();
    assert_eq!(all.len(), 2);
    assert_eq!(all[1].prev_hash.as_deref(), Some("h1"));
    assert_eq!(all[0].synced_at, Some(datetime!(2026-11-30 10:00 UTC)));
    assert_eq!(
        log.mark_synced(P, 9, datetime!(2026-11-30 10:00 UTC))
            .unwrap_err()
            .code(),
        "not_found"
    );
}

#[test]
fn every_error_has_a_chinese_message() {
    let f = Fixture::new();
    let store = f.open();
    let errors = [
        store
            .projects()
            .put(P, ProjectPart::Rules, "{")
            .unwrap_err(),
        store.receipts().put("", b"x").unwrap_err(),
        store
            .documents()
            .set_state(P, "x.pdf", DocState::Failed)
            .unwrap_err(),
    ];
    for e in errors {
        let msg = e.message_zh();
        assert!(
            msg.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
            "{msg}"
        );
        assert!(
            !e.code().is_empty() && e.code().chars().all(|c| c.is_ascii_lowercase() || c == '_')
        );
    }
}
