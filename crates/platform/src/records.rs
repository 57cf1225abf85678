//! The records the platform signs about a project: the opening record
//! (开标记录), signed once when the project is registered and kept, and the
//! panel record (评标委员会组成记录), signed afresh whenever it is asked for
//! because recusals and the leader election change it.

use crate::db::sql::{params, Conn, OptionalExtension};
use crate::db::{people, projects, witness};
use crate::evaluation as logic;
use crate::{AppState, PlatformError};
use pingshen_api::{
    DeclarationDecision, OpenedBid, OpeningRecord, PanelClarification, PanelMotion,
    PanelMotionVote, PanelRecord, PanelRecordPerson, PanelSeat, PanelVote, SignedEnvelope,
    OPENING_RECORD_TYP, PANEL_RECORD_TYP,
};
use time::OffsetDateTime;

pub const SCHEMA: &str = r#"
    -- The platform-signed opening record (envelope JSON), written once.
    ALTER TABLE projects ADD COLUMN opening_record TEXT;
"#;

fn sign<T: serde::Serialize>(
    state: &AppState,
    typ: &str,
    value: &T,
    at: OffsetDateTime,
) -> Result<SignedEnvelope, PlatformError> {
    let env = pingshen_pki::sign_value(state.pki.signer(), typ, value, at)
        .map_err(|e| PlatformError::Internal(format!("平台无法签署记录：{}", e.message_zh())))?;
    Ok(crate::receipts::to_wire(env))
}

/// The project's signed opening record, signing and storing it the first
/// time (at registration). Never re-signed: its bytes stay what was signed.
pub fn opening_record(
    conn: &Conn,
    state: &AppState,
    project: &str,
) -> Result<SignedEnvelope, PlatformError> {
    let stored: Option<String> = conn
        .query_row(
            "SELECT opening_record FROM projects WHERE id = ?1",
            [project],
            |r| r.get(0),
        )
        .optional()?
        .ok_or_else(|| PlatformError::not_found(format!("项目 {project} ")))?;
    if let Some(json) = stored {
        return serde_json::from_str(&json).map_err(|e| PlatformError::Internal(e.to_string()));
    }
    let detail = projects::get(conn, project)?;
    let record = OpeningRecord {
        platform_id: state.platform_id.clone(),
        project_id: detail.summary.id.clone(),
        project_name: detail.summary.name.clone(),
        lot: detail.summary.lot.clone(),
        centre: detail.summary.centre.clone(),
        tenderer: detail.summary.tenderer.clone(),
        opening_time: detail.summary.opening_time,
        ceiling_price: detail.summary.ceiling_price,
        k: detail.k,
        bids: detail
            .bidders
            .iter()
            .map(|b| OpenedBid {
                bidder_id: b.id.clone(),
                bidder_name: b.name.clone(),
                price: b.bid_price,
            })
            .collect(),
    };
    let env = sign(state, OPENING_RECORD_TYP, &record, crate::clock::now())?;
    let json = serde_json::to_string(&env).map_err(|e| PlatformError::Internal(e.to_string()))?;
    conn.execute(
        "UPDATE projects SET opening_record = ?2 WHERE id = ?1 AND opening_record IS NULL",
        params![project, json],
    )?;
    Ok(env)
}

/// The panel as it stands, signed now.
pub fn panel_record(
    conn: &Conn,
    state: &AppState,
    project: &str,
    at: OffsetDateTime,
) -> Result<SignedEnvelope, PlatformError> {
    projects::stage_of(conn, project)?;
    let mut experts = Vec::new();
    for p in logic::panel(conn, project)? {
        let recused = crate::db::evaluation::declaration(conn, project, &p.id)?
            .is_some_and(|d| d == DeclarationDecision::Recuse);
        experts.push(PanelRecordPerson {
            sheet_version: crate::db::evaluation::latest_version(conn, project, &p.id)?,
            id: p.id,
            name: p.name,
            seat: Some(if recused {
                PanelSeat::Recused
            } else {
                PanelSeat::Sitting
            }),
        });
    }
    let mut witnesses = Vec::new();
    for id in witness::assigned_witnesses(conn, project)? {
        let name = people::by_id(conn, &id)?
            .map(|p| p.name)
            .unwrap_or_default();
        witnesses.push(PanelRecordPerson {
            id,
            name,
            seat: None,
            sheet_version: None,
        });
    }
    let record = PanelRecord {
        platform_id: state.platform_id.clone(),
        project_id: project.to_string(),
        experts,
        votes: crate::db::evaluation::votes(conn, project)?
            .into_iter()
            .map(|(voter_id, candidate_id)| PanelVote {
                voter_id,
                candidate_id,
            })
            .collect(),
        leader: logic::leader(conn, project)?,
        witnesses,
        motions: crate::db::motions::motions(conn, project)?
            .into_iter()
            .map(|m| {
                let mut votes: Vec<PanelMotionVote> =
                    crate::db::motions::votes(conn, project, &m.doc.motion_id)?
                        .into_iter()
                        .map(|v| PanelMotionVote {
                            voter_id: v.voter_id,
                            option: v.option,
                        })
                        .collect();
                votes.sort_by(|a, b| a.voter_id.cmp(&b.voter_id));
                Ok(PanelMotion {
                    motion_id: m.doc.motion_id,
                    proposer_id: m.doc.proposer_id,
                    votes,
                })
            })
            .collect::<Result<_, PlatformError>>()?,
        clarifications: crate::db::clarifications::questions(conn, project)?
            .into_iter()
            .map(|q| {
                Ok(PanelClarification {
                    answered: crate::db::clarifications::answer(
                        conn,
                        project,
                        &q.doc.clarification_id,
                    )?
                    .is_some(),
                    clarification_id: q.doc.clarification_id,
                    bidder_id: q.doc.bidder_id,
                    asked_by: q.doc.asked_by,
                })
            })
            .collect::<Result<_, PlatformError>>()?,
    };
    sign(state, PANEL_RECORD_TYP, &record, at)
}

/// The credit records table (信用记录), one signed document per project.
pub const CREDIT_SCHEMA: &str = r#"
    CREATE TABLE credit_records (
        project_id   TEXT PRIMARY KEY REFERENCES projects(id),
        records_json TEXT NOT NULL,
        envelope     TEXT NOT NULL,
        signed_at    TEXT NOT NULL
    );
"#;

/// Publishes a project's credit records, signed by the platform. Once: the
/// same records again answer the stored document; other records are
/// refused (`credit_records_published`): points were, or may have been,
/// computed from the first.
pub fn publish_credit(
    conn: &Conn,
    state: &AppState,
    project: &str,
    records: &pingshen_rules::credit::CreditRecords,
) -> Result<(bool, SignedEnvelope), PlatformError> {
    // Every bidder is one of the project's, once.
    let detail = projects::get(conn, project)?;
    let mut seen = std::collections::HashSet::new();
    for b in &records.bidders {
        if !detail.bidders.iter().any(|x| x.id == b.bidder) || !seen.insert(&b.bidder) {
            return Err(PlatformError::bad_request(
                "unknown_bidder",
                format!(
                    "信用记录中的投标人 {} 不是本项目的投标人，或重复出现",
                    b.bidder
                ),
            ));
        }
    }
    // Before the scores are final: credit points are part of them.
    let stage = projects::stage_of(conn, project)?;
    if !matches!(
        stage,
        pingshen_api::Stage::Preparing | pingshen_api::Stage::Evaluating
    ) {
        return Err(PlatformError::conflict(
            "wrong_stage",
            format!("项目当前处于“{}”阶段，不能发布信用记录", stage.label_zh()),
        ));
    }
    let json =
        serde_json::to_string(records).map_err(|e| PlatformError::Internal(e.to_string()))?;
    if let Some((stored, env)) = credit_record(conn, project)? {
        return if &stored == records {
            Ok((false, env))
        } else {
            Err(PlatformError::conflict(
                "credit_records_published",
                "本项目的信用记录已发布，不能更改",
            ))
        };
    }
    let at = crate::clock::now();
    let doc = pingshen_api::CreditRecordDoc {
        platform_id: state.platform_id.clone(),
        project_id: project.to_string(),
        records: records.clone(),
    };
    let env = sign(state, pingshen_api::CREDIT_RECORD_TYP, &doc, at)?;
    conn.execute(
        "INSERT INTO credit_records (project_id, records_json, envelope, signed_at) VALUES (?1, ?2, ?3, ?4)",
        params![
            project,
            json,
            serde_json::to_string(&env).map_err(|e| PlatformError::Internal(e.to_string()))?,
            crate::db::projects::format_time(at)?
        ],
    )?;
    Ok((true, env))
}

/// A project's credit records and the platform's signed document of them.
pub fn credit_record(
    conn: &Conn,
    project: &str,
) -> Result<Option<(pingshen_rules::credit::CreditRecords, SignedEnvelope)>, PlatformError> {
    let row: Option<(String, String)> = conn
        .query_row(
            "SELECT records_json, envelope FROM credit_records WHERE project_id = ?1",
            [project],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    row.map(|(records, env)| {
        let bad =
            |e: serde_json::Error| PlatformError::Internal(format!("已存信用记录无法解析：{e}"));
        Ok((
            serde_json::from_str(&records).map_err(bad)?,
            serde_json::from_str(&env).map_err(bad)?,
        ))
    })
    .transpose()
}
