//! Projects and their bidders.

use crate::db::sql::{params, Conn, OptionalExtension, Params, Row, SqlResult};
use crate::PlatformError;
use pingshen_api::{Bidder, NewProject, ProjectDetail, ProjectSummary, Stage};
use rust_decimal::Decimal;
use sha2::{Digest, Sha256};
use std::str::FromStr;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// Whether a create call made a new project or found the identical one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Created {
    New,
    AlreadyExists,
}

const SUMMARY_COLUMNS: &str = "p.id, p.name, p.lot, p.centre, p.tenderer, p.stage,
    p.ceiling_price, p.opening_time,
    (SELECT COUNT(*) FROM bidders b WHERE b.project_id = p.id)";

/// Every project (staff view).
pub fn list(conn: &Conn) -> Result<Vec<ProjectSummary>, PlatformError> {
    query_summaries(
        conn,
        &format!("SELECT {SUMMARY_COLUMNS} FROM projects p ORDER BY p.opening_time DESC, p.id"),
        [],
    )
}

/// The projects a person is assigned to.
pub fn list_assigned(conn: &Conn, person_id: &str) -> Result<Vec<ProjectSummary>, PlatformError> {
    query_summaries(
        conn,
        &format!(
            "SELECT {SUMMARY_COLUMNS} FROM projects p
             JOIN assignments a ON a.project_id = p.id AND a.person_id = ?1
             ORDER BY p.opening_time DESC, p.id"
        ),
        [person_id],
    )
}

fn query_summaries(
    conn: &Conn,
    sql: &str,
    params: impl Params,
) -> Result<Vec<ProjectSummary>, PlatformError> {
    let mut stmt = conn.prepare(sql)?;
    let rows = stmt.query_map(params, summary_from_row)?;
    let mut out = Vec::new();
    for row in rows {
        out.push(row??);
    }
    Ok(out)
}

pub fn get(conn: &Conn, id: &str) -> Result<ProjectDetail, PlatformError> {
    let summary = conn
        .query_row(
            &format!("SELECT {SUMMARY_COLUMNS} FROM projects p WHERE p.id = ?1"),
            [id],
            summary_from_row,
        )
        .optional()?
        .ok_or_else(|| PlatformError::not_found(format!("项目 {id} ")))??;
    let mut stmt = conn.prepare(
        "SELECT id, name, bid_price FROM bidders WHERE project_id = ?1 ORDER BY position",
    )?;
    let bidders = stmt
        .query_map([id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?
        .map(|row| {
            let (id, name, price) = row?;
            Ok(Bidder {
                id,
                name,
                bid_price: parse_decimal(&price)?,
            })
        })
        .collect::<Result<Vec<_>, PlatformError>>()?;
    let k: Option<String> = conn
        .query_row("SELECT k_value FROM projects WHERE id = ?1", [id], |r| {
            r.get(0)
        })
        .optional()?
        .flatten();
    let k = k.map(|k| parse_decimal(&k)).transpose()?;
    Ok(ProjectDetail {
        summary,
        bidders,
        k,
    })
}

/// Creates a project with its bidders in one transaction. Idempotent: the
/// same body again returns [`Created::AlreadyExists`]; a different body under
/// an existing id is a conflict.
/// Call it inside a transaction: the project and its bidders go in together.
pub fn create(tx: &Conn, new: &NewProject, now: OffsetDateTime) -> Result<Created, PlatformError> {
    validate(new)?;
    let hash = body_hash(new)?;
    let existing: Option<String> = tx
        .query_row(
            "SELECT body_hash FROM projects WHERE id = ?1",
            [&new.id],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(existing) = existing {
        return if existing == hash {
            Ok(Created::AlreadyExists)
        } else {
            Err(PlatformError::conflict(
                "conflict",
                format!("项目 {} 已存在，且内容与本次提交不同", new.id),
            ))
        };
    }
    tx.execute(
        "INSERT INTO projects (id, name, lot, centre, tenderer, stage, ceiling_price,
                               opening_time, created_at, body_hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            new.id,
            new.name,
            new.lot,
            new.centre,
            new.tenderer,
            stage_to_str(Stage::Preparing),
            new.ceiling_price.to_string(),
            format_time(new.opening_time)?,
            format_time(now)?,
            hash,
        ],
    )?;
    for (position, b) in new.bidders.iter().enumerate() {
        tx.execute(
            "INSERT INTO bidders (project_id, id, name, bid_price, position)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                new.id,
                b.id,
                b.name,
                b.bid_price.to_string(),
                position as i64
            ],
        )?;
    }
    if let Some(k) = new.k {
        crate::db::evaluation::set_k(tx, &new.id, &k.to_string())?;
    }
    Ok(Created::New)
}

fn validate(new: &NewProject) -> Result<(), PlatformError> {
    let bad = |m: String| PlatformError::bad_request("invalid_project", m);
    if !is_code(&new.id) {
        return Err(bad(format!(
            "项目编号“{}”无效：只允许字母、数字和连字符",
            new.id
        )));
    }
    if new.name.trim().is_empty() {
        return Err(bad("项目名称不能为空".into()));
    }
    if new.ceiling_price <= Decimal::ZERO {
        return Err(bad("最高投标限价必须大于零".into()));
    }
    if let Some(k) = new.k {
        if k < Decimal::ZERO || k > Decimal::ONE {
            return Err(bad(format!("K 值 {k} 无效：应在 0 到 1 之间")));
        }
    }
    let mut seen = std::collections::HashSet::new();
    for b in &new.bidders {
        if !is_code(&b.id) {
            return Err(bad(format!("投标人编号“{}”无效", b.id)));
        }
        if !seen.insert(&b.id) {
            return Err(bad(format!("投标人编号“{}”重复", b.id)));
        }
        if b.bid_price <= Decimal::ZERO {
            return Err(bad(format!("投标人 {} 的报价必须大于零", b.id)));
        }
    }
    Ok(())
}

fn is_code(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

fn body_hash(new: &NewProject) -> Result<String, PlatformError> {
    // serde_json writes struct fields in declaration order, so the same body
    // always serialises to the same bytes.
    let bytes = serde_json::to_vec(new).map_err(|e| PlatformError::Internal(e.to_string()))?;
    Ok(hex::encode(Sha256::digest(&bytes)))
}

type RowResult = Result<ProjectSummary, PlatformError>;

fn summary_from_row(r: &Row) -> SqlResult<RowResult> {
    let stage: String = r.get(5)?;
    let ceiling: String = r.get(6)?;
    let opening: String = r.get(7)?;
    let id: String = r.get(0)?;
    let name: String = r.get(1)?;
    let lot: String = r.get(2)?;
    let centre: String = r.get(3)?;
    let tenderer: String = r.get(4)?;
    let bidder_count: u32 = r.get(8)?;
    Ok((|| {
        Ok(ProjectSummary {
            id,
            name,
            lot,
            centre,
            tenderer,
            stage: stage_from_str(&stage)?,
            ceiling_price: parse_decimal(&ceiling)?,
            opening_time: parse_time(&opening)?,
            bidder_count,
        })
    })())
}

pub fn stage_to_str(stage: Stage) -> &'static str {
    match stage {
        Stage::Preparing => "preparing",
        Stage::Evaluating => "evaluating",
        Stage::Summary => "summary",
        Stage::Closed => "closed",
        Stage::Archived => "archived",
    }
}

fn stage_from_str(s: &str) -> Result<Stage, PlatformError> {
    Ok(match s {
        "preparing" => Stage::Preparing,
        "evaluating" => Stage::Evaluating,
        "summary" => Stage::Summary,
        "closed" => Stage::Closed,
        "archived" => Stage::Archived,
        other => return Err(PlatformError::Internal(format!("未知的评标阶段：{other}"))),
    })
}

fn parse_decimal(s: &str) -> Result<Decimal, PlatformError> {
    Decimal::from_str(s).map_err(|e| PlatformError::Internal(format!("金额“{s}”无法解析：{e}")))
}

/// Times are stored in UTC, whole seconds, so that text order is time order.
pub(crate) fn format_time(t: OffsetDateTime) -> Result<String, PlatformError> {
    t.to_offset(time::UtcOffset::UTC)
        .replace_nanosecond(0)
        .map_err(|e| PlatformError::Internal(e.to_string()))?
        .format(&Rfc3339)
        .map_err(|e| PlatformError::Internal(e.to_string()))
}

pub(crate) fn parse_time(s: &str) -> Result<OffsetDateTime, PlatformError> {
    OffsetDateTime::parse(s, &Rfc3339)
        .map_err(|e| PlatformError::Internal(format!("时间“{s}”无法解析：{e}")))
}

/// The project's current stage.
pub fn stage_of(conn: &Conn, id: &str) -> Result<Stage, PlatformError> {
    let s: Option<String> = conn
        .query_row("SELECT stage FROM projects WHERE id = ?1", [id], |r| {
            r.get(0)
        })
        .optional()?;
    match s {
        Some(s) => stage_from_str(&s),
        None => Err(PlatformError::not_found(format!("项目 {id} "))),
    }
}

pub fn set_stage(conn: &Conn, id: &str, stage: Stage) -> Result<(), PlatformError> {
    conn.execute(
        "UPDATE projects SET stage = ?2 WHERE id = ?1",
        params![id, stage_to_str(stage)],
    )?;
    Ok(())
}
