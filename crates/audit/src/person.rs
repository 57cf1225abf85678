//! One person's signed document with the platform's receipt for it: the
//! check every consumer makes before believing it — the auditor for each
//! member of a package, the desktop before it shows (and scores by) the
//! rules staff published.

use crate::{sha256_hex, wire};
use pingshen_api::{Receipt, Role, SignedWithReceipt, RECEIPT_PURPOSE, RECEIPT_TYP};
use pingshen_pki::envelope::{verify_parsed, VerifyOptions};
use pingshen_pki::{PlatformPins, TrustStore};
use serde::de::DeserializeOwned;

/// What the document must be.
pub struct Expect<'a> {
    /// Envelope `typ`.
    pub typ: &'a str,
    /// The receipt's `kind`.
    pub kind: &'a str,
    /// The role the platform must have accepted it from.
    pub role: Role,
    pub project: &'a str,
    /// The platform the receipt must come from, when known.
    pub platform_id: Option<&'a str>,
}

/// A person's document that verified, with what its receipt says.
#[derive(Debug, Clone)]
pub struct PersonDoc<T> {
    pub doc: T,
    /// The platform's receipt for it (verified).
    pub receipt: Receipt,
    /// The signer's name in their certificate.
    pub signer_name: Option<String>,
}

/// Why a document was refused: a stable code, the person concerned when
/// known, a Chinese message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub code: String,
    pub who: Option<String>,
    pub message: String,
}

impl Refusal {
    fn new(code: &str, who: Option<&str>, message: impl Into<String>) -> Self {
        Refusal {
            code: code.to_string(),
            who: who.map(str::to_string),
            message: message.into(),
        }
    }
}

/// Verifies a document the platform signed, by the pinned certificate at
/// the time it claims, and parses its payload.
pub fn platform_document<T: DeserializeOwned>(
    trust: &TrustStore,
    pins: &PlatformPins,
    env: &pingshen_api::SignedEnvelope,
    typ: &str,
) -> Result<(T, pingshen_pki::OffsetDateTime), Refusal> {
    let v = pins.verify(trust, &wire(env), typ).map_err(|e| {
        Refusal::new(
            e.code(),
            None,
            format!("平台签名文件未通过验证：{}", e.message_zh()),
        )
    })?;
    let doc = serde_json::from_slice(&v.payload_bytes).map_err(|e| {
        Refusal::new(
            "bad_document",
            None,
            format!("平台签名文件内容无法解析：{e}"),
        )
    })?;
    Ok((doc, v.signed_at))
}

/// The platform's receipt for `item`, verified: pinned, of the expected
/// kind, for this project (and platform), over this very envelope.
fn receipt_for(
    trust: &TrustStore,
    pins: &PlatformPins,
    item: &SignedWithReceipt,
    expect: &Expect<'_>,
) -> Result<Receipt, Refusal> {
    let (receipt, _): (Receipt, _) = platform_document(trust, pins, &item.receipt, RECEIPT_TYP)
        .map_err(|r| Refusal {
            message: format!("平台回执：{}", r.message),
            ..r
        })?;
    let who = receipt.submitted_by.clone();
    let w = Some(who.as_str());
    if receipt.purpose != RECEIPT_PURPOSE || receipt.kind != expect.kind {
        return Err(Refusal::new(
            "receipt_mismatch",
            w,
            format!("回执是“{}”的回执，不是“{}”的", receipt.kind, expect.kind),
        ));
    }
    if receipt.project_id != expect.project {
        return Err(Refusal::new(
            "foreign_project",
            w,
            format!(
                "回执属于项目 {}，不是本项目 {}",
                receipt.project_id, expect.project
            ),
        ));
    }
    if expect.platform_id.is_some_and(|p| p != receipt.platform_id) {
        return Err(Refusal::new("receipt_mismatch", w, "回执出自另一个平台"));
    }
    let body = serde_json::to_string(&item.envelope).unwrap_or_default();
    if receipt.body_sha256 != sha256_hex(body.as_bytes()) {
        return Err(Refusal::new(
            "receipt_mismatch",
            w,
            "回执与所附签名文件不对应（哈希不符）：签名文件被改动或替换",
        ));
    }
    Ok(receipt)
}

/// A document a person signs — or, where the platform may issue it itself
/// under the published rules (an abnormal-price review's question), one
/// the platform signed: its receipt then names the platform as submitter
/// in the platform's role, the envelope verifies by the pinned platform
/// certificate, and the document names the platform (`platform_author`)
/// as its author. Anything else is checked as [`person_document`].
pub fn person_or_platform_document<T: DeserializeOwned>(
    trust: &TrustStore,
    pins: &PlatformPins,
    item: &SignedWithReceipt,
    expect: &Expect<'_>,
    platform_author: &str,
    author: impl Fn(&T) -> String,
    project: impl Fn(&T) -> String,
) -> Result<PersonDoc<T>, Refusal> {
    let receipt = receipt_for(trust, pins, item, expect)?;
    if receipt.submitter_role != Role::Platform {
        return signed_by_person(trust, item, expect, receipt, author, project);
    }
    let (doc, _): (T, _) = platform_document(trust, pins, &item.envelope, expect.typ)?;
    let named = author(&doc);
    if named != platform_author || receipt.submitted_by != platform_author {
        return Err(Refusal::new(
            "wrong_signer",
            Some(&named),
            format!(
                "平台签署的文件写明的提交人是 {named}（回执记载 {}），平台只能以自己的名义签发",
                receipt.submitted_by
            ),
        ));
    }
    in_project(&project(&doc), expect, None)?;
    Ok(PersonDoc {
        doc,
        receipt,
        signer_name: Some(Role::Platform.label_zh().to_string()),
    })
}

/// A person's document with the platform's receipt for it. The receipt is
/// the platform's (pinned), of the expected kind, for this project and this
/// very envelope, accepted from the expected role; the envelope verifies
/// with its chain valid — and not revoked — at the receipt's time; the
/// certificate is the one the receipt names and belongs to the person the
/// document names (`author`) and the receipt names.
pub fn person_document<T: DeserializeOwned>(
    trust: &TrustStore,
    pins: &PlatformPins,
    item: &SignedWithReceipt,
    expect: &Expect<'_>,
    author: impl Fn(&T) -> String,
    project: impl Fn(&T) -> String,
) -> Result<PersonDoc<T>, Refusal> {
    let receipt = receipt_for(trust, pins, item, expect)?;
    signed_by_person(trust, item, expect, receipt, author, project)
}

/// The rest of [`person_document`], its receipt verified.
fn signed_by_person<T: DeserializeOwned>(
    trust: &TrustStore,
    item: &SignedWithReceipt,
    expect: &Expect<'_>,
    receipt: Receipt,
    author: impl Fn(&T) -> String,
    project: impl Fn(&T) -> String,
) -> Result<PersonDoc<T>, Refusal> {
    let who = receipt.submitted_by.clone();
    let w = Some(who.as_str());
    let v = verify_parsed(
        trust,
        &wire(&item.envelope),
        &VerifyOptions {
            // The receipt's time is the platform's: revocation counts from
            // its date, whatever time the signer wrote.
            at: Some(receipt.received_at),
            expected_typ: Some(expect.typ.to_string()),
        },
    )
    .map_err(|e| {
        let message = if e.code() == "revoked" {
            format!(
                "平台收到该文件时（{}）签名证书已被吊销：{}",
                pingshen_pki::envelope::format_time(receipt.received_at),
                e.message_zh()
            )
        } else {
            format!("签名未通过验证：{}", e.message_zh())
        };
        Refusal::new(e.code(), w, message)
    })?;
    let doc: T = serde_json::from_slice(&v.payload_bytes)
        .map_err(|e| Refusal::new("bad_document", w, format!("签名内容无法解析：{e}")))?;
    let named = author(&doc);
    if v.signer.fingerprint_sha256 != receipt.signer_fingerprint
        || v.signer.person_id.as_deref() != Some(who.as_str())
        || named != who
    {
        return Err(Refusal::new(
            "wrong_signer",
            Some(&named),
            format!(
                "文件写明的人员 {named}、签名证书（{}）与平台回执记载的提交人 {who} 不一致",
                v.signer.person_id.as_deref().unwrap_or("未知")
            ),
        ));
    }
    if receipt.submitter_role != expect.role {
        return Err(Refusal::new(
            "wrong_role",
            w,
            format!(
                "平台以“{}”身份接收，此文件须由{}签署",
                receipt.submitter_role.label_zh(),
                expect.role.label_zh()
            ),
        ));
    }
    in_project(&project(&doc), expect, w)?;
    Ok(PersonDoc {
        doc,
        receipt,
        signer_name: v.signer.subject_cn,
    })
}

/// The document names the expected project.
fn in_project(named: &str, expect: &Expect<'_>, who: Option<&str>) -> Result<(), Refusal> {
    if named == expect.project {
        return Ok(());
    }
    Err(Refusal::new(
        "foreign_project",
        who,
        format!("文件属于项目 {named}，不是本项目 {}", expect.project),
    ))
}
