//! The panel's signed decisions on screening flags (串标分析).

use crate::db::projects::{format_time, parse_time};
use crate::db::sql::{params, Conn};
use crate::submission::{Receipted, Stored};
use crate::PlatformError;
use pingshen_api::{RecordedScreenDecision, ScreenDecision, SignedEnvelope};

pub const SCHEMA: &str = r#"
    CREATE TABLE screen_decisions (
        submission_id   TEXT PRIMARY KEY,
        project_id      TEXT NOT NULL REFERENCES projects(id),
        flag_id         TEXT NOT NULL,
        verdict         TEXT NOT NULL,
        decided_by      TEXT NOT NULL REFERENCES people(id),
        decision_json   TEXT NOT NULL,
        envelope        TEXT NOT NULL,
        envelope_sha256 TEXT NOT NULL,
        receipt         TEXT NOT NULL,
        received_at     TEXT NOT NULL
    );
    CREATE INDEX screen_decisions_project ON screen_decisions (project_id, received_at);
"#;

fn json_err(e: serde_json::Error) -> PlatformError {
    PlatformError::Internal(format!("已存串标分析决定无法解析：{e}"))
}

/// The decision recorded under `submission_id`, if any.
pub fn recorded(
    conn: &Conn,
    submission_id: &str,
) -> Result<Option<Stored<SignedEnvelope>>, PlatformError> {
    crate::db::recorded(
        conn,
        "SELECT envelope, receipt FROM screen_decisions WHERE submission_id = ?1",
        [submission_id],
    )
}

pub fn insert(conn: &Conn, d: &ScreenDecision, r: &Receipted<'_>) -> Result<(), PlatformError> {
    // The verdict as its wire name, for queries by verdict.
    let verdict = serde_json::to_value(d.verdict)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    conn.execute(
        "INSERT INTO screen_decisions (submission_id, project_id, flag_id, verdict, decided_by,
             decision_json, envelope, envelope_sha256, receipt, received_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            d.submission_id,
            d.project_id,
            d.flag_id,
            verdict,
            d.decided_by,
            serde_json::to_string(d).map_err(json_err)?,
            r.body.envelope_json,
            r.body.envelope_sha256,
            r.receipt_json,
            format_time(r.body.at)?
        ],
    )?;
    Ok(())
}

/// Every decision of a project, oldest first.
pub fn list(conn: &Conn, project: &str) -> Result<Vec<RecordedScreenDecision>, PlatformError> {
    let mut stmt = conn.prepare(
        "SELECT decision_json, envelope, receipt, received_at FROM screen_decisions
         WHERE project_id = ?1 ORDER BY received_at, submission_id",
    )?;
    let rows = stmt.query_map([project], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (decision, envelope, receipt, at) = row?;
        out.push(RecordedScreenDecision {
            decision: serde_json::from_str(&decision).map_err(json_err)?,
            envelope: serde_json::from_str(&envelope).map_err(json_err)?,
            receipt: serde_json::from_str(&receipt).map_err(json_err)?,
            received_at: parse_time(&at)?,
        });
    }
    Ok(out)
}
