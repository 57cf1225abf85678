//! The panel's votes (表决) in a package: every motion and every vote the
//! platform's signed panel record lists is present, signed by the person
//! it names, with the platform's receipt; nothing else is; proposers and
//! voters sat on the panel; each vote names an option its motion offered,
//! once per voter. Outcomes are then counted from the signed votes alone.

use crate::audit::{docs, Audit};
use crate::person::PersonDoc;
use pingshen_api::{
    EvaluationPackage, Motion, MotionVote, PanelRecord, Role, MOTION_TYP, MOTION_VOTE_TYP,
};
use pingshen_rules::motion::{
    outcome_zh, rejections, tally, AbnormalPriceDecision, MotionOutcome, PanelRejection,
};

/// Checks the motions and answers the bids the signed votes reject (carried
/// abnormal-price motions), for the recomputation.
pub(crate) fn check(
    a: &mut Audit<'_>,
    panel: &PanelRecord,
    p: &EvaluationPackage,
) -> Vec<PanelRejection> {
    let sitting = crate::completeness::sitting(panel);
    let motions: Vec<(usize, PersonDoc<Motion>)> = docs(a, "motions", &p.motions, |a, m, item| {
        a.person_doc(
            m,
            item,
            MOTION_TYP,
            "motion",
            Role::Expert,
            |m: &Motion| m.proposer_id.clone(),
            |m| m.project_id.clone(),
        )
    });
    let votes: Vec<(usize, PersonDoc<MotionVote>)> =
        docs(a, "motion_votes", &p.motion_votes, |a, m, item| {
            a.person_doc(
                m,
                item,
                MOTION_VOTE_TYP,
                "motion_vote",
                Role::Expert,
                |v: &MotionVote| v.voter_id.clone(),
                |v| v.project_id.clone(),
            )
        });

    // The record's order: motions as listed, votes by motion then voter.
    let position = |id: &str| panel.motions.iter().position(|m| m.motion_id == id);
    let key = |m: Option<usize>, rest: &str| format!("{:06}/{rest}", m.unwrap_or(usize::MAX));
    a.canonical_order(
        "motions",
        &motions
            .iter()
            .map(|(i, d)| (*i, key(position(&d.doc.motion_id), "")))
            .collect::<Vec<_>>(),
    );
    a.canonical_order(
        "motion_votes",
        &votes
            .iter()
            .map(|(i, d)| (*i, key(position(&d.doc.motion_id), &d.doc.voter_id)))
            .collect::<Vec<_>>(),
    );

    for (i, d) in &motions {
        let m = &d.doc;
        let listed = panel
            .motions
            .iter()
            .any(|r| r.motion_id == m.motion_id && r.proposer_id == m.proposer_id);
        if !listed {
            a.problem(
                "unrecorded_motion",
                format!("motions[{i}]"),
                Some(&m.proposer_id),
                format!("表决事项 {} 不在平台记载的表决之中", m.motion_id),
            );
        }
        if !sitting.contains(&m.proposer_id.as_str()) {
            a.problem(
                "not_member",
                format!("motions[{i}]"),
                Some(&m.proposer_id),
                format!("提议人 {} 不是在席评标委员", m.proposer_id),
            );
        }
    }
    for r in &panel.motions {
        if !motions.iter().any(|(_, d)| d.doc.motion_id == r.motion_id) {
            a.problem(
                "missing_motion",
                "motions",
                Some(&r.proposer_id),
                format!("缺少 {} 提请的表决事项 {}", r.proposer_id, r.motion_id),
            );
        }
    }
    for (i, d) in &votes {
        let v = &d.doc;
        let member = format!("motion_votes[{i}]");
        let Some((_, motion)) = motions.iter().find(|(_, m)| m.doc.motion_id == v.motion_id) else {
            a.problem(
                "orphan_vote",
                &member,
                Some(&v.voter_id),
                format!(
                    "{} 的选票所投的表决事项 {} 不在档案包中",
                    v.voter_id, v.motion_id
                ),
            );
            continue;
        };
        if !motion.doc.options.contains(&v.option) {
            a.problem(
                "bad_option",
                &member,
                Some(&v.voter_id),
                format!("{} 投的“{}”不是该事项的选项", v.voter_id, v.option),
            );
        }
        if !sitting.contains(&v.voter_id.as_str()) {
            a.problem(
                "not_member",
                &member,
                Some(&v.voter_id),
                format!("投票人 {} 不是在席评标委员", v.voter_id),
            );
        }
        let recorded = panel.motions.iter().any(|r| {
            r.motion_id == v.motion_id
                && r.votes
                    .iter()
                    .any(|x| x.voter_id == v.voter_id && x.option == v.option)
        });
        if !recorded {
            a.problem(
                "unrecorded_vote",
                &member,
                Some(&v.voter_id),
                format!("{} 的选票不在平台记载的计票之中", v.voter_id),
            );
        }
    }
    for r in &panel.motions {
        for x in &r.votes {
            let present = votes.iter().any(|(_, d)| {
                d.doc.motion_id == r.motion_id
                    && d.doc.voter_id == x.voter_id
                    && d.doc.option == x.option
            });
            if !present {
                a.problem(
                    "missing_vote",
                    "motion_votes",
                    Some(&x.voter_id),
                    format!("缺少 {} 对表决事项 {} 的选票", x.voter_id, r.motion_id),
                );
            }
        }
    }
    a.checked.motions = motions.len();
    a.checked.motion_votes = votes.len();

    // The outcomes, counted from the signed votes of sitting experts only.
    let sitting_ids: Vec<String> = sitting.iter().map(|s| s.to_string()).collect();
    let counted: Vec<(MotionOutcome, String, &Motion)> = motions
        .iter()
        .map(|(_, m)| {
            let cast: Vec<(String, String)> = votes
                .iter()
                .filter(|(_, v)| v.doc.motion_id == m.doc.motion_id)
                .map(|(_, v)| (v.doc.voter_id.clone(), v.doc.option.clone()))
                .collect();
            let (outcome, tallies) = tally(&m.doc.options, &sitting_ids, &cast);
            let zh = outcome_zh(&outcome, &tallies, sitting_ids.len());
            (outcome, zh, &m.doc)
        })
        .collect();
    let decisions: Vec<AbnormalPriceDecision> = counted
        .iter()
        .filter_map(|(outcome, zh, m)| m.abnormal_decision(outcome, zh))
        .collect();
    rejections(&decisions)
}
