//! Test helper for the crash-safety test: opens a store and, in a loop,
//! autosaves a draft, queues a submission and appends a witness entry,
//! printing each one's id on stdout only after its commit returned. The
//! test kills it with SIGKILL at a random moment and checks that everything
//! printed is in the store, intact.
//!
//! Usage: store-crash-writer VAULT_DIR KEY_PEM CERT_PEM ROUND [MAX_ITERATIONS]

mod payload;

use anyhow::{anyhow, bail, Context, Result};
use openssl::pkey::PKey;
use pingshen_pki::{Pkcs12Signer, X509};
use pingshen_store::{DraftInput, NewSubmission, NewWitnessEntry, StoreError, Vault};
use std::io::Write;
use time::OffsetDateTime;

fn store_err(e: StoreError) -> anyhow::Error {
    anyhow!("{}: {}", e.code(), e.message_zh())
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() < 4 {
        bail!("usage: store-crash-writer VAULT_DIR KEY_PEM CERT_PEM ROUND [MAX_ITERATIONS]");
    }
    let key = PKey::private_key_from_pem(&std::fs::read(&args[1]).context("key")?)?;
    let cert = X509::from_pem(&std::fs::read(&args[2]).context("cert")?)?;
    let round: u32 = args[3].parse().context("round")?;
    let max: u32 = args.get(4).map_or(Ok(u32::MAX), |m| m.parse())?;
    let signer = Pkcs12Signer::from_parts(key, cert, &[]).map_err(|e| anyhow!("{e}"))?;
    let store = Vault::new(&args[0]).open(&signer).map_err(store_err)?;

    let mut out = std::io::stdout().lock();
    writeln!(out, "ready")?;
    out.flush()?;
    let log = store.witness_log();
    let mut head = log.head(payload::PROJECT).map_err(store_err)?;
    for i in 0..max {
        let d = payload::draft(round, i);
        let input = DraftInput {
            sheet_kind: payload::SHEET_KIND,
            bidder: &d.bidder,
            item: &d.item,
            value: &d.value,
            reason: &d.reason,
        };
        store
            .drafts()
            .upsert(payload::PROJECT, &input)
            .map_err(store_err)?;
        writeln!(out, "D {round} {i}")?;
        out.flush()?;

        let id = payload::submission_id(round, i);
        let body = payload::submission_body(round, i);
        let submission = NewSubmission {
            submission_id: &id,
            kind: "score_sheet",
            project: payload::PROJECT,
            endpoint: "/api/v1/sheets",
            body: &body,
        };
        store
            .outbox()
            .enqueue(&submission, OffsetDateTime::now_utc())
            .map_err(store_err)?;
        writeln!(out, "O {round} {i}")?;
        out.flush()?;

        let envelope = payload::witness_envelope(round, i);
        let prev = head.as_ref().map(|(_, h)| h.as_str());
        let hash = payload::entry_hash(prev, &envelope);
        let seq = head.as_ref().map_or(1, |(s, _)| s + 1);
        let entry_id = format!("w-r{round}-i{i}");
        let entry = NewWitnessEntry {
            seq,
            entry_id: &entry_id,
            envelope: &envelope,
            entry_hash: &hash,
            prev_hash: prev,
        };
        log.append(payload::PROJECT, &entry).map_err(store_err)?;
        writeln!(out, "W {round} {i} {seq}")?;
        out.flush()?;
        head = Some((seq, hash));
    }
    Ok(())
}
