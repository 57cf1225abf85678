//! `pingshen verify --trust DIR PACKAGE.json`: an evaluation package
//! (评标档案包), recognised by its `format`, is re-verified as a whole:
//!
//! - every signature (the staff's rules, each declaration, every version of
//!   every score sheet, each expert's signature over the report) against the
//!   recognised CAs, and that each document names the person who signed it;
//! - every platform receipt: signed by the platform, for that document (the
//!   SHA-256 of its envelope), by that person;
//! - the report: its bytes hash to what every expert signed;
//! - the numbers: the price scores, each bidder's totals and the ranking are
//!   recomputed from the signed rules and the latest signed sheet of each
//!   expert, and compared with the result the platform recorded.
//!
//! Prints `{ok, code, checked, problems: [{what, message}]}`; exits 0 only
//! when nothing is wrong.

use base64::Engine;
use pingshen_api::{
    Declaration, EvaluationPackage, Receipt, ReportSignature, ScoreSheet, SignedEnvelope,
    SignedWithReceipt, DECLARATION_TYP, EVALUATION_PACKAGE_FORMAT, RECEIPT_TYP,
    REPORT_SIGNATURE_TYP, RULES_TYP, SCORE_SHEET_TYP,
};
use pingshen_pki::envelope::{verify_parsed, Envelope, VerifiedEnvelope, VerifyOptions};
use pingshen_pki::{OffsetDateTime, PkiError, TrustStore};
use pingshen_rules::{ExpertSheet, PriceInput, PriceRequest, Rules};
use serde_json::json;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// The subject serialNumber of the platform's signing certificate.
const PLATFORM_ID: &str = "platform";

pub fn is_evaluation_package(bytes: &[u8]) -> bool {
    serde_json::from_slice::<serde_json::Value>(bytes)
        .ok()
        .and_then(|v| v.get("format")?.as_str().map(str::to_string))
        .is_some_and(|f| f.starts_with("pingshen-evaluation-package"))
}

struct Checker<'a> {
    trust: &'a TrustStore,
    at: Option<OffsetDateTime>,
    problems: Vec<serde_json::Value>,
    signatures: usize,
    receipts: usize,
}

impl Checker<'_> {
    fn problem(&mut self, what: impl Into<String>, message: impl Into<String>) {
        self.problems
            .push(json!({"what": what.into(), "message": message.into()}));
    }

    fn verify(&mut self, what: &str, env: &SignedEnvelope, typ: &str) -> Option<VerifiedEnvelope> {
        let parsed = Envelope {
            protected: env.protected.clone(),
            payload: env.payload.clone(),
            signature: env.signature.clone(),
        };
        match verify_parsed(
            self.trust,
            &parsed,
            &VerifyOptions {
                at: self.at,
                expected_typ: Some(typ.to_string()),
            },
        ) {
            Ok(v) => {
                self.signatures += 1;
                Some(v)
            }
            Err(e) => {
                self.problem(
                    what,
                    format!("签名无效（{}）：{}", e.code(), e.message_zh()),
                );
                None
            }
        }
    }

    /// The receipt is the platform's, for exactly this envelope, from `by`.
    fn receipt(&mut self, what: &str, item: &SignedWithReceipt, by: &str) {
        let Some(v) = self.verify(&format!("{what} 的平台回执"), &item.receipt, RECEIPT_TYP)
        else {
            return;
        };
        if v.signer.person_id.as_deref() != Some(PLATFORM_ID) {
            self.problem(what, "回执不是评标平台签发的");
            return;
        }
        let Ok(r) = serde_json::from_slice::<Receipt>(&v.payload_bytes) else {
            self.problem(what, "回执内容无法解析");
            return;
        };
        let body = serde_json::to_string(&item.envelope).unwrap_or_default();
        if r.body_sha256 != hex::encode(Sha256::digest(body.as_bytes())) {
            self.problem(what, "回执与所附签名文件不对应（哈希不符）");
        } else if r.submitted_by != by {
            self.problem(
                what,
                format!("回执的提交人 {} 与签名人 {by} 不符", r.submitted_by),
            );
        } else {
            self.receipts += 1;
        }
    }

    /// The signed payload, when the envelope verifies and its signer is `who`
    /// (the document's own claim of who made it).
    fn signed_by<T: serde::de::DeserializeOwned>(
        &mut self,
        what: &str,
        item: &SignedWithReceipt,
        typ: &str,
        who: impl Fn(&T) -> String,
    ) -> Option<T> {
        let v = self.verify(what, &item.envelope, typ)?;
        let doc: T = match serde_json::from_slice(&v.payload_bytes) {
            Ok(d) => d,
            Err(e) => {
                self.problem(what, format!("签名内容无法解析：{e}"));
                return None;
            }
        };
        let claimed = who(&doc);
        if v.signer.person_id.as_deref() != Some(claimed.as_str()) {
            self.problem(
                what,
                format!(
                    "文件写明的人员 {claimed} 与签名证书（{}）不符",
                    v.signer.person_id.as_deref().unwrap_or("未知")
                ),
            );
            return None;
        }
        self.receipt(what, item, &claimed);
        Some(doc)
    }
}

fn check(p: &EvaluationPackage, c: &mut Checker<'_>) {
    let project = &p.project.summary.id;
    // Rules, as the staff member signed them.
    let rules_item = SignedWithReceipt {
        envelope: p.rules.envelope.clone(),
        receipt: p.rules.receipt.clone(),
    };
    let rules_doc: Option<pingshen_api::RulesDocument> =
        c.signed_by("评标办法", &rules_item, RULES_TYP, |_| {
            p.rules.published_by.clone()
        });
    let rules = match rules_doc {
        Some(d) if d.rules_toml == p.rules.rules_toml && d.project_id == *project => {
            match Rules::from_toml(&d.rules_toml) {
                Ok(r) => Some(r),
                Err(_) => {
                    c.problem("评标办法", "已签名的评标办法无法解析");
                    None
                }
            }
        }
        Some(_) => {
            c.problem("评标办法", "档案中的评标办法与工作人员签名的文本不一致");
            None
        }
        None => None,
    };
    if hex::encode(Sha256::digest(p.rules.rules_toml.as_bytes())) != p.rules.sha256 {
        c.problem("评标办法", "评标办法的 SHA-256 与其文本不符");
    }

    for d in &p.declarations {
        let _ =
            c.signed_by::<Declaration>("回避声明", d, DECLARATION_TYP, |x| x.expert_id.clone());
    }

    // Sheets: the latest signed version per expert counts.
    let mut latest: BTreeMap<String, ScoreSheet> = BTreeMap::new();
    for s in &p.sheets {
        if let Some(doc) =
            c.signed_by::<ScoreSheet>("评分表", s, SCORE_SHEET_TYP, |x| x.expert_id.clone())
        {
            if doc.project_id != *project {
                c.problem(format!("评分表 {}", doc.expert_id), "评分表属于其他项目");
                continue;
            }
            let keep = latest
                .get(&doc.expert_id)
                .is_none_or(|old| old.version < doc.version);
            if keep {
                latest.insert(doc.expert_id.clone(), doc);
            }
        }
    }

    // The report: what every expert signed is these bytes.
    match base64::engine::general_purpose::STANDARD.decode(p.report_pdf_base64.as_bytes()) {
        Ok(pdf) if hex::encode(Sha256::digest(&pdf)) == p.report_sha256 => {}
        Ok(_) => c.problem("评标报告", "报告文件的 SHA-256 与档案记载不符"),
        Err(_) => c.problem("评标报告", "报告文件无法解码"),
    }
    for s in &p.report_signatures {
        if let Some(doc) =
            c.signed_by::<ReportSignature>("评标报告签名", s, REPORT_SIGNATURE_TYP, |x| {
                x.expert_id.clone()
            })
        {
            if doc.report_sha256 != p.report_sha256 {
                c.problem(
                    format!("评标报告签名 {}", doc.expert_id),
                    "签名确认的不是本报告（哈希不符）",
                );
            }
        }
    }

    // The numbers, recomputed from the signed rules and sheets.
    let Some(rules) = rules else { return };
    let sheets: Vec<ExpertSheet> = latest.into_values().map(|s| s.sheet).collect();
    let prices = PriceRequest {
        bids: p
            .project
            .bidders
            .iter()
            .map(|b| PriceInput {
                bidder: b.id.clone(),
                price: b.bid_price,
                valid_after_preliminary: true,
            })
            .collect(),
        ceiling: Some(p.project.summary.ceiling_price),
        k: p.project.k,
    };
    let uses_prices = rules.price.is_some();
    let again =
        match pingshen_rules::aggregate(&rules, &sheets, uses_prices.then_some(&prices), &[]) {
            Ok(r) => r,
            Err(e) => {
                c.problem(
                    "重算",
                    format!(
                        "无法由已签名评分表重算：{}",
                        e.0.iter()
                            .map(|d| d.message_zh.clone())
                            .collect::<Vec<_>>()
                            .join("；")
                    ),
                );
                return;
            }
        };
    let recorded = &p.result;
    for b in &again.bidders {
        let Some(r) = recorded.bidders.iter().find(|x| x.bidder == b.bidder) else {
            c.problem(format!("投标人 {}", b.bidder), "档案结果中缺少该投标人");
            continue;
        };
        let pairs = [
            ("价格分", b.price_score, r.price_score),
            ("合计", b.total, r.total),
            ("评审价", b.evaluated_price, r.evaluated_price),
        ];
        for (name, mine, theirs) in pairs {
            if mine != theirs {
                c.problem(
                    format!("投标人 {} {name}", b.bidder),
                    format!(
                        "档案记载 {}，由已签名评分表重算为 {}",
                        theirs.map(|d| d.to_string()).unwrap_or_else(|| "—".into()),
                        mine.map(|d| d.to_string()).unwrap_or_else(|| "—".into())
                    ),
                );
            }
        }
    }
    let rank = |r: &pingshen_rules::PanelResult| {
        r.ranking
            .entries
            .iter()
            .map(|e| format!("{}:{}", e.rank, e.bidder))
            .collect::<Vec<_>>()
    };
    if rank(&again) != rank(recorded) {
        c.problem(
            "排序",
            format!(
                "档案排序 {}，重算排序 {}",
                rank(recorded).join(" "),
                rank(&again).join(" ")
            ),
        );
    }
}

pub fn verify_package_file(
    bytes: &[u8],
    trust: Result<TrustStore, PkiError>,
    at: Result<Option<OffsetDateTime>, PkiError>,
) -> anyhow::Result<u8> {
    let fail = |code: &str, message: String| {
        crate::cmd_pki::print(
            &json!({"ok": false, "code": code, "message": message, "problems": []}),
        );
        Ok(1)
    };
    let package: EvaluationPackage = match serde_json::from_slice(bytes) {
        Ok(p) => p,
        Err(e) => return fail("bad_package", format!("评标档案包格式错误：{e}")),
    };
    if package.format != EVALUATION_PACKAGE_FORMAT {
        return fail(
            "bad_package",
            format!("不支持的档案包版本：{}", package.format),
        );
    }
    let trust = match trust {
        Ok(t) => t,
        Err(e) => return fail(e.code(), e.message_zh()),
    };
    let at = match at {
        Ok(a) => a,
        Err(e) => return fail(e.code(), e.message_zh()),
    };
    let mut c = Checker {
        trust: &trust,
        at,
        problems: Vec::new(),
        signatures: 0,
        receipts: 0,
    };
    check(&package, &mut c);
    let ok = c.problems.is_empty();
    crate::cmd_pki::print(&json!({
        "ok": ok,
        "code": if ok { "intact" } else { "mismatch" },
        "project": package.project.summary.id,
        "checked": {
            "signatures": c.signatures,
            "receipts": c.receipts,
            "sheets": package.sheets.len(),
            "report_signatures": package.report_signatures.len(),
        },
        "message": if ok {
            "评标档案包完整：签名、回执、报告哈希均有效，价格分、合计与排序重算一致".to_string()
        } else {
            format!("发现 {} 处问题", c.problems.len())
        },
        "problems": c.problems,
    }));
    Ok(if ok { 0 } else { 1 })
}
