//! Verifying a log: every signature (through a verifier the caller
//! supplies, so this crate stays free of crypto libraries and I/O), the
//! chain, and — for an export — the platform's attestation and receipts.
//! The first problem is reported with a stable code and the entry it
//! concerns. How the four tamper cases are told apart: `docs/witness.md`.

mod chain;
mod export;
mod inspect;
mod platform_docs;

pub use chain::{verify_chain, LogContext};
pub use export::verify_export;

use pingshen_api::SignedEnvelope;
use serde::Serialize;

/// The person id (certificate `serialNumber`) of the platform's signing
/// certificate: receipts and attestations must carry it.
pub const PLATFORM_SIGNER_ID: &str = "platform";

/// What a verifier answers for a good envelope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedSignature {
    /// The signer's person id (certificate `serialNumber`), if it has one.
    pub signer_id: Option<String>,
    /// The payload bytes exactly as signed.
    pub payload: Vec<u8>,
}

/// Why a verifier refused an envelope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureFailure {
    /// The verifier's stable code (e.g. `signature_invalid`, `expired`),
    /// reported as is.
    pub code: String,
    /// Chinese.
    pub message: String,
    /// True when the bytes themselves do not verify (signature, encoding,
    /// canonical form) as opposed to a certificate or trust problem: the
    /// entry was changed after it was signed.
    pub content_changed: bool,
}

/// Checks one envelope's signature, certificate chain and `typ`.
pub trait EnvelopeVerifier {
    fn verify(
        &self,
        envelope: &SignedEnvelope,
        typ: &str,
    ) -> Result<VerifiedSignature, SignatureFailure>;
}

impl<F> EnvelopeVerifier for F
where
    F: Fn(&SignedEnvelope, &str) -> Result<VerifiedSignature, SignatureFailure>,
{
    fn verify(
        &self,
        envelope: &SignedEnvelope,
        typ: &str,
    ) -> Result<VerifiedSignature, SignatureFailure> {
        self(envelope, typ)
    }
}

/// Names an entry in a report. Any part may be unknown: a removed entry has
/// no position, a garbled one may have no readable seq or id.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct EntryRef {
    pub seq: Option<u64>,
    pub entry_id: Option<String>,
    /// 1-based position in the list that was verified.
    pub position: Option<usize>,
}

impl EntryRef {
    fn describe(&self) -> String {
        let mut s = match self.seq {
            Some(seq) => format!("序号 {seq} 的记录"),
            None => "记录".to_string(),
        };
        if let Some(id) = &self.entry_id {
            s.push_str(&format!("（{id}）"));
        }
        if let Some(p) = self.position {
            s.push_str(&format!("（列表第 {p} 条）"));
        }
        s
    }
}

/// The kind of the first problem found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FaultKind {
    /// An entry of the log is missing.
    Removed,
    /// An entry is not where the chain puts it.
    Reordered,
    /// An entry that is not part of the log is present.
    Inserted,
    /// An entry's bytes differ from what was signed / received.
    Altered,
    /// A signature or certificate problem, with the verifier's code.
    Signature(String),
    /// An entry is signed by someone other than the log's witness.
    WrongSigner,
    /// An entry's content is not a valid entry of this log.
    BadEntry,
    /// The witness's chain and the platform's attestation disagree.
    BrokenChain,
    /// A correction names an entry that is not earlier in the log.
    BadCorrection,
    /// An entry has no platform receipt in the export.
    MissingReceipt,
    /// A receipt is invalid or does not match its entry.
    BadReceipt,
    /// The platform's attestation is missing, invalid or inconsistent.
    BadAttestation,
    /// The document is not a witness export.
    BadExport,
}

impl FaultKind {
    pub fn code(&self) -> &str {
        match self {
            FaultKind::Removed => "removed",
            FaultKind::Reordered => "reordered",
            FaultKind::Inserted => "inserted",
            FaultKind::Altered => "altered",
            FaultKind::Signature(code) => code,
            FaultKind::WrongSigner => "wrong_signer",
            FaultKind::BadEntry => "bad_entry",
            FaultKind::BrokenChain => "broken_chain",
            FaultKind::BadCorrection => "bad_correction",
            FaultKind::MissingReceipt => "missing_receipt",
            FaultKind::BadReceipt => "bad_receipt",
            FaultKind::BadAttestation => "bad_attestation",
            FaultKind::BadExport => "bad_export",
        }
    }
}

/// The first problem found in a log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    pub kind: FaultKind,
    pub entry: Option<EntryRef>,
    /// Chinese, names the entry.
    pub message: String,
}

impl Fault {
    pub fn code(&self) -> &str {
        self.kind.code()
    }

    /// A fault found outside this crate (e.g. the trust store would not load).
    pub fn new(kind: FaultKind, entry: Option<EntryRef>, message: impl Into<String>) -> Self {
        Fault {
            kind,
            entry,
            message: message.into(),
        }
    }

    pub(crate) fn about(kind: FaultKind, entry: EntryRef, what: impl AsRef<str>) -> Self {
        let message = format!("{}：{}", entry.describe(), what.as_ref());
        Fault {
            kind,
            entry: Some(entry),
            message,
        }
    }

    pub(crate) fn general(kind: FaultKind, message: impl Into<String>) -> Self {
        Fault {
            kind,
            entry: None,
            message: message.into(),
        }
    }
}

impl std::fmt::Display for Fault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}（{}）", self.message, self.code())
    }
}

impl std::error::Error for Fault {}

/// A log that verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntactLog {
    pub project_id: String,
    pub witness_id: String,
    /// Number of entries (= the last seq).
    pub entries: u64,
    /// Hash of the last entry ([`crate::GENESIS_HASH`] for an empty log).
    pub head_hash: String,
}

/// The one-line answer of a verification: what `pingshen verify` prints.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verdict {
    pub ok: bool,
    /// `intact`, or the [`Fault`]'s code.
    pub code: String,
    pub entry: Option<EntryRef>,
    pub message: String,
}

impl Verdict {
    pub fn of(result: &Result<IntactLog, Fault>) -> Self {
        match result {
            Ok(log) => Verdict {
                ok: true,
                code: "intact".into(),
                entry: None,
                message: format!(
                    "见证记录完整：项目 {} 见证人 {} 共 {} 条，签名、链接与平台回执均一致",
                    log.project_id, log.witness_id, log.entries
                ),
            },
            Err(f) => Verdict {
                ok: false,
                code: f.code().to_string(),
                entry: f.entry.clone(),
                message: f.message.clone(),
            },
        }
    }
}

#[cfg(test)]
mod chain_tests;
#[cfg(test)]
mod export_tests;
