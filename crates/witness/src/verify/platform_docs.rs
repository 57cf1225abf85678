//! The platform's documents in an export: its signed attestation of the
//! whole log and its receipt of each entry. Both are checked before the
//! entries, since the entries are judged against them.

use super::{EntryRef, EnvelopeVerifier, Fault, FaultKind, PLATFORM_SIGNER_ID};
use crate::hash::is_sha256_hex;
use pingshen_api::{
    Receipt, SignedEnvelope, WitnessExport, WitnessLogAttestation, RECEIPT_PURPOSE, RECEIPT_TYP,
    WITNESS_LOG_PURPOSE, WITNESS_LOG_TYP, WITNESS_RECEIPT_KIND,
};
use std::collections::{HashMap, HashSet};

/// Verifies the attestation and checks it describes this export's log as a
/// well-formed list (seq 1, 2, 3…, distinct ids and hashes).
pub(crate) fn attestation(
    export: &WitnessExport,
    verifier: &dyn EnvelopeVerifier,
) -> Result<WitnessLogAttestation, Fault> {
    let bad = |what: String| {
        Fault::general(
            FaultKind::BadAttestation,
            format!("平台的见证日志证明{what}"),
        )
    };
    let att: WitnessLogAttestation =
        platform_payload(&export.attestation, WITNESS_LOG_TYP, verifier).map_err(bad)?;
    if att.purpose != WITNESS_LOG_PURPOSE {
        return Err(bad(format!("用途为“{}”", att.purpose)));
    }
    if att.project_id != export.project_id || att.witness_id != export.witness_id {
        return Err(bad(format!(
            "针对的是项目 {} 见证人 {}，而导出文件标明项目 {} 见证人 {}",
            att.project_id, att.witness_id, export.project_id, export.witness_id
        )));
    }
    let mut ids = HashSet::new();
    let mut hashes = HashSet::new();
    for (k, e) in att.entries.iter().enumerate() {
        let ok = e.seq == k as u64 + 1
            && is_sha256_hex(&e.entry_hash)
            && ids.insert(e.entry_id.as_str())
            && hashes.insert(e.entry_hash.as_str());
        if !ok {
            return Err(bad(format!("第 {} 行不是序号 {} 的唯一记录", k + 1, k + 1)));
        }
    }
    Ok(att)
}

/// A receipt's binding: which envelope hash the platform received for an entry id.
pub(crate) struct ReceiptOf {
    pub body_sha256: String,
}

/// Verifies every receipt and indexes them by entry id.
pub(crate) fn receipts(
    export: &WitnessExport,
    att: &WitnessLogAttestation,
    verifier: &dyn EnvelopeVerifier,
) -> Result<HashMap<String, ReceiptOf>, Fault> {
    let mut out: HashMap<String, ReceiptOf> = HashMap::new();
    for (r, env) in export.receipts.iter().enumerate() {
        let n = r + 1;
        let receipt: Receipt = platform_payload(env, RECEIPT_TYP, verifier).map_err(|what| {
            Fault::general(FaultKind::BadReceipt, format!("第 {n} 张平台回执{what}"))
        })?;
        let named = EntryRef {
            entry_id: Some(receipt.submission_id.clone()),
            ..EntryRef::default()
        };
        let problem = if receipt.purpose != RECEIPT_PURPOSE || receipt.kind != WITNESS_RECEIPT_KIND
        {
            Some(format!(
                "第 {n} 张平台回执不是见证记录的回执（{}）",
                receipt.kind
            ))
        } else if receipt.project_id != att.project_id || receipt.submitted_by != att.witness_id {
            Some(format!(
                "第 {n} 张平台回执属于项目 {} 的 {}，不属于本日志",
                receipt.project_id, receipt.submitted_by
            ))
        } else if receipt.platform_id != att.platform_id {
            Some(format!(
                "第 {n} 张平台回执出自平台 {}，而日志证明出自平台 {}",
                receipt.platform_id, att.platform_id
            ))
        } else if !is_sha256_hex(&receipt.body_sha256) {
            Some(format!("第 {n} 张平台回执的内容哈希格式错误"))
        } else {
            None
        };
        if let Some(p) = problem {
            return Err(Fault::about(FaultKind::BadReceipt, named, p));
        }
        match out.get(&receipt.submission_id) {
            Some(prior) if prior.body_sha256 != receipt.body_sha256 => {
                return Err(Fault::about(
                    FaultKind::BadReceipt,
                    named,
                    format!("第 {n} 张平台回执与同一记录的另一张回执内容哈希不同"),
                ))
            }
            Some(_) => {}
            None => {
                out.insert(
                    receipt.submission_id,
                    ReceiptOf {
                        body_sha256: receipt.body_sha256,
                    },
                );
            }
        }
    }
    Ok(out)
}

/// The entry id a receipt names, read without verifying it (the receipts
/// have been verified by [`receipts`] already).
pub(crate) fn receipt_entry_id(env: &SignedEnvelope) -> Option<String> {
    use base64::Engine;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(&env.payload)
        .ok()?;
    serde_json::from_slice::<Receipt>(&bytes)
        .ok()
        .map(|r| r.submission_id)
}

/// Verifies a platform-signed envelope of `typ` and parses its payload.
/// The error completes a sentence about the document.
fn platform_payload<T: serde::de::DeserializeOwned>(
    env: &SignedEnvelope,
    typ: &str,
    verifier: &dyn EnvelopeVerifier,
) -> Result<T, String> {
    let signed = verifier
        .verify(env, typ)
        .map_err(|f| format!("签名未通过验证：{}（{}）", f.message, f.code))?;
    if signed.signer_id.as_deref() != Some(PLATFORM_SIGNER_ID) {
        return Err(format!(
            "不是平台签发的（签名人 {}）",
            signed.signer_id.as_deref().unwrap_or("未知")
        ));
    }
    serde_json::from_slice(&signed.payload).map_err(|e| format!("内容格式错误：{e}"))
}
