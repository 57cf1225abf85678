//! The verification itself: each signed member checked against who must
//! have signed it, then completeness and the numbers.

use crate::person::{self, Expect, PersonDoc, Refusal};
use crate::problem::{Checked, Problem, Verdict};
use crate::rules::verify_published_rules;
use crate::sha256_hex;
use crate::{completeness, recompute, witness_logs};
use base64::Engine;
use pingshen_api::{
    Declaration, EvaluationPackage, LeaderVote, OpeningRecord, PanelRecord, ReportSignature, Role,
    ScoreSheet, SignedEnvelope, SignedWithReceipt, DECLARATION_TYP, LEADER_VOTE_TYP,
    OPENING_RECORD_TYP, PANEL_RECORD_TYP, REPORT_SIGNATURE_TYP, SCORE_SHEET_TYP,
};
use pingshen_pki::{OffsetDateTime, PlatformPins, TrustStore};
use serde::de::DeserializeOwned;

pub(crate) struct Audit<'a> {
    pub trust: &'a TrustStore,
    pub pins: &'a PlatformPins,
    pub project: String,
    /// The platform id of the opening record: every platform document must carry it.
    pub platform_id: Option<String>,
    pub problems: Vec<Problem>,
    pub checked: Checked,
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
        match person::platform_document(self.trust, self.pins, env, typ) {
            Ok(v) => {
                self.checked.signatures += 1;
                Some(v)
            }
            Err(r) => {
                self.problem(&r.code, member, None, r.message);
                None
            }
        }
    }

    /// A person's document with the platform's receipt for it
    /// ([`person::person_document`]), of this package's project and platform.
    #[allow(clippy::too_many_arguments)]
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
        self.person_or_platform_doc(member, item, typ, kind, role, None, author, project)
    }

    /// [`Self::person_doc`]; with `platform_author`, for a kind of document
    /// the platform may also issue itself under the rules (see
    /// [`person::person_or_platform_document`]).
    #[allow(clippy::too_many_arguments)]
    pub fn person_or_platform_doc<T: DeserializeOwned>(
        &mut self,
        member: &str,
        item: &SignedWithReceipt,
        typ: &str,
        kind: &str,
        role: Role,
        platform_author: Option<&str>,
        author: impl Fn(&T) -> String,
        project: impl Fn(&T) -> String,
    ) -> Option<PersonDoc<T>> {
        let expect = Expect {
            typ,
            kind,
            role,
            project: &self.project,
            platform_id: self.platform_id.as_deref(),
        };
        let verified = match platform_author {
            None => person::person_document(self.trust, self.pins, item, &expect, author, project),
            Some(by) => person::person_or_platform_document(
                self.trust, self.pins, item, &expect, by, author, project,
            ),
        };
        self.counted(member, verified)
    }

    fn counted<T>(
        &mut self,
        member: &str,
        verified: Result<PersonDoc<T>, Refusal>,
    ) -> Option<PersonDoc<T>> {
        match verified {
            Ok(d) => {
                self.checked.receipts += 1;
                self.checked.signatures += 2;
                Some(d)
            }
            Err(r) => {
                self.problem(&r.code, member, r.who.as_deref(), r.message);
                None
            }
        }
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
    let rejections = crate::motions::check(a, &panel, p);
    crate::clarifications::check(a, &panel, p, rules.as_ref().map(|(r, _, _)| r), &opening);

    // The credit records, as the platform signed them for this project.
    let credit = p.credit_record.as_ref().and_then(|env| {
        let (doc, _) = a.platform_doc::<pingshen_api::CreditRecordDoc>(
            "credit_record",
            env,
            pingshen_api::CREDIT_RECORD_TYP,
        )?;
        if doc.project_id != p.project_id || Some(&doc.platform_id) != a.platform_id.as_ref() {
            a.problem(
                "foreign_project",
                "credit_record",
                None,
                "信用记录属于另一个项目或平台",
            );
            return None;
        }
        Some(doc.records)
    });
    if let Some((rules, _, _)) = rules {
        let uses_credit = rules
            .factors
            .iter()
            .any(|f| matches!(f.kind, pingshen_rules::FactorKind::Credit(_)));
        if uses_credit && p.credit_record.is_none() {
            a.problem(
                "missing_credit_record",
                "credit_record",
                None,
                "评标办法有信用分，档案包中却没有平台签名的信用记录",
            );
        }
        recompute::check(
            a,
            &rules,
            &opening,
            &panel,
            &sheets,
            &rejections,
            credit.as_ref(),
            &p.result,
        );
    }
}

/// Verifies each member of a list of person documents.
pub(crate) fn docs<T>(
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

/// The rules in force ([`verify_published_rules`]). Answers the parsed
/// rules, their version and SHA-256.
fn rules(p: &EvaluationPackage, a: &mut Audit<'_>) -> Option<(pingshen_rules::Rules, u32, String)> {
    let r = &p.rules;
    match verify_published_rules(a.trust, a.pins, r, &p.project_id, a.platform_id.as_deref()) {
        Ok(rules) => {
            a.checked.receipts += 1;
            a.checked.signatures += 2;
            Some((rules, r.version, r.sha256.clone()))
        }
        Err(problems) => {
            for w in problems {
                let member = if w.field.is_empty() {
                    "rules".to_string()
                } else {
                    format!("rules.{}", w.field)
                };
                a.problem(
                    &w.refusal.code,
                    member,
                    w.refusal.who.as_deref(),
                    w.refusal.message,
                );
            }
            None
        }
    }
}
