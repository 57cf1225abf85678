//! Everything the classifiers need to know about one listed entry, worked
//! out once: its hash, whether its signature holds, the entry it carries
//! (trusted only when the signature holds) and a best-effort reading of a
//! damaged one, used only to name it.

use super::{EntryRef, EnvelopeVerifier, Fault, FaultKind, SignatureFailure, VerifiedSignature};
use crate::entry::WitnessEntry;
use crate::error::EntryError;
use crate::hash::entry_hash;
use crate::payload::{decode_unverified, parse_entry};
use pingshen_api::{SignedEnvelope, WITNESS_ENTRY_TYP};

pub(crate) struct Inspected {
    /// 1-based.
    pub position: usize,
    pub hash: Option<String>,
    pub signature: Result<VerifiedSignature, SignatureFailure>,
    /// Parsed from the verified payload (present when the signature holds).
    pub entry: Option<Result<WitnessEntry, EntryError>>,
    /// Read without verification, for naming only.
    pub hint: Option<WitnessEntry>,
}

impl Inspected {
    pub fn new(position: usize, env: &SignedEnvelope, verifier: &dyn EnvelopeVerifier) -> Self {
        let signature = verifier.verify(env, WITNESS_ENTRY_TYP);
        let entry = signature.as_ref().ok().map(|v| parse_entry(&v.payload));
        // A verified entry names itself; only a damaged one needs a guess.
        let hint = match &entry {
            Some(Ok(_)) => None,
            _ => decode_unverified(env).ok(),
        };
        Inspected {
            position,
            hash: entry_hash(env).ok(),
            signature,
            entry,
            hint,
        }
    }

    pub fn all(envelopes: &[SignedEnvelope], verifier: &dyn EnvelopeVerifier) -> Vec<Self> {
        envelopes
            .iter()
            .enumerate()
            .map(|(i, e)| Inspected::new(i + 1, e, verifier))
            .collect()
    }

    /// The entry, when its signature holds and it parses.
    pub fn verified(&self) -> Option<&WitnessEntry> {
        self.entry.as_ref().and_then(|e| e.as_ref().ok())
    }

    fn best_reading(&self) -> Option<&WitnessEntry> {
        self.verified().or(self.hint.as_ref())
    }

    pub fn claimed_seq(&self) -> Option<u64> {
        self.best_reading().map(|e| e.seq)
    }

    pub fn claimed_id(&self) -> Option<&str> {
        self.best_reading().map(|e| e.entry_id.as_str())
    }

    pub fn entry_ref(&self) -> EntryRef {
        EntryRef {
            seq: self.claimed_seq(),
            entry_id: self.claimed_id().map(str::to_string),
            position: Some(self.position),
        }
    }

    /// The entry, if it is a validly signed entry of this witness's log on
    /// this project; the matching fault otherwise. A signature whose bytes
    /// do not verify is reported as `altered`.
    pub fn owned_entry(&self, project_id: &str, witness_id: &str) -> Result<&WitnessEntry, Fault> {
        let signed = match &self.signature {
            Ok(s) => s,
            Err(f) if f.content_changed => {
                return Err(Fault::about(
                    FaultKind::Altered,
                    self.entry_ref(),
                    format!("内容在签名后被改动，签名不再成立（{}）", f.message),
                ))
            }
            Err(f) => {
                return Err(Fault::about(
                    FaultKind::Signature(f.code.clone()),
                    self.entry_ref(),
                    format!("签名未通过验证：{}", f.message),
                ))
            }
        };
        let entry = match &self.entry {
            Some(Ok(e)) => e,
            Some(Err(e)) => {
                return Err(Fault::about(
                    FaultKind::BadEntry,
                    self.entry_ref(),
                    format!("签名内容不是有效的见证记录：{e}"),
                ))
            }
            // Not reached: the entry is parsed whenever the signature holds.
            None => {
                return Err(Fault::about(
                    FaultKind::BadEntry,
                    self.entry_ref(),
                    "无法读取签名内容",
                ))
            }
        };
        if signed.signer_id.as_deref() != Some(witness_id) {
            return Err(Fault::about(
                FaultKind::WrongSigner,
                self.entry_ref(),
                format!(
                    "签名人是 {}，不是见证人 {witness_id}",
                    signed
                        .signer_id
                        .as_deref()
                        .unwrap_or("（证书未载明人员编号）")
                ),
            ));
        }
        if entry.project_id != project_id || entry.witness_id != witness_id {
            return Err(Fault::about(
                FaultKind::BadEntry,
                self.entry_ref(),
                format!(
                    "记录属于项目 {} 的见证人 {}，不属于本日志（项目 {project_id}，见证人 {witness_id}）",
                    entry.project_id, entry.witness_id
                ),
            ));
        }
        if self.hash.is_none() {
            return Err(Fault::about(
                FaultKind::BadEntry,
                self.entry_ref(),
                "签名信封格式错误",
            ));
        }
        Ok(entry)
    }
}
