//! Nothing missing, nobody extra: the platform's signed panel record says
//! who was assigned, who sat, who voted for whom and how many sheet
//! versions each expert submitted. Every assigned expert must have a
//! declaration agreeing with their seat; every vote the record counts must
//! be present and elect the recorded leader; every sitting expert must
//! have every sheet version, each scored by the signed rules, and a
//! signature over this report. A document from anyone else is a problem.

use crate::audit::Audit;
use crate::person::PersonDoc;
use pingshen_api::{
    Declaration, DeclarationDecision, LeaderVote, PanelRecord, PanelSeat, ReportSignature,
    ScoreSheet,
};
use std::collections::BTreeMap;

pub(crate) struct Docs<'d> {
    pub declarations: &'d [(usize, PersonDoc<Declaration>)],
    pub votes: &'d [(usize, PersonDoc<LeaderVote>)],
    pub sheets: &'d [(usize, PersonDoc<ScoreSheet>)],
    pub signatures: &'d [(usize, PersonDoc<ReportSignature>)],
    pub report_sha256: &'d str,
    /// The signed rules' version and SHA-256, when they verified.
    pub rules: Option<(u32, &'d str)>,
}

pub(crate) fn check(a: &mut Audit<'_>, panel: &PanelRecord, d: Docs<'_>) {
    let seat = |id: &str| {
        panel
            .experts
            .iter()
            .find(|e| e.id == id)
            .and_then(|e| e.seat)
    };
    let sitting = sitting(panel);
    declarations(a, panel, d.declarations, &seat);
    votes(a, panel, d.votes, &sitting);
    sheets(a, panel, d.sheets, d.rules, &sitting);
    signatures(a, d.signatures, d.report_sha256, &sitting);
    a.checked.declarations = d.declarations.len();
    a.checked.leader_votes = d.votes.len();
    a.checked.sheets = d.sheets.len();
    a.checked.report_signatures = d.signatures.len();
}

/// The ids of the experts the panel record says sat (not recused).
pub(crate) fn sitting(panel: &PanelRecord) -> Vec<&str> {
    panel
        .experts
        .iter()
        .filter(|e| e.seat == Some(PanelSeat::Sitting))
        .map(|e| e.id.as_str())
        .collect()
}

fn declarations(
    a: &mut Audit<'_>,
    panel: &PanelRecord,
    docs: &[(usize, PersonDoc<Declaration>)],
    seat: &dyn Fn(&str) -> Option<PanelSeat>,
) {
    for (i, d) in docs {
        if seat(&d.doc.expert_id).is_none() {
            a.problem(
                "not_member",
                format!("declarations[{i}]"),
                Some(&d.doc.expert_id),
                format!("{} 不是本项目评标委员会成员，却有回避声明", d.doc.expert_id),
            );
        }
    }
    for e in &panel.experts {
        let Some((i, found)) = docs.iter().find(|(_, d)| d.doc.expert_id == e.id) else {
            a.problem(
                "missing_declaration",
                "declarations",
                Some(&e.id),
                format!("缺少评标专家 {}（{}）的回避声明", e.id, e.name),
            );
            continue;
        };
        let recused = found.doc.decision == DeclarationDecision::Recuse;
        if recused != (e.seat == Some(PanelSeat::Recused)) {
            a.problem(
                "recusal_mismatch",
                format!("declarations[{i}]"),
                Some(&e.id),
                format!(
                    "{} 的声明（{}）与平台记载的席位不符",
                    e.id,
                    if recused {
                        "申请回避"
                    } else {
                        "无利害关系"
                    }
                ),
            );
        }
    }
}

fn votes(
    a: &mut Audit<'_>,
    panel: &PanelRecord,
    docs: &[(usize, PersonDoc<LeaderVote>)],
    sitting: &[&str],
) {
    for (i, v) in docs {
        let counted = panel
            .votes
            .iter()
            .any(|r| r.voter_id == v.doc.voter_id && r.candidate_id == v.doc.candidate_id);
        if !sitting.contains(&v.doc.voter_id.as_str()) || !counted {
            a.problem(
                "not_member",
                format!("leader_votes[{i}]"),
                Some(&v.doc.voter_id),
                format!(
                    "{} 的选票不在平台记载的计票之中，或投票人不是在席委员",
                    v.doc.voter_id
                ),
            );
        }
    }
    for r in &panel.votes {
        let present = docs
            .iter()
            .any(|(_, v)| v.doc.voter_id == r.voter_id && v.doc.candidate_id == r.candidate_id);
        if !present {
            a.problem(
                "missing_vote",
                "leader_votes",
                Some(&r.voter_id),
                format!("缺少 {} 投给 {} 的组长推选票", r.voter_id, r.candidate_id),
            );
        }
    }
    // The leader is whoever the signed votes of sitting experts elect: more
    // than half of the sitting panel.
    let mut tally: BTreeMap<&str, usize> = BTreeMap::new();
    for (_, v) in docs {
        if sitting.contains(&v.doc.voter_id.as_str()) {
            *tally.entry(v.doc.candidate_id.as_str()).or_default() += 1;
        }
    }
    let elected = tally
        .into_iter()
        .find(|(_, n)| n * 2 > sitting.len())
        .map(|(c, _)| c.to_string());
    if elected != panel.leader {
        a.problem(
            "leader_unsupported",
            "panel_record.leader",
            panel.leader.as_deref(),
            format!(
                "平台记载的评标组长（{}）与已签名选票的结果（{}）不符",
                panel.leader.as_deref().unwrap_or("无"),
                elected.as_deref().unwrap_or("无人过半")
            ),
        );
    }
}

fn sheets(
    a: &mut Audit<'_>,
    panel: &PanelRecord,
    docs: &[(usize, PersonDoc<ScoreSheet>)],
    rules: Option<(u32, &str)>,
    sitting: &[&str],
) {
    for (i, s) in docs {
        let member = format!("sheets[{i}]");
        let who = s.doc.expert_id.as_str();
        if !sitting.contains(&who) {
            a.problem(
                "not_member",
                member.clone(),
                Some(who),
                format!("{who} 不是在席评标委员，却有评分表"),
            );
        }
        if s.doc.sheet.expert != s.doc.expert_id {
            a.problem(
                "wrong_signer",
                member.clone(),
                Some(who),
                format!(
                    "评分表内写明的专家 {} 与签名人 {who} 不符",
                    s.doc.sheet.expert
                ),
            );
        }
        if let Some((version, sha)) = rules {
            if s.doc.rules_version != version || s.doc.rules_sha256 != sha {
                a.problem(
                    "rules_mismatch",
                    member,
                    Some(who),
                    format!(
                        "{who} 第 {} 版评分表所依据的评标办法（第 {} 版，{}）不是档案中已签名的评标办法（第 {version} 版）",
                        s.doc.version,
                        s.doc.rules_version,
                        short(&s.doc.rules_sha256)
                    ),
                );
            }
        }
    }
    for e in panel
        .experts
        .iter()
        .filter(|e| sitting.contains(&e.id.as_str()))
    {
        let have: Vec<u32> = docs
            .iter()
            .filter(|(_, s)| s.doc.expert_id == e.id)
            .map(|(_, s)| s.doc.version)
            .collect();
        let Some(last) = e.sheet_version else {
            a.problem(
                "missing_sheet",
                "sheets",
                Some(&e.id),
                format!("在席委员 {}（{}）没有提交评分表", e.id, e.name),
            );
            continue;
        };
        for v in 1..=last {
            if !have.contains(&v) {
                a.problem(
                    "missing_sheet",
                    "sheets",
                    Some(&e.id),
                    format!("缺少 {}（{}）的第 {v} 版评分表", e.id, e.name),
                );
            }
        }
        for v in have.iter().filter(|v| **v > last || **v == 0) {
            a.problem(
                "not_member",
                "sheets",
                Some(&e.id),
                format!("{} 的第 {v} 版评分表不在平台记载之中", e.id),
            );
        }
    }
}

fn signatures(
    a: &mut Audit<'_>,
    docs: &[(usize, PersonDoc<ReportSignature>)],
    report_sha256: &str,
    sitting: &[&str],
) {
    for (i, s) in docs {
        let who = s.doc.expert_id.as_str();
        if !sitting.contains(&who) {
            a.problem(
                "not_member",
                format!("report_signatures[{i}]"),
                Some(who),
                format!("{who} 不是在席评标委员，却签署了报告"),
            );
        }
        if s.doc.report_sha256 != report_sha256 {
            a.problem(
                "report_signature_stale",
                format!("report_signatures[{i}]"),
                Some(who),
                format!(
                    "{who} 签名确认的是另一份报告（{}），不是本报告",
                    short(&s.doc.report_sha256)
                ),
            );
        }
    }
    for id in sitting {
        let signed = docs
            .iter()
            .any(|(_, s)| s.doc.expert_id == *id && s.doc.report_sha256 == report_sha256);
        if !signed {
            a.problem(
                "missing_report_signature",
                "report_signatures",
                Some(id),
                format!("在席委员 {id} 没有签名确认本评标报告"),
            );
        }
    }
}

fn short(sha: &str) -> &str {
    &sha[..sha.len().min(12)]
}
