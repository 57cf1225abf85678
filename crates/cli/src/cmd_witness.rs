//! `pingshen verify --trust DIR WITNESS_EXPORT.json`: an exported witness
//! log (见证记录导出文件), recognised by its `format`, is verified as a
//! whole — the platform's attestation and receipts, every entry's signature
//! and the chain — instead of as a single envelope.
//!
//! Prints one JSON object `{ok, code, entry, message}`: `code` is `intact`,
//! or the first problem (`removed`, `reordered`, `inserted`, `altered`, a
//! signature code, …) with `entry` naming it (`seq`, `entry_id`,
//! `position`). Exits 0 only for an intact log, 1 otherwise.

use pingshen_pki::{OffsetDateTime, PkiError, PlatformPins, TrustStore};
use pingshen_witness::pki::TrustVerifier;
use pingshen_witness::{verify_export, Fault, FaultKind, Verdict, WitnessExport};

/// True when `bytes` is a JSON document claiming to be a witness export
/// (any version: a future one is then refused with `bad_export`).
pub fn is_witness_export(bytes: &[u8]) -> bool {
    serde_json::from_slice::<serde_json::Value>(bytes)
        .ok()
        .and_then(|v| v.get("format")?.as_str().map(str::to_string))
        .is_some_and(|f| f.starts_with("pingshen.witness-export"))
}

/// Verifies an export with the trust store and validation time that
/// `pingshen verify` parsed from its options.
pub fn verify_export_file(
    bytes: &[u8],
    trust: Result<TrustStore, PkiError>,
    at: Result<Option<OffsetDateTime>, PkiError>,
    pins: Result<PlatformPins, PkiError>,
) -> anyhow::Result<u8> {
    let outcome = (|| {
        // The document first: a broken one is `bad_export` whatever the trust.
        let export: WitnessExport = serde_json::from_slice(bytes).map_err(|e| {
            Fault::new(
                FaultKind::BadExport,
                None,
                format!("见证记录导出文件格式错误：{e}"),
            )
        })?;
        let trust = trust.map_err(pki_fault)?;
        let at = at.map_err(pki_fault)?;
        let platform = pins.map_err(pki_fault)?;
        if platform.is_empty() {
            return Err(Fault::new(
                FaultKind::Signature("platform_cert_required".into()),
                None,
                "须用 --platform-cert 指定评标平台签名证书的指纹或证书文件，才能确认回执和证明是平台签发的",
            ));
        }
        verify_export(
            &export,
            &TrustVerifier {
                trust: &trust,
                at,
                platform: &platform,
            },
        )
    })();
    let verdict = Verdict::of(&outcome);
    println!("{}", serde_json::to_string_pretty(&verdict)?);
    Ok(if verdict.ok { 0 } else { 1 })
}

fn pki_fault(e: PkiError) -> Fault {
    Fault::new(
        FaultKind::Signature(e.code().to_string()),
        None,
        e.message_zh(),
    )
}
