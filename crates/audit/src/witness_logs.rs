//! The witness logs: one export per witness the panel record names, each
//! verified as a whole by `pingshen-witness` (signatures, the hash chain,
//! the platform's receipts and its signed attestation of every entry), with
//! the platform's documents checked against the pinned certificate.

use crate::audit::Audit;
use pingshen_api::{PanelRecord, WitnessExport};
use pingshen_witness::pki::TrustVerifier;
use pingshen_witness::verify_export;

pub(crate) fn check(a: &mut Audit<'_>, panel: &PanelRecord, logs: &[WitnessExport]) {
    a.canonical_order(
        "witness_logs",
        &logs
            .iter()
            .enumerate()
            .map(|(i, l)| (i, l.witness_id.clone()))
            .collect::<Vec<_>>(),
    );
    for (i, log) in logs.iter().enumerate() {
        let member = format!("witness_logs[{i}]");
        let who = log.witness_id.as_str();
        if log.project_id != a.project {
            a.problem(
                "foreign_project",
                member,
                Some(who),
                format!("见证记录属于项目 {}，不是本项目", log.project_id),
            );
            continue;
        }
        if !panel.witnesses.iter().any(|w| w.id == who) {
            a.problem(
                "not_member",
                member.clone(),
                Some(who),
                format!("{who} 不是本项目的见证人"),
            );
        }
        let verifier = TrustVerifier {
            trust: a.trust,
            at: None,
            platform: a.pins,
        };
        match verify_export(log, &verifier) {
            Ok(intact) if intact.project_id == a.project && intact.witness_id == who => {
                let n = usize::try_from(intact.entries).unwrap_or(usize::MAX);
                a.checked.witness_entries += n;
                a.checked.signatures += 2 * n + 1;
                a.checked.receipts += n;
            }
            Ok(_) => a.problem(
                "foreign_project",
                member,
                Some(who),
                "平台对见证记录的证明属于其他项目或其他见证人",
            ),
            Err(fault) => {
                let message = format!("见证记录未通过验证：{}", fault.message);
                a.problem(fault.code(), member, Some(who), message);
            }
        }
    }
    for w in &panel.witnesses {
        if !logs.iter().any(|l| l.witness_id == w.id) {
            a.problem(
                "missing_witness_log",
                "witness_logs",
                Some(&w.id),
                format!("缺少见证人 {}（{}）的见证记录", w.id, w.name),
            );
        }
    }
}
