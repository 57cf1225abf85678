//! The witness log on the platform: the demo witness W001 syncs signed,
//! chained entries; the platform verifies signer and continuity, refuses
//! gaps, forks and edits, answers one signed receipt per entry, and exports
//! a log that verifies offline — and in which each kind of tampering is
//! named.

use pingshen_api::{SignedEnvelope, WitnessExport, RECEIPT_TYP};
use pingshen_client::sign_witness_entry;
use pingshen_pki::Signer;
use pingshen_platform::RunningPlatform;
use pingshen_witness::pki::TrustVerifier;
use pingshen_witness::{
    next_entry, verify_chain, verify_export, EntryDraft, EntryRef, EntryStamp, LogContext,
    SealedEntry, WitnessCategory, WitnessEntry, WitnessStage,
};

const DEMO: &str = "JA-2026-0117";
const WITNESS: &str = "W001";

use pingshen_testkit::signer;

use crate::logged_in as client;

fn draft(text: &str, category: WitnessCategory) -> EntryDraft {
    EntryDraft {
        stage: WitnessStage::Opening,
        category,
        text: text.into(),
        attachments: vec![],
        corrects: None,
    }
}

/// The entry after `head`, as the desktop makes it.
fn entry_after(head: Option<&SealedEntry>, witness: &str, d: EntryDraft) -> WitnessEntry {
    let stamp = EntryStamp {
        project_id: DEMO.into(),
        witness_id: witness.into(),
        entry_id: uuid::Uuid::now_v7().to_string(),
        local_time: time::OffsetDateTime::now_utc(),
        clock_offset_ms: 120,
    };
    next_entry(
        head.map(|h| (h.entry.seq, h.entry_hash.as_str())),
        &stamp,
        d,
    )
    .unwrap()
}

/// A chain of `n` entries signed by `s`, continuing `from`.
fn chain(s: &dyn Signer, from: Option<&SealedEntry>, n: usize) -> Vec<SealedEntry> {
    let mut out: Vec<SealedEntry> = Vec::new();
    for i in 0..n {
        let head = out.last().or(from);
        let category = if i % 2 == 0 {
            WitnessCategory::Normal
        } else {
            WitnessCategory::ExpertLate
        };
        let e = entry_after(head, WITNESS, draft(&format!("第 {i} 项观察"), category));
        out.push(sign_witness_entry(s, &e).unwrap());
    }
    out
}

fn envelopes(entries: &[SealedEntry]) -> Vec<SignedEnvelope> {
    entries.iter().map(|e| e.envelope.clone()).collect()
}

/// The platform's trust store and its pinned signing certificate.
struct Verifying {
    trust: std::sync::Arc<pingshen_pki::TrustStore>,
    pins: pingshen_pki::PlatformPins,
}

impl Verifying {
    fn get(&self) -> TrustVerifier<'_> {
        TrustVerifier {
            trust: &self.trust,
            at: None,
            platform: &self.pins,
        }
    }
}

fn verifying(p: &RunningPlatform) -> Verifying {
    Verifying {
        trust: p.state.pki.trust(),
        pins: pingshen_pki::PlatformPins::one(&p.state.pki.fingerprint()).unwrap(),
    }
}

#[tokio::test]
async fn a_batch_syncs_once_and_a_retry_gets_the_same_receipts() {
    let platform = super::demo().await;
    let w001 = signer(&platform, WITNESS);
    let witness = client(&platform, &w001).await;
    let entries = chain(&w001, None, 3);

    let first = witness
        .sync_witness_entries(DEMO, envelopes(&entries))
        .await
        .unwrap();
    assert_eq!((first.stored, first.receipts.len()), (3, 3));
    let vs = verifying(&platform);
    let v = vs.get();
    for (sealed, r) in entries.iter().zip(&first.receipts) {
        assert_eq!(r.entry_hash, sealed.entry_hash);
        assert_eq!(
            (r.seq, &r.entry_id),
            (sealed.entry.seq, &sealed.entry.entry_id)
        );
        // The receipt is the platform's, and binds this exact entry.
        let signed =
            pingshen_witness::EnvelopeVerifier::verify(&v, &r.receipt, RECEIPT_TYP).unwrap();
        assert_eq!(signed.signer_id.as_deref(), Some("platform"));
        let receipt: pingshen_api::Receipt = serde_json::from_slice(&signed.payload).unwrap();
        assert_eq!(receipt.kind, "witness_entry");
        assert_eq!(receipt.submission_id, sealed.entry.entry_id);
        assert_eq!(receipt.submitted_by, WITNESS);
        assert_eq!(receipt.body_sha256, sealed.entry_hash);
    }

    // The same batch again: nothing new, the same receipts.
    let again = witness
        .sync_witness_entries(DEMO, envelopes(&entries))
        .await
        .unwrap();
    assert_eq!(again.stored, 0);
    assert_eq!(again.receipts, first.receipts);

    // A batch overlapping what is stored: only the new entry is stored.
    let more = chain(&w001, entries.last(), 1);
    let overlap = [entries[2].envelope.clone(), more[0].envelope.clone()];
    let mixed = witness
        .sync_witness_entries(DEMO, overlap.to_vec())
        .await
        .unwrap();
    assert_eq!(mixed.stored, 1);
    assert_eq!(mixed.receipts[0], first.receipts[2]);
    assert_eq!(mixed.receipts[1].seq, 4);

    let log = witness.witness_log(DEMO, None).await.unwrap();
    let seqs: Vec<u64> = log.entries.iter().map(|e| e.seq).collect();
    assert_eq!(seqs, [1, 2, 3, 4]);
    assert_eq!(log.entries[0].envelope, entries[0].envelope);

    // Staff read every witness's log of the project, with names.
    let staff = client(&platform, &signer(&platform, "S001")).await;
    let seen = staff.witness_log(DEMO, None).await.unwrap();
    assert_eq!(seen.entries.len(), 4);
    assert!(seen.entries.iter().all(|e| e.witness_name == "赵敏"));
    platform.stop().await;
}

#[tokio::test]
async fn gaps_forks_edits_and_foreign_signers_are_refused() {
    let platform = super::demo().await;
    let w001 = signer(&platform, WITNESS);
    let e001 = signer(&platform, "E001");
    let witness = client(&platform, &w001).await;
    let entries = chain(&w001, None, 2);
    witness
        .sync_witness_entries(DEMO, envelopes(&entries))
        .await
        .unwrap();
    let code = |r: Result<pingshen_api::WitnessSyncResult, pingshen_client::ClientError>| {
        r.unwrap_err().code().to_string()
    };

    // A gap: entry 4 without entry 3. In one batch with a good entry 3
    // before a gap, nothing of the batch is stored.
    let later = chain(&w001, entries.last(), 2);
    let e5 = chain(&w001, later.last(), 1);
    let sync = |list: Vec<SignedEnvelope>| witness.sync_witness_entries(DEMO, list);
    assert_eq!(code(sync(vec![later[1].envelope.clone()]).await), "gap");
    let batch = vec![later[0].envelope.clone(), e5[0].envelope.clone()];
    assert_eq!(code(sync(batch).await), "gap");

    // A fork: another entry at seq 2, or an entry 3 that chains to entry 1.
    let other2 = chain(&w001, Some(&entries[0]), 1);
    assert_eq!(code(sync(envelopes(&other2)).await), "fork");
    let mut wrong_prev = entry_after(
        Some(&entries[1]),
        WITNESS,
        draft("链接错误", WitnessCategory::Normal),
    );
    wrong_prev.prev_hash = entries[0].entry_hash.clone();
    let wrong_prev = sign_witness_entry(&w001, &wrong_prev).unwrap();
    assert_eq!(code(sync(vec![wrong_prev.envelope]).await), "fork");

    // An edit of a synced entry (same id, re-signed with other text).
    let mut edited = entries[1].entry.clone();
    edited.text = "事后改写".into();
    let edited = sign_witness_entry(&w001, &edited).unwrap();
    assert_eq!(code(sync(vec![edited.envelope]).await), "conflict");

    // Signed by someone else, or claiming another witness or project.
    let foreign = sign_witness_entry(&e001, &later[0].entry).unwrap();
    assert_eq!(code(sync(vec![foreign.envelope]).await), "signer_mismatch");
    let mut as_other = later[0].entry.clone();
    as_other.witness_id = "E001".into();
    let as_other = sign_witness_entry(&w001, &as_other).unwrap();
    assert_eq!(
        code(sync(vec![as_other.envelope]).await),
        "witness_mismatch"
    );
    let mut elsewhere = later[0].entry.clone();
    elsewhere.project_id = "OTHER-1".into();
    let elsewhere = sign_witness_entry(&w001, &elsewhere).unwrap();
    assert_eq!(
        code(sync(vec![elsewhere.envelope]).await),
        "project_mismatch"
    );

    // A correction must name an earlier entry of this log.
    let mut d = draft("更正", WitnessCategory::Normal);
    d.corrects = Some(uuid::Uuid::now_v7().to_string());
    let bad_fix = sign_witness_entry(&w001, &entry_after(Some(&entries[1]), WITNESS, d)).unwrap();
    assert_eq!(code(sync(vec![bad_fix.envelope]).await), "bad_correction");
    assert_eq!(code(sync(vec![]).await), "empty_batch");

    // An expert may neither write nor read the log.
    let expert = client(&platform, &e001).await;
    let own = sign_witness_entry(
        &e001,
        &entry_after(None, "E001", draft("专家写的", WitnessCategory::Normal)),
    )
    .unwrap();
    let err = expert
        .sync_witness_entries(DEMO, vec![own.envelope])
        .await
        .unwrap_err();
    assert_eq!(err.code(), "wrong_role");
    assert_eq!(
        expert.witness_log(DEMO, None).await.unwrap_err().code(),
        "wrong_role"
    );
    assert_eq!(
        witness
            .witness_log(DEMO, Some("W999"))
            .await
            .unwrap_err()
            .code(),
        "not_own_log"
    );

    // None of the refused batches left anything behind.
    let log = witness.witness_log(DEMO, None).await.unwrap();
    assert_eq!(log.entries.len(), 2);
    // And the table itself refuses changes.
    let changed = platform.state.db.with(|c| {
        Ok(
            c.execute("UPDATE witness_entries SET received_at = 'x'", [])
                .is_err()
                && c.execute("DELETE FROM witness_entries", []).is_err(),
        )
    });
    assert!(changed.unwrap());
    platform.stop().await;
}

fn named(sealed: &SealedEntry, position: Option<usize>) -> Option<EntryRef> {
    Some(EntryRef {
        seq: Some(sealed.entry.seq),
        entry_id: Some(sealed.entry.entry_id.clone()),
        position,
    })
}

#[tokio::test]
async fn an_export_verifies_offline_and_names_each_tampered_entry() {
    let platform = super::demo().await;
    let w001 = signer(&platform, WITNESS);
    let witness = client(&platform, &w001).await;
    let mut entries = chain(&w001, None, 4);
    // Entry 5 corrects entry 2.
    let mut d = draft("更正第 2 条：迟到专家为 E003", WitnessCategory::ExpertLate);
    d.corrects = Some(entries[1].entry.entry_id.clone());
    entries.push(sign_witness_entry(&w001, &entry_after(entries.last(), WITNESS, d)).unwrap());
    witness
        .sync_witness_log(DEMO, &envelopes(&entries))
        .await
        .unwrap();

    let export = witness.witness_export(DEMO, None).await.unwrap();
    let vs = verifying(&platform);
    let v = vs.get();
    let intact = verify_export(&export, &v).unwrap();
    assert_eq!(intact.entries, 5);
    assert_eq!(intact.head_hash, entries[4].entry_hash);
    // Staff get the same log (the project has one witness).
    let staff = client(&platform, &signer(&platform, "S001")).await;
    let by_staff: WitnessExport = staff.witness_export(DEMO, None).await.unwrap();
    assert_eq!(by_staff.entries, export.entries);
    // The bare chain (as the desktop keeps it) verifies too.
    let ctx = LogContext {
        project_id: DEMO,
        witness_id: WITNESS,
    };
    assert_eq!(verify_chain(&export.entries, &ctx, &v).unwrap().entries, 5);

    let check = |x: &WitnessExport| {
        let f = verify_export(x, &v).unwrap_err();
        (f.code().to_string(), f.entry)
    };
    let mut removed = export.clone();
    removed.entries.remove(2);
    assert_eq!(
        check(&removed),
        ("removed".into(), named(&entries[2], None))
    );

    let mut reordered = export.clone();
    reordered.entries.swap(1, 2);
    assert_eq!(
        check(&reordered),
        ("reordered".into(), named(&entries[2], Some(2)))
    );

    // The witness's own key forges an entry 3 and slips it in.
    let forged = sign_witness_entry(
        &w001,
        &entry_after(
            Some(&entries[1]),
            WITNESS,
            draft("补记", WitnessCategory::Normal),
        ),
    )
    .unwrap();
    let mut inserted = export.clone();
    inserted.entries.insert(2, forged.envelope.clone());
    assert_eq!(
        check(&inserted),
        ("inserted".into(), named(&forged, Some(3)))
    );

    // Text changed in the file without the key...
    let mut altered = export.clone();
    let mut changed = pingshen_witness::decode_unverified(&altered.entries[2]).unwrap();
    changed.text = "改写后的内容".into();
    altered.entries[2].payload = base64_url(&serde_json::to_vec(&changed).unwrap());
    assert_eq!(
        check(&altered),
        ("altered".into(), named(&entries[2], Some(3)))
    );
    // ...or re-signed by the witness: both are altered entries.
    let resigned = sign_witness_entry(&w001, &changed).unwrap();
    altered.entries[2] = resigned.envelope;
    assert_eq!(
        check(&altered),
        ("altered".into(), named(&entries[2], Some(3)))
    );
    platform.stop().await;
}

fn base64_url(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_elected_panel_leader_reads_the_log_other_experts_do_not() {
    use pingshen_api::{
        Declaration, DeclarationDecision, LeaderVote, DECLARATION_TEXT, DECLARATION_TYP,
        LEADER_VOTE_TYP,
    };
    use pingshen_client::sign_document;
    let platform = super::demo().await;
    let w001 = signer(&platform, WITNESS);
    let witness = client(&platform, &w001).await;
    witness
        .sync_witness_entries(DEMO, envelopes(&chain(&w001, None, 2)))
        .await
        .unwrap();

    let mut experts = Vec::new();
    for id in ["E001", "E002", "E003", "E004", "E005"] {
        let s = signer(&platform, id);
        let c = client(&platform, &s).await;
        experts.push((id, s, c));
    }
    // Before a leader is elected, no expert reads the log.
    assert_eq!(
        experts[1]
            .2
            .witness_log(DEMO, None)
            .await
            .unwrap_err()
            .code(),
        "wrong_role"
    );
    // Everyone declares, then votes for E002.
    for (id, s, c) in &experts {
        let declaration = Declaration {
            project_id: DEMO.into(),
            expert_id: id.to_string(),
            statement: DECLARATION_TEXT.into(),
            decision: DeclarationDecision::NoConflict,
            reason: None,
        };
        c.declare(
            DEMO,
            sign_document(s, DECLARATION_TYP, &declaration).unwrap(),
        )
        .await
        .unwrap();
    }
    for (id, s, c) in &experts {
        let vote = LeaderVote {
            project_id: DEMO.into(),
            voter_id: id.to_string(),
            candidate_id: "E002".into(),
        };
        c.vote_leader(DEMO, sign_document(s, LEADER_VOTE_TYP, &vote).unwrap())
            .await
            .unwrap();
    }
    let leader = &experts[1].2;
    assert_eq!(
        leader.witness_log(DEMO, None).await.unwrap().entries.len(),
        2
    );
    let export = leader.witness_export(DEMO, None).await.unwrap();
    assert_eq!(
        verify_export(&export, &verifying(&platform).get())
            .unwrap()
            .entries,
        2
    );
    assert_eq!(
        experts[0]
            .2
            .witness_log(DEMO, None)
            .await
            .unwrap_err()
            .code(),
        "wrong_role"
    );
    platform.stop().await;
}

/// The table itself refuses to change a stored entry, on either engine
/// (SQLite's triggers, PostgreSQL's PL/pgSQL ones): not even a bug in the
/// platform's code can rewrite the log.
#[tokio::test]
async fn a_stored_entry_cannot_be_updated_or_deleted_even_by_sql() {
    let platform = super::demo().await;
    let db = &platform.state.db;
    db.with(|c| {
        c.execute(
            "INSERT INTO witness_entries (project_id, witness_id, seq, entry_id, entry_hash,
                 prev_hash, envelope, received_at, receipt)
             VALUES ('JA-2026-0117', 'W001', 1, 'e1', 'h1', '', '{}', 't', '{}')",
            [],
        )?;
        Ok(())
    })
    .unwrap();
    for sql in [
        "UPDATE witness_entries SET receipt = 'x' WHERE entry_id = 'e1'",
        "DELETE FROM witness_entries WHERE entry_id = 'e1'",
    ] {
        let refused = db.with(|c| Ok(c.execute(sql, [])?)).unwrap_err();
        assert!(
            refused.to_string().contains("append-only"),
            "{sql}: {refused}"
        );
    }
    let kept: i64 = db
        .with(|c| Ok(c.query_row("SELECT COUNT(*) FROM witness_entries", [], |r| r.get(0))?))
        .unwrap();
    assert_eq!(kept, 1);
    platform.stop().await;
}
