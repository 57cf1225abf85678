//! Offline verification of an evaluation package (评标档案包).
//!
//! An auditor holds the package, the recognised CAs' roots and the
//! platform's pinned certificate fingerprint; nothing else is trusted. The
//! verifier checks that every document is signed by whoever is responsible
//! for it (the platform's records, staff's rules, each expert's documents
//! with the platform's receipt), that **nothing is missing** (everyone the
//! signed panel record names has every document it must have), that lists
//! are complete and in canonical order, and recomputes every number from
//! the signed inputs only. Format and rules: `docs/package.md`.

mod audit;
mod clarifications;
mod completeness;
mod motions;
pub mod person;
mod problem;
mod recompute;
pub mod rules;
mod witness_logs;

pub use person::{
    person_document, person_or_platform_document, platform_document, Expect, PersonDoc, Refusal,
};
pub use problem::{Checked, Problem, Verdict};
pub use rules::{verify_published_rules, RulesRefusal};

use pingshen_api::SignedEnvelope;
use pingshen_pki::Envelope;
use sha2::{Digest, Sha256};

pub(crate) fn wire(env: &SignedEnvelope) -> Envelope {
    Envelope {
        protected: env.protected.clone(),
        payload: env.payload.clone(),
        signature: env.signature.clone(),
    }
}

pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

use pingshen_api::{EvaluationPackage, EVALUATION_PACKAGE_FORMAT};
use pingshen_pki::{PlatformPins, TrustStore};

/// Verifies a package's bytes. `trust` holds the recognised roots (and any
/// CRLs the auditor has); the package's own CRLs are added, and revocation
/// is hard-fail: a document whose signer's revocation status cannot be
/// established is a problem (`revocation_unknown`).
pub fn verify_package(bytes: &[u8], mut trust: TrustStore, pins: &PlatformPins) -> Verdict {
    let package: EvaluationPackage = match serde_json::from_slice(bytes) {
        Ok(p) => p,
        Err(e) => {
            return Verdict::refused(
                "bad_package",
                format!("评标档案包格式错误（成员缺失、多余或类型不符）：{e}"),
            )
        }
    };
    if package.format != EVALUATION_PACKAGE_FORMAT {
        return Verdict::refused(
            "bad_package",
            format!("不支持的档案包版本：{}", package.format),
        );
    }
    if pins.is_empty() {
        return Verdict::refused(
            "platform_cert_required",
            "须指定评标平台签名证书的指纹或证书文件（--platform-cert），才能确认哪些文件是平台签发的"
                .to_string(),
        );
    }
    for (i, pem) in package.crls.iter().enumerate() {
        if let Err(e) = trust.add_crl_bytes(pem.as_bytes()) {
            return Verdict::refused(
                "bad_package",
                format!("crls[{i}] 无法解析：{}", e.message_zh()),
            );
        }
    }
    trust.set_require_crl(true);
    let mut a = audit::Audit::new(&trust, pins, &package.project_id);
    audit::check(&package, &mut a);
    a.finish(&package)
}
