//! The verification itself: each signed member checked against who must
//! have signed it, then completeness and the numbers.

use crate::problem::{Checked, Problem, Verdict};
use crate::{completeness, recompute, witness_logs};
use base64::Engine;
use pingshen_api::{
    Declaration, EvaluationPackage, LeaderVote, OpeningRecord, PanelRecord, Receipt,
    ReportSignature, Role, RulesDocument, ScoreSheet, SignedEnvelope, SignedWithReceipt,
    DECLARATION_TYP, LEADER_VOTE_TYP, OPENING_RECORD_TYP, PANEL_RECORD_TYP, RECEIPT_PURPOSE,
    RECEIPT_TYP, REPORT_SIGNATURE_TYP, RULES_TYP, SCORE_SHEET_TYP,
};
use pingshen_pki::envelope::{verify_parsed, Envelope, VerifyOptions};
use pingshen_pki::{OffsetDateTime, PlatformPins, TrustStore};
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};

pub(crate) struct Audit<'a> {
    pub trust: &'a TrustStore,
    pub pins: &'a PlatformPins,
    pub project: String,
    /// The platform id of the opening record: every platform document must carry it.
    pub platform_id: Option<String>,
    pub problems: Vec<Problem>,
    pub checked: Checked,
}

/// A person's document that verified, with what its receipt says.
pub(crate) struct PersonDoc<T> {
    pub doc: T,
    /// The platform's receipt for it (verified).
    pub receipt: Receipt,
    /// The signer's name in their certificate.
    pub signer_name: Option<String>,
}

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

impl<'a> Audit<'a> {
    pub fn new(trust: &'a TrustStore, pins: &'a PlatformPins, project: &str) -> Self {
        Audit {
            trust,
            pins,
            project: project.to_string(),
            platform_id: None,
            problems: Vec::new(),
            checked: Checked::default(),
        }
    }

    pub fn problem(
        &mut self,
        code: &str,
        member: impl Into<String>,
        who: Option<&str>,
        message: impl Into<String>,
    ) {
        self.problems.push(Problem {
            code: code.to_string(),
            member: member.into(),
            who: who.map(str::to_string),
            message: message.into(),
        });
    }

    /// A document the platform signed: by the pinned certificate, checked at
    /// the time it claims. Answers its payload and that time.
    pub fn platform_doc<T: DeserializeOwned>(
        &mut self,
        member: &str,
        env: &SignedEnvelope,
        typ: &str,
    ) -> Option<(T, OffsetDateTime)> {
        let v = match self.pins.verify(self.trust, &wire(env), typ) {
            Ok(v) => v,
            Err(e) => {
                self.problem(
                    e.code(),
                    member,
                    None,
                    format!("平台签名文件未通过验证：{}", e.message_zh()),
                );
                return None;
            }
        };
        self.checked.signatures += 1;
        match serde_json::from_slice(&v.payload_bytes) {
            Ok(doc) => Some((doc, v.signed_at)),
            Err(e) => {
                self.problem(
                    "bad_document",
                    member,
                    None,
                    format!("平台签名文件内容无法解析：{e}"),
                );
                None
            }
        }
    }

    /// A person's document with the platform's receipt for it. The receipt
    /// is the platform's (pinned), for this project and this very envelope,
    /// of `kind`, accepted from `role`; the envelope verifies with its chain
    /// valid — and not revoked — at the receipt's time; the certificate is
    /// the one the receipt names and belongs to the person the document
    /// names (`author`).
    pub fn person_doc<T: DeserializeOwned>(
        &mut self,
        member: &str,
        item: &SignedWithReceipt,
        typ: &str,
        kind: &str,
        role: Role,
        author: impl Fn(&T) -> String,
        project: impl Fn(&T) -> String,
    ) -> Option<PersonDoc<T>> {
        let (receipt, _) = self.platform_doc::<Receipt>(
            &format!("{member} 的平台回执"),
            &item.receipt,
            RECEIPT_TYP,
        )?;
        let who = receipt.submitted_by.clone();
        let body = serde_json::to_string(&item.envelope).unwrap_or_default();
        if receipt.purpose != RECEIPT_PURPOSE || receipt.kind != kind {
            self.problem(
                "receipt_mismatch",
                member,
                Some(&who),
                format!("回执是“{}”的回执，不是“{kind}”的", receipt.kind),
            );
            return None;
        }
        if receipt.project_id != self.project {
            self.problem(
                "foreign_project",
                member,
                Some(&who),
                format!(
                    "回执属于项目 {}，不是本项目 {}",
                    receipt.project_id, self.project
                ),
            );
            return None;
        }
        if Some(&receipt.platform_id) != self.platform_id.as_ref() {
            self.problem(
                "receipt_mismatch",
                member,
                Some(&who),
                "回执的平台编号与开标记录不符",
            );
            return None;
        }
        if receipt.body_sha256 != sha256_hex(body.as_bytes()) {
            self.problem(
                "receipt_mismatch",
                member,
                Some(&who),
                "回执与所附签名文件不对应（哈希不符）：签名文件被改动或替换",
            );
            return None;
        }
        self.checked.receipts += 1;
        let v = match verify_parsed(
            self.trust,
            &wire(&item.envelope),
            &VerifyOptions {
                // The receipt's time is the platform's: revocation counts
                // from its date, whatever time the signer wrote.
                at: Some(receipt.received_at),
                expected_typ: Some(typ.to_string()),
            },
        ) {
            Ok(v) => v,
            Err(e) => {
                let message = if e.code() == "revoked" {
                    format!(
                        "平台收到该文件时（{}）签名证书已被吊销：{}",
                        pingshen_pki::envelope::format_time(receipt.received_at),
                        e.message_zh()
                    )
                } else {
                    format!("签名未通过验证：{}", e.message_zh())
                };
                self.problem(e.code(), member, Some(&who), message);
                return None;
            }
        };
        self.checked.signatures += 1;
        let doc: T = match serde_json::from_slice(&v.payload_bytes) {
            Ok(d) => d,
            Err(e) => {
                self.problem(
                    "bad_document",
                    member,
                    Some(&who),
                    format!("签名内容无法解析：{e}"),
                );
                return None;
            }
        };
        let named = author(&doc);
        if v.signer.fingerprint_sha256 != receipt.signer_fingerprint
            || v.signer.person_id.as_deref() != Some(who.as_str())
            || named != who
        {
            self.problem(
                "wrong_signer",
                member,
                Some(&named),
                format!(
                    "文件写明的人员 {named}、签名证书（{}）与平台回执记载的提交人 {who} 不一致",
                    v.signer.person_id.as_deref().unwrap_or("未知")
                ),
            );
            return None;
        }
        if receipt.submitter_role != role {
            self.problem(
                "wrong_role",
                member,
                Some(&who),
                format!(
                    "平台以“{}”身份接收，此文件须由{}签署",
                    receipt.submitter_role.label_zh(),
                    role.label_zh()
                ),
            );
            return None;
        }
        if project(&doc) != self.project {
            self.problem(
                "foreign_project",
                member,
                Some(&who),
                format!(
                    "文件属于项目 {}，不是本项目 {}",
                    project(&doc),
                    self.project
                ),
            );
            return None;
        }
        Some(PersonDoc {
            doc,
            receipt,
            signer_name: v.signer.subject_cn,
        })
    }

    /// Keys of a list in the order given must be strictly increasing: an
    /// equal key is a duplicate, a smaller one a reordering.
    pub fn canonical_order(&mut self, member: &str, keys: &[(usize, String)]) {
        for pair in keys.windows(2) {
            let ((_, a), (i, b)) = (&pair[0], &pair[1]);
            if a == b {
                self.problem(
                    "duplicate",
                    format!("{member}[{i}]"),
                    Some(b),
                    format!("{member} 中 {b} 出现了两次"),
                );
            } else if b < a {
                self.problem(
                    "out_of_order",
                    format!("{member}[{i}]"),
                    Some(b),
                    format!("{member} 未按规定顺序排列（{b} 排在 {a} 之后）：档案包被重新排列过"),
                );
            }
        }
    }

    pub fn finish(self, package: &EvaluationPackage) -> Verdict {
        let ok = self.problems.is_empty();
        let incomplete = self.problems.iter().any(|p| p.code.starts_with("missing_"));
        let code = if ok {
            "intact"
        } else if incomplete {
            "incomplete"
        } else {
            "mismatch"
        };
        Verdict {
            ok,
            code: code.to_string(),
            project: Some(package.project_id.clone()),
            message: if ok {
                "评标档案包完整无误：各方签名、平台回执、报告哈希均有效，应有的文件一份不缺，价格分、合计与排序由已签名数据重算一致".to_string()
            } else {
                format!("发现 {} 处问题", self.problems.len())
            },
            checked: self.checked,
            problems: self.problems,
        }
    }
}

/// Everything, in dependency order: the platform's records first (they say
/// what must be there), then each person's documents, then completeness,
/// then the numbers.
pub(crate) fn check(p: &EvaluationPackage, a: &mut Audit<'_>) {
    let Some((opening, _)) =
        a.platform_doc::<OpeningRecord>("opening_record", &p.opening_record, OPENING_RECORD_TYP)
    else {
        return;
    };
    if opening.project_id != p.project_id {
        a.problem(
            "foreign_project",
            "opening_record",
            None,
            format!(
                "开标记录属于项目 {}，不是 {}",
                opening.project_id, p.project_id
            ),
        );
        return;
    }
    a.platform_id = Some(opening.platform_id.clone());
    let panel =
        match a.platform_doc::<PanelRecord>("panel_record", &p.panel_record, PANEL_RECORD_TYP) {
            Some((panel, signed_at)) => {
                if panel.project_id != p.project_id || panel.platform_id != opening.platform_id {
                    a.problem(
                        "foreign_project",
                        "panel_record",
                        None,
                        format!("评标委员会组成记录属于项目 {}", panel.project_id),
                    );
                    return;
                }
                if signed_at != p.exported_at {
                    a.problem(
                        "mismatch",
                        "exported_at",
                        None,
                        "导出时间与平台签署组成记录的时间不符",
                    );
                }
                panel
            }
            None => return,
        };

    // The rules, as staff signed them.
    let rules = rules(p, a);

    let declarations: Vec<(usize, PersonDoc<Declaration>)> =
        docs(a, "declarations", &p.declarations, |a, m, item| {
            a.person_doc(
                m,
                item,
                DECLARATION_TYP,
                "declaration",
                Role::Expert,
                |d: &Declaration| d.expert_id.clone(),
                |d| d.project_id.clone(),
            )
        });
    let votes: Vec<(usize, PersonDoc<LeaderVote>)> =
        docs(a, "leader_votes", &p.leader_votes, |a, m, item| {
            a.person_doc(
                m,
                item,
                LEADER_VOTE_TYP,
                "leader_vote",
                Role::Expert,
                |d: &LeaderVote| d.voter_id.clone(),
                |d| d.project_id.clone(),
            )
        });
    let sheets: Vec<(usize, PersonDoc<ScoreSheet>)> = docs(a, "sheets", &p.sheets, |a, m, item| {
        a.person_doc(
            m,
            item,
            SCORE_SHEET_TYP,
            "score_sheet",
            Role::Expert,
            |d: &ScoreSheet| d.expert_id.clone(),
            |d| d.project_id.clone(),
        )
    });
    let signatures: Vec<(usize, PersonDoc<ReportSignature>)> = docs(
        a,
        "report_signatures",
        &p.report_signatures,
        |a, m, item| {
            a.person_doc(
                m,
                item,
                REPORT_SIGNATURE_TYP,
                "report_signature",
                Role::Expert,
                |d: &ReportSignature| d.expert_id.clone(),
                |d| d.project_id.clone(),
            )
        },
    );

    let key = |i: usize, s: &str| (i, s.to_string());
    a.canonical_order(
        "declarations",
        &declarations
            .iter()
            .map(|(i, d)| key(*i, &d.doc.expert_id))
            .collect::<Vec<_>>(),
    );
    a.canonical_order(
        "leader_votes",
        &votes
            .iter()
            .map(|(i, d)| key(*i, &d.doc.voter_id))
            .collect::<Vec<_>>(),
    );
    a.canonical_order(
        "sheets",
        &sheets
            .iter()
            .map(|(i, d)| key(*i, &format!("{} v{:06}", d.doc.expert_id, d.doc.version)))
            .collect::<Vec<_>>(),
    );
    a.canonical_order(
        "report_signatures",
        &signatures
            .iter()
            .map(|(i, d)| key(*i, &d.doc.expert_id))
            .collect::<Vec<_>>(),
    );
    a.canonical_order(
        "crls",
        &p.crls
            .iter()
            .enumerate()
            .map(|(i, c)| key(i, &sha256_hex(c.as_bytes())))
            .collect::<Vec<_>>(),
    );

    // The report: what every expert signed is these bytes.
    match base64::engine::general_purpose::STANDARD.decode(p.report_pdf_base64.as_bytes()) {
        Ok(pdf) if sha256_hex(&pdf) == p.report_sha256 => {}
        Ok(_) => a.problem(
            "report_hash",
            "report_pdf_base64",
            None,
            "报告文件的 SHA-256 与档案记载不符",
        ),
        Err(_) => a.problem("report_hash", "report_pdf_base64", None, "报告文件无法解码"),
    }

    completeness::check(
        a,
        &panel,
        completeness::Docs {
            declarations: &declarations,
            votes: &votes,
            sheets: &sheets,
            signatures: &signatures,
            report_sha256: &p.report_sha256,
            rules: rules
                .as_ref()
                .map(|(_, version, sha)| (*version, sha.as_str())),
        },
    );
    witness_logs::check(a, &panel, &p.witness_logs);

    if let Some((rules, _, _)) = rules {
        recompute::check(a, &rules, &opening, &panel, &sheets, &p.result);
    }
}

/// Verifies each member of a list of person documents.
fn docs<T>(
    a: &mut Audit<'_>,
    member: &str,
    items: &[SignedWithReceipt],
    verify: impl Fn(&mut Audit<'_>, &str, &SignedWithReceipt) -> Option<PersonDoc<T>>,
) -> Vec<(usize, PersonDoc<T>)> {
    items
        .iter()
        .enumerate()
        .filter_map(|(i, item)| verify(a, &format!("{member}[{i}]"), item).map(|d| (i, d)))
        .collect()
}

/// The rules in force: signed by a staff member, their text and hash as
/// stated, their version the one the platform receipted. Answers the parsed
/// rules, their version and SHA-256.
fn rules(p: &EvaluationPackage, a: &mut Audit<'_>) -> Option<(pingshen_rules::Rules, u32, String)> {
    let r = &p.rules;
    let item = SignedWithReceipt {
        envelope: r.envelope.clone(),
        receipt: r.receipt.clone(),
    };
    let signed = a.person_doc::<RulesDocument>(
        "rules",
        &item,
        RULES_TYP,
        "rules",
        Role::Staff,
        |_| r.published_by.clone(),
        |d| d.project_id.clone(),
    )?;
    let mut ok = true;
    if signed.doc.rules_toml != r.rules_toml {
        a.problem(
            "rules_mismatch",
            "rules.rules_toml",
            None,
            "档案中的评标办法文本与工作人员签名的文本不一致",
        );
        ok = false;
    }
    if sha256_hex(signed.doc.rules_toml.as_bytes()) != r.sha256 {
        a.problem(
            "rules_mismatch",
            "rules.sha256",
            None,
            "评标办法的 SHA-256 与其签名文本不符",
        );
        ok = false;
    }
    if r.published_at != signed.receipt.received_at {
        a.problem(
            "rules_mismatch",
            "rules.published_at",
            None,
            "发布时间与平台回执记载的时间不符",
        );
        ok = false;
    }
    if signed.signer_name.as_deref() != Some(r.published_by_name.as_str()) {
        a.problem(
            "rules_mismatch",
            "rules.published_by_name",
            None,
            "发布人姓名与签名证书不符",
        );
        ok = false;
    }
    if r.project_id != p.project_id {
        a.problem(
            "foreign_project",
            "rules.project_id",
            None,
            "评标办法属于其他项目",
        );
        ok = false;
    }
    // The platform's receipt of a publication names its version.
    if signed.receipt.submission_id != format!("{}/rules/{}", p.project_id, r.version) {
        a.problem(
            "rules_mismatch",
            "rules.version",
            None,
            format!("评标办法版本 {} 与平台回执记载的版本不符", r.version),
        );
        ok = false;
    }
    if !ok {
        return None;
    }
    match pingshen_rules::Rules::from_toml(&r.rules_toml) {
        Ok(rules) => Some((rules, r.version, r.sha256.clone())),
        Err(_) => {
            a.problem("rules_mismatch", "rules", None, "已签名的评标办法无法解析");
            None
        }
    }
}
