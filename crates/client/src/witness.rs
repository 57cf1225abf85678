//! The witness log on the platform: sync signed entries, read a log, export
//! one for offline verification. Format and rules: `docs/witness.md`.

use crate::{encode_segment, ClientError, PlatformClient};
use pingshen_api::{
    SignedEnvelope, SubmitWitnessEntries, WitnessEntryReceipt, WitnessExport, WitnessLogView,
    WitnessSyncResult, WITNESS_ENTRY_TYP, WITNESS_MAX_BATCH,
};
use pingshen_pki::Signer;
use pingshen_witness::{seal, SealedEntry, WitnessEntry};
use reqwest::Method;

/// Signs a witness entry (canonical JSON, envelope `typ`
/// [`WITNESS_ENTRY_TYP`]) and seals it: the envelope, its canonical bytes
/// for the local store, and its hash (the next entry's `prev_hash`).
pub fn sign_witness_entry(
    signer: &dyn Signer,
    entry: &WitnessEntry,
) -> Result<SealedEntry, ClientError> {
    let invalid = |e: pingshen_witness::EntryError| ClientError::Signing {
        code: e.code(),
        message: e.message_zh(),
    };
    entry.validate().map_err(invalid)?;
    let envelope = crate::sign_document(signer, WITNESS_ENTRY_TYP, entry)?;
    seal(entry, envelope).map_err(invalid)
}

impl PlatformClient {
    /// Sends one batch (at most [`WITNESS_MAX_BATCH`]) of the caller's
    /// signed entries, in seq order. Idempotent: a retried batch gets the
    /// same receipts.
    pub async fn sync_witness_entries(
        &self,
        project: &str,
        entries: Vec<SignedEnvelope>,
    ) -> Result<WitnessSyncResult, ClientError> {
        let path = format!("projects/{}/witness/entries", encode_segment(project));
        self.send(Method::POST, &path, Some(&SubmitWitnessEntries { entries }))
            .await
    }

    /// Sends any number of entries in order, batch by batch, and returns
    /// every receipt in order. Stops at the first refused batch: what went
    /// before is stored and acknowledged, so a retry resumes cleanly.
    pub async fn sync_witness_log(
        &self,
        project: &str,
        entries: &[SignedEnvelope],
    ) -> Result<Vec<WitnessEntryReceipt>, ClientError> {
        let mut receipts = Vec::with_capacity(entries.len());
        for batch in batches(entries) {
            let answer = self.sync_witness_entries(project, batch.to_vec()).await?;
            receipts.extend(answer.receipts);
        }
        Ok(receipts)
    }

    /// A project's witness log(s) with receipts; `witness` narrows to one
    /// witness (a witness always sees only their own).
    pub async fn witness_log(
        &self,
        project: &str,
        witness: Option<&str>,
    ) -> Result<WitnessLogView, ClientError> {
        self.get(&witness_path(project, "entries", witness)).await
    }

    /// The export of one witness's log (`witness` may be omitted when the
    /// project has a single witness), for `pingshen verify`.
    pub async fn witness_export(
        &self,
        project: &str,
        witness: Option<&str>,
    ) -> Result<WitnessExport, ClientError> {
        self.get(&witness_path(project, "export", witness)).await
    }
}

/// Keeps each request well under the platform's 2 MB body limit: entries
/// with long texts are large (10 000 characters are ~40 KB in base64).
const MAX_BATCH_BYTES: usize = 1_000_000;

/// Consecutive slices of at most [`WITNESS_MAX_BATCH`] entries and about
/// [`MAX_BATCH_BYTES`] (a single larger entry goes alone).
fn batches(entries: &[SignedEnvelope]) -> Vec<&[SignedEnvelope]> {
    let mut out = Vec::new();
    let (mut start, mut bytes) = (0, 0);
    for (i, e) in entries.iter().enumerate() {
        let size = e.protected.len() + e.payload.len() + e.signature.len() + 48;
        if i > start && (i - start == WITNESS_MAX_BATCH || bytes + size > MAX_BATCH_BYTES) {
            out.push(&entries[start..i]);
            (start, bytes) = (i, 0);
        }
        bytes += size;
    }
    if start < entries.len() {
        out.push(&entries[start..]);
    }
    out
}

fn witness_path(project: &str, leaf: &str, witness: Option<&str>) -> String {
    let mut path = format!("projects/{}/witness/{leaf}", encode_segment(project));
    if let Some(w) = witness {
        path.push_str(&format!("?witness={}", encode_segment(w)));
    }
    path
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(payload_len: usize) -> SignedEnvelope {
        SignedEnvelope {
            protected: "h".into(),
            payload: "p".repeat(payload_len),
            signature: "s".into(),
        }
    }

    #[test]
    fn batches_respect_count_and_size_and_keep_order() {
        let small: Vec<_> = (0..450).map(|_| env(10)).collect();
        let sizes: Vec<usize> = batches(&small).iter().map(|b| b.len()).collect();
        assert_eq!(sizes, [200, 200, 50]);

        let big: Vec<_> = (0..5).map(|_| env(400_000)).collect();
        let sizes: Vec<usize> = batches(&big).iter().map(|b| b.len()).collect();
        assert_eq!(sizes, [2, 2, 1]);

        let huge = vec![env(3_000_000), env(10)];
        let sizes: Vec<usize> = batches(&huge).iter().map(|b| b.len()).collect();
        assert_eq!(sizes, [1, 1]);
        assert!(batches(&[]).is_empty());
    }
}
