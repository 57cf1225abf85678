//! Shared evaluation logic: the panel, the rules in force, prices, and the
//! aggregate (pure computation delegated to `pingshen-rules`).

use crate::db::sql::Conn;
use crate::db::{evaluation as ev, people, projects, rules as rules_db};
use crate::PlatformError;
use pingshen_api::{DeclarationDecision, MotionStatus, Person};
use pingshen_rules::motion::{outcome_zh, tally, AbnormalPriceDecision, PanelRejection};
use pingshen_rules::{ExpertSheet, PanelResult, PriceInput, PriceRequest, Rules};
use rust_decimal::Decimal;
use std::str::FromStr;

/// The experts assigned to a project, by id.
pub fn panel(conn: &Conn, project: &str) -> Result<Vec<Person>, PlatformError> {
    let mut stmt = conn.prepare(
        "SELECT p.id, p.name, p.role, p.city FROM assignments a JOIN people p ON p.id = a.person_id
         WHERE a.project_id = ?1 AND p.role = 'expert' ORDER BY p.id",
    )?;
    let rows = stmt.query_map([project], people::person_from_row)?;
    let mut out = Vec::new();
    for r in rows {
        out.push(r??);
    }
    Ok(out)
}

/// Panel members who have not recused.
pub fn sitting(conn: &Conn, project: &str) -> Result<Vec<Person>, PlatformError> {
    let mut out = Vec::new();
    for p in panel(conn, project)? {
        let recused = ev::declaration(conn, project, &p.id)?
            .is_some_and(|d| d == DeclarationDecision::Recuse);
        if !recused {
            out.push(p);
        }
    }
    Ok(out)
}

/// The elected leader: the candidate with votes from more than half of the
/// sitting panel.
pub fn leader(conn: &Conn, project: &str) -> Result<Option<String>, PlatformError> {
    let sitting = sitting(conn, project)?;
    let votes = ev::votes(conn, project)?;
    let mut tally: std::collections::BTreeMap<String, usize> = Default::default();
    for (voter, candidate) in &votes {
        if sitting.iter().any(|p| &p.id == voter) {
            *tally.entry(candidate.clone()).or_default() += 1;
        }
    }
    Ok(tally
        .into_iter()
        .find(|(_, n)| *n * 2 > sitting.len())
        .map(|(c, _)| c))
}

/// The rules in force (latest published), their version and SHA-256.
pub fn rules_in_force(conn: &Conn, project: &str) -> Result<(Rules, u32, String), PlatformError> {
    let published = rules_db::get(conn, project, None)?
        .ok_or_else(|| PlatformError::conflict("conflict", "该项目尚未发布评标办法"))?;
    let rules = Rules::from_toml(&published.rules_toml)
        .map_err(|_| PlatformError::Internal("已发布的评标办法无法解析".into()))?;
    Ok((rules, published.version, published.sha256))
}

/// The bids as read out at opening, the ceiling and K.
pub fn price_request(conn: &Conn, project: &str) -> Result<PriceRequest, PlatformError> {
    let detail = projects::get(conn, project)?;
    let k = ev::k_value(conn, project)?
        .map(|k| Decimal::from_str(&k))
        .transpose()
        .map_err(|e| PlatformError::Internal(format!("K 值无效：{e}")))?;
    Ok(PriceRequest {
        bids: detail
            .bidders
            .iter()
            .map(|b| PriceInput {
                bidder: b.id.clone(),
                price: b.bid_price,
                valid_after_preliminary: true,
            })
            .collect(),
        ceiling: Some(detail.summary.ceiling_price),
        k,
    })
}

/// The bidders' ids in order.
pub fn bidder_ids(conn: &Conn, project: &str) -> Result<Vec<String>, PlatformError> {
    Ok(projects::get(conn, project)?
        .bidders
        .into_iter()
        .map(|b| b.id)
        .collect())
}

/// The current sheet of each expert who submitted.
pub fn current_sheets(conn: &Conn, project: &str) -> Result<Vec<ExpertSheet>, PlatformError> {
    ev::latest_sheets(conn, project)?
        .into_iter()
        .map(|s| {
            serde_json::from_str::<ExpertSheet>(&s.sheet_json)
                .map_err(|e| PlatformError::Internal(format!("已存评分表无法解析：{e}")))
        })
        .collect()
}

/// The panel aggregate over the current sheets.
pub fn aggregate(
    conn: &Conn,
    project: &str,
) -> Result<(PanelResult, Vec<ExpertSheet>, u32), PlatformError> {
    aggregate_given(conn, project, &motion_statuses(conn, project)?)
}

/// [`aggregate`], the project's motions already read (the report lists
/// them too).
pub fn aggregate_given(
    conn: &Conn,
    project: &str,
    motions: &[MotionStatus],
) -> Result<(PanelResult, Vec<ExpertSheet>, u32), PlatformError> {
    let (rules, version, _) = rules_in_force(conn, project)?;
    let sheets = current_sheets(conn, project)?;
    let prices = price_request(conn, project)?;
    let uses_prices = rules.price.is_some();
    let rejections = rejections(motions);
    let credit = crate::records::credit_record(conn, project)?.map(|(r, _)| r);
    let result = pingshen_rules::aggregate_with(
        &rules,
        &sheets,
        uses_prices.then_some(&prices),
        &[],
        &rejections,
        credit.as_ref(),
    )
    .map_err(|e| {
        // The rules cannot aggregate these inputs (e.g. K not drawn yet):
        // a state of the project, not a fault of the platform.
        PlatformError::conflict(
            "summary_unavailable",
            format!(
                "无法汇总：{}",
                e.0.iter()
                    .map(|d| d.message_zh.clone())
                    .collect::<Vec<_>>()
                    .join("；")
            ),
        )
    })?;
    Ok((result, sheets, version))
}

/// Whether every sitting member has submitted at least once.
pub fn all_submitted(conn: &Conn, project: &str) -> Result<bool, PlatformError> {
    let sitting = sitting(conn, project)?;
    for p in &sitting {
        if ev::latest_version(conn, project, &p.id)?.is_none() {
            return Ok(false);
        }
    }
    Ok(!sitting.is_empty())
}

/// Deviation flags that still lack a reason, for one expert (only once the
/// whole panel has submitted: before that there is no panel mean).
pub fn reasons_required(
    conn: &Conn,
    project: &str,
    expert: &str,
) -> Result<Vec<pingshen_api::ReasonRequest>, PlatformError> {
    if !all_submitted(conn, project)? {
        return Ok(Vec::new());
    }
    // Without an aggregate (e.g. K not drawn yet) there is no panel mean to
    // deviate from; the summary itself reports why.
    let result = match aggregate(conn, project) {
        Ok((result, _, _)) => result,
        Err(e) if e.code() == "summary_unavailable" => {
            tracing::warn!(project, error = %e, "deviation check skipped");
            return Ok(Vec::new());
        }
        Err(e) => return Err(e),
    };
    Ok(result
        .flags
        .iter()
        .filter(|f| {
            f.kind == pingshen_rules::FlagKind::DeviationOverThreshold
                && f.blocking
                && f.expert.as_deref() == Some(expert)
        })
        .map(|f| pingshen_api::ReasonRequest {
            bidder: f.bidder.clone().unwrap_or_default(),
            factor: f.factor.clone().unwrap_or_default(),
            message: f.message_zh.clone(),
        })
        .collect())
}

/// Every motion with its votes, the sitting panel and the outcome counted
/// from the votes.
pub fn motion_statuses(conn: &Conn, project: &str) -> Result<Vec<MotionStatus>, PlatformError> {
    let sitting: Vec<String> = crate::evaluation::sitting(conn, project)?
        .into_iter()
        .map(|p| p.id)
        .collect();
    let mut out = Vec::new();
    for m in crate::db::motions::motions(conn, project)? {
        let votes = crate::db::motions::votes(conn, project, &m.doc.motion_id)?;
        let pairs: Vec<(String, String)> = votes
            .iter()
            .map(|v| (v.voter_id.clone(), v.option.clone()))
            .collect();
        let (outcome, tallies) = tally(&m.doc.options, &sitting, &pairs);
        out.push(MotionStatus {
            outcome_zh: outcome_zh(&outcome, &tallies, sitting.len()),
            motion: m.doc,
            proposed_at: m.at,
            envelope: m.envelope,
            receipt: m.receipt,
            votes,
            sitting: sitting.clone(),
            outcome,
            tallies,
        });
    }
    Ok(out)
}

/// The bids the panel rejected by carried abnormal-price motions.
pub fn rejections(motions: &[MotionStatus]) -> Vec<PanelRejection> {
    let decisions: Vec<AbnormalPriceDecision> = motions
        .iter()
        .filter_map(|m| m.motion.abnormal_decision(&m.outcome, &m.outcome_zh))
        .collect();
    pingshen_rules::motion::rejections(&decisions)
}
