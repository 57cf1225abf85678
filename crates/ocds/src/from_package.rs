//! What may be published, read out of an evaluation package.

use crate::{
    Candidate, Evaluation, HashedDocument, OcdsError, PublicBid, RankedBy, MAX_CANDIDATES,
};
use base64::Engine;
use pingshen_api::{
    EvaluationPackage, OpeningRecord, PanelRecord, PanelSeat, Receipt, ReportSignature,
    SignedEnvelope,
};
use pingshen_rules::{Method, PanelStatus};

impl Evaluation {
    /// Reads a package. Refuses one whose evaluation is not finished: the
    /// result must be final (no blocking flag, no open tie) and every expert
    /// the panel record lists as sitting must have signed this report.
    pub fn from_package(p: &EvaluationPackage) -> Result<Self, OcdsError> {
        let opening: OpeningRecord = payload(&p.opening_record, "开标记录")?;
        let panel: PanelRecord = payload(&p.panel_record, "评标委员会组成记录")?;
        if opening.project_id != p.project_id || panel.project_id != p.project_id {
            return Err(OcdsError::BadPackage(
                "开标记录或评标委员会组成记录不属于本项目".into(),
            ));
        }
        if p.result.status != PanelStatus::Final {
            return Err(OcdsError::Unfinished(
                "评审结果尚未确定（有待处理的问题或未决的并列），不公开评标结果".into(),
            ));
        }
        // Who signed this report, and when the platform received the last
        // of the signatures.
        let mut signed = Vec::new();
        let mut finished_at = None;
        for s in &p.report_signatures {
            let doc: ReportSignature = payload(&s.envelope, "评标报告签名")?;
            let receipt: Receipt = payload(&s.receipt, "平台回执")?;
            if doc.report_sha256 != p.report_sha256 || doc.project_id != p.project_id {
                continue;
            }
            signed.push(doc.expert_id);
            finished_at = finished_at.max(Some(receipt.received_at));
        }
        let unsigned: Vec<&str> = panel
            .experts
            .iter()
            .filter(|x| x.seat == Some(PanelSeat::Sitting) && !signed.contains(&x.id))
            .map(|x| x.id.as_str())
            .collect();
        let finished_at = match finished_at {
            Some(at) if unsigned.is_empty() => at,
            _ => {
                return Err(OcdsError::Unfinished(format!(
                    "评标报告尚未经全体在席评标专家签名确认（尚缺 {} 人），不公开评标结果",
                    unsigned.len().max(1)
                )))
            }
        };
        let abnormal = |bidder: &str| {
            p.result
                .preliminary
                .iter()
                .any(|o| o.bidder == bidder && o.rejected.is_some())
        };
        let bids = opening
            .bids
            .iter()
            .map(|b| PublicBid {
                bidder_id: b.bidder_id.clone(),
                bidder_name: b.bidder_name.clone(),
                price: b.price,
                valid: p.result.qualified.contains(&b.bidder_id),
                rejected_as_abnormally_low: abnormal(&b.bidder_id),
            })
            .collect();
        let candidates = p
            .result
            .ranking
            .entries
            .iter()
            .filter(|r| r.rank <= MAX_CANDIDATES)
            .map(|r| Candidate {
                rank: r.rank,
                bidder_id: r.bidder.clone(),
                key: r.key,
            })
            .collect();
        Ok(Evaluation {
            project_id: p.project_id.clone(),
            project_name: opening.project_name,
            lot: opening.lot,
            centre: opening.centre,
            tenderer: opening.tenderer,
            opening_time: opening.opening_time,
            ceiling_price: opening.ceiling_price,
            bids,
            ranked_by: match p.result.method {
                Method::Comprehensive => RankedBy::Points,
                Method::LowestEvaluatedPrice => RankedBy::EvaluatedPrice,
                Method::Qualification => RankedBy::Qualification,
            },
            candidates,
            rules: HashedDocument {
                sha256: p.rules.sha256.clone(),
                date: p.rules.published_at,
            },
            rules_version: p.rules.version,
            report: HashedDocument {
                sha256: p.report_sha256.clone(),
                date: finished_at,
            },
        })
    }
}

/// An envelope's payload, decoded (not verified: `pingshen verify` does that).
fn payload<T: serde::de::DeserializeOwned>(
    env: &SignedEnvelope,
    what: &str,
) -> Result<T, OcdsError> {
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(&env.payload)
        .map_err(|e| OcdsError::BadPackage(format!("{what}的内容无法解码：{e}")))?;
    serde_json::from_slice(&bytes)
        .map_err(|e| OcdsError::BadPackage(format!("{what}的内容无法读取：{e}")))
}
