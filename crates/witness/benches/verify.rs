//! Cost of the chain and export checks themselves, apart from signature
//! verification: the verifier here accepts every envelope and only decodes
//! its payload, so the numbers are the classification, hashing and parsing
//! overhead a real verifier adds to (see docs/witness.md for real figures).

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use pingshen_api::{
    AttestedEntry, Receipt, SignedEnvelope, WitnessExport, WitnessLogAttestation, RECEIPT_PURPOSE,
    WITNESS_EXPORT_FORMAT, WITNESS_LOG_PURPOSE, WITNESS_RECEIPT_KIND,
};
use pingshen_witness::{
    entry_hash, next_entry, verify_chain, verify_export, EntryDraft, EntryStamp, LogContext,
    SignatureFailure, VerifiedSignature, WitnessCategory, WitnessStage,
};
use time::macros::datetime;

fn envelope<T: serde::Serialize>(value: &T) -> SignedEnvelope {
    SignedEnvelope {
        protected: B64.encode(b"{\"alg\":\"none\"}"),
        payload: B64.encode(serde_json::to_vec(value).unwrap()),
        signature: B64.encode([7u8; 64]),
    }
}

fn accept(env: &SignedEnvelope, typ: &str) -> Result<VerifiedSignature, SignatureFailure> {
    let signer = if typ == pingshen_api::WITNESS_ENTRY_TYP {
        "W001"
    } else {
        "platform"
    };
    Ok(VerifiedSignature {
        signer_id: Some(signer.into()),
        payload: B64.decode(&env.payload).unwrap(),
    })
}

fn export_of(n: u64) -> WitnessExport {
    let (mut entries, mut lines, mut receipts) = (Vec::new(), Vec::new(), Vec::new());
    let mut head: Option<(u64, String)> = None;
    for i in 0..n {
        let stamp = EntryStamp {
            project_id: "JA-2026-0117".into(),
            witness_id: "W001".into(),
            entry_id: format!("01936f0e-5a7b-7c3d-8e9f-{i:012x}"),
            local_time: datetime!(2026-11-30 09:30:00 +08:00),
            clock_offset_ms: 0,
        };
        let draft = EntryDraft {
            stage: WitnessStage::DetailedReview,
            category: WitnessCategory::Normal,
            text: "评审现场秩序正常，专家按时到场。".repeat(4),
            attachments: vec![],
            corrects: None,
        };
        let e = next_entry(head.as_ref().map(|(s, h)| (*s, h.as_str())), &stamp, draft).unwrap();
        let env = envelope(&e);
        let hash = entry_hash(&env).unwrap();
        receipts.push(envelope(&Receipt {
            purpose: RECEIPT_PURPOSE.into(),
            platform_id: "p".into(),
            kind: WITNESS_RECEIPT_KIND.into(),
            submission_id: e.entry_id.clone(),
            project_id: e.project_id.clone(),
            submitted_by: "W001".into(),
            submitter_role: pingshen_api::Role::Witness,
            signer_fingerprint: "00".repeat(32),
            body_sha256: hash.clone(),
            received_at: datetime!(2026-11-30 02:00:00 UTC),
        }));
        lines.push(AttestedEntry {
            seq: e.seq,
            entry_id: e.entry_id.clone(),
            entry_hash: hash.clone(),
            received_at: datetime!(2026-11-30 02:00:00 UTC),
        });
        entries.push(env);
        head = Some((e.seq, hash));
    }
    let attestation = envelope(&WitnessLogAttestation {
        purpose: WITNESS_LOG_PURPOSE.into(),
        platform_id: "p".into(),
        project_id: "JA-2026-0117".into(),
        witness_id: "W001".into(),
        exported_at: datetime!(2026-11-30 03:00:00 UTC),
        entries: lines,
    });
    WitnessExport {
        format: WITNESS_EXPORT_FORMAT.into(),
        project_id: "JA-2026-0117".into(),
        witness_id: "W001".into(),
        entries,
        receipts,
        attestation,
    }
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("witness_verify");
    for n in [100u64, 1000] {
        let export = export_of(n);
        let ctx = LogContext {
            project_id: "JA-2026-0117",
            witness_id: "W001",
        };
        g.bench_with_input(BenchmarkId::new("chain", n), &export, |b, x| {
            b.iter(|| verify_chain(&x.entries, &ctx, &accept).unwrap())
        });
        g.bench_with_input(BenchmarkId::new("export", n), &export, |b, x| {
            b.iter(|| verify_export(x, &accept).unwrap())
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
