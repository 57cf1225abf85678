//! The rules as published: signed by a staff member and receipted by the
//! platform, with the text, hash, version, publisher and time that travel
//! beside the envelope all equal to what was signed and receipted. The
//! desktop checks this before it shows the rules or lets an expert sign a
//! sheet naming their hash; the auditor for the package.

use crate::person::{person_document, Expect, Refusal};
use crate::sha256_hex;
use pingshen_api::{PublishedRules, Role, RulesDocument, SignedWithReceipt, RULES_TYP};
use pingshen_pki::{PlatformPins, TrustStore};
use pingshen_rules::Rules;

/// A refusal names the field of [`PublishedRules`] that is wrong.
pub struct RulesRefusal {
    pub field: &'static str,
    pub refusal: Refusal,
}

fn wrong(field: &'static str, code: &str, message: &str) -> RulesRefusal {
    RulesRefusal {
        field,
        refusal: Refusal {
            code: code.to_string(),
            who: None,
            message: message.to_string(),
        },
    }
}

/// Verifies published rules of `project` and parses them.
pub fn verify_published_rules(
    trust: &TrustStore,
    pins: &PlatformPins,
    r: &PublishedRules,
    project: &str,
    platform_id: Option<&str>,
) -> Result<Rules, Vec<RulesRefusal>> {
    let item = SignedWithReceipt {
        envelope: r.envelope.clone(),
        receipt: r.receipt.clone(),
    };
    let signed = person_document::<RulesDocument>(
        trust,
        pins,
        &item,
        &Expect {
            typ: RULES_TYP,
            kind: "rules",
            role: Role::Staff,
            project,
            platform_id,
        },
        |_| r.published_by.clone(),
        |d| d.project_id.clone(),
    )
    .map_err(|refusal| vec![RulesRefusal { field: "", refusal }])?;
    let mut problems = Vec::new();
    if signed.doc.rules_toml != r.rules_toml {
        problems.push(wrong(
            "rules_toml",
            "rules_mismatch",
            "评标办法文本与工作人员签名的文本不一致",
        ));
    }
    if sha256_hex(signed.doc.rules_toml.as_bytes()) != r.sha256 {
        problems.push(wrong(
            "sha256",
            "rules_mismatch",
            "评标办法的 SHA-256 与其签名文本不符",
        ));
    }
    if r.published_at != signed.receipt.received_at {
        problems.push(wrong(
            "published_at",
            "rules_mismatch",
            "发布时间与平台回执记载的时间不符",
        ));
    }
    if signed.signer_name.as_deref() != Some(r.published_by_name.as_str()) {
        problems.push(wrong(
            "published_by_name",
            "rules_mismatch",
            "发布人姓名与签名证书不符",
        ));
    }
    if r.project_id != project {
        problems.push(wrong(
            "project_id",
            "foreign_project",
            "评标办法属于其他项目",
        ));
    }
    // The platform's receipt of a publication names its version.
    if signed.receipt.submission_id != format!("{project}/rules/{}", r.version) {
        problems.push(wrong(
            "version",
            "rules_mismatch",
            "评标办法版本与平台回执记载的版本不符",
        ));
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Rules::from_toml(&r.rules_toml).map_err(|_| {
        vec![wrong(
            "rules_toml",
            "rules_mismatch",
            "已签名的评标办法无法解析",
        )]
    })
}
