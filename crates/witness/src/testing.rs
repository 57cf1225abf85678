//! Test helpers: entries, and a stand-in for real signatures (a keyed
//! SHA-256 whose "certificate" is the signer id in the header), so the
//! chain logic is tested without a crypto library. Real signatures are
//! exercised by the platform and CLI tests.

use crate::entry::{Attachment, WitnessEntry};
use crate::hash::{entry_hash, sha256_hex};
use crate::labels::{WitnessCategory, WitnessStage};
use crate::verify::{SignatureFailure, VerifiedSignature};
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use pingshen_api::{
    AttestedEntry, Receipt, SignedEnvelope, WitnessExport, WitnessLogAttestation, RECEIPT_PURPOSE,
    RECEIPT_TYP, WITNESS_ENTRY_TYP, WITNESS_EXPORT_FORMAT, WITNESS_LOG_PURPOSE, WITNESS_LOG_TYP,
    WITNESS_RECEIPT_KIND,
};
use serde::Serialize;
use time::macros::datetime;

pub const PROJECT: &str = "JA-2026-0117";
pub const WITNESS: &str = "W001";

/// A deterministic UUIDv7-shaped id.
pub fn id(n: u64) -> String {
    format!("01936f0e-5a7b-7c3d-8e9f-{n:012x}")
}

pub fn entry(seq: u64, prev: &str) -> WitnessEntry {
    WitnessEntry {
        project_id: PROJECT.into(),
        witness_id: WITNESS.into(),
        seq,
        entry_id: id(seq),
        observed_at: datetime!(2026-11-30 09:30:00 +08:00),
        clock_offset_ms: 250,
        stage: WitnessStage::Opening,
        category: WitnessCategory::Normal,
        text: format!("第 {seq} 条：开标现场秩序正常"),
        attachments: vec![Attachment {
            name: "现场.jpg".into(),
            media_type: "image/jpeg".into(),
            size: 123_456,
            sha256: "ab".repeat(32),
        }],
        corrects: None,
        prev_hash: prev.into(),
    }
}

fn key_mac(signer: &str, protected: &str, payload: &str) -> String {
    B64.encode(sha256_hex(
        format!("key:{signer}|{protected}.{payload}").as_bytes(),
    ))
}

pub fn fake_sign_value<T: Serialize>(signer: &str, typ: &str, value: &T) -> SignedEnvelope {
    let header = serde_json::json!({ "sub": signer, "typ": typ });
    let protected = B64.encode(serde_json::to_vec(&header).unwrap());
    let payload = B64.encode(serde_json::to_vec(value).unwrap());
    let signature = key_mac(signer, &protected, &payload);
    SignedEnvelope {
        protected,
        payload,
        signature,
    }
}

pub fn fake_sign(signer: &str, e: &WitnessEntry) -> SignedEnvelope {
    fake_sign_value(signer, WITNESS_ENTRY_TYP, e)
}

/// Verifies [`fake_sign_value`] envelopes. Signers whose id starts with
/// `REVOKED` fail as a certificate (not content) problem.
pub fn fake_verify(env: &SignedEnvelope, typ: &str) -> Result<VerifiedSignature, SignatureFailure> {
    let fail = |code: &str, content_changed| SignatureFailure {
        code: code.into(),
        message: format!("测试验签失败：{code}"),
        content_changed,
    };
    let header: serde_json::Value = B64
        .decode(&env.protected)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .ok_or_else(|| fail("bad_envelope", true))?;
    let signer = header["sub"].as_str().unwrap_or_default().to_string();
    if key_mac(&signer, &env.protected, &env.payload) != env.signature {
        return Err(fail("signature_invalid", true));
    }
    if header["typ"] != typ {
        return Err(fail("bad_envelope", false));
    }
    if signer.starts_with("REVOKED") {
        return Err(fail("revoked", false));
    }
    Ok(VerifiedSignature {
        signer_id: Some(signer),
        payload: B64.decode(&env.payload).unwrap(),
    })
}

/// A chain of `n` entries signed by the witness.
pub fn chain(n: u64) -> Vec<SignedEnvelope> {
    let mut out: Vec<SignedEnvelope> = Vec::new();
    let mut prev = crate::GENESIS_HASH.to_string();
    for seq in 1..=n {
        let env = fake_sign(WITNESS, &entry(seq, &prev));
        prev = entry_hash(&env).unwrap();
        out.push(env);
    }
    out
}

/// A receipt as the platform signs it.
pub fn receipt(env: &SignedEnvelope) -> SignedEnvelope {
    let e = crate::decode_unverified(env).unwrap();
    fake_sign_value(
        "platform",
        RECEIPT_TYP,
        &Receipt {
            purpose: RECEIPT_PURPOSE.into(),
            platform_id: "sandbox-1".into(),
            kind: WITNESS_RECEIPT_KIND.into(),
            submission_id: e.entry_id,
            project_id: e.project_id,
            submitted_by: e.witness_id,
            submitter_role: pingshen_api::Role::Witness,
            signer_fingerprint: "00".repeat(32),
            body_sha256: entry_hash(env).unwrap(),
            received_at: datetime!(2026-11-30 02:00:00 UTC),
        },
    )
}

/// What the platform exports for the log `entries`.
pub fn export_of(entries: &[SignedEnvelope]) -> WitnessExport {
    let lines = entries
        .iter()
        .map(|env| {
            let e = crate::decode_unverified(env).unwrap();
            AttestedEntry {
                seq: e.seq,
                entry_id: e.entry_id,
                entry_hash: entry_hash(env).unwrap(),
                received_at: datetime!(2026-11-30 02:00:00 UTC),
            }
        })
        .collect();
    let attestation = fake_sign_value(
        "platform",
        WITNESS_LOG_TYP,
        &WitnessLogAttestation {
            purpose: WITNESS_LOG_PURPOSE.into(),
            platform_id: "sandbox-1".into(),
            project_id: PROJECT.into(),
            witness_id: WITNESS.into(),
            exported_at: datetime!(2026-11-30 03:00:00 UTC),
            entries: lines,
        },
    );
    WitnessExport {
        format: WITNESS_EXPORT_FORMAT.into(),
        project_id: PROJECT.into(),
        witness_id: WITNESS.into(),
        entries: entries.to_vec(),
        receipts: entries.iter().map(receipt).collect(),
        attestation,
    }
}

/// Re-signs `env`'s entry after `change` (what only the witness's key can do).
pub fn resign(env: &SignedEnvelope, change: impl FnOnce(&mut WitnessEntry)) -> SignedEnvelope {
    let mut e = crate::decode_unverified(env).unwrap();
    change(&mut e);
    fake_sign(WITNESS, &e)
}

/// Changes the payload's text without re-signing (what anyone can do).
pub fn edit_without_signing(env: &SignedEnvelope, text: &str) -> SignedEnvelope {
    let mut e = crate::decode_unverified(env).unwrap();
    e.text = text.into();
    SignedEnvelope {
        payload: B64.encode(serde_json::to_vec(&e).unwrap()),
        ..env.clone()
    }
}
