//! Panel votes (表决): motions and the signed votes on them.

use crate::db::projects::{format_time, parse_time};
use crate::db::sql::{params, Conn, OptionalExtension};
use crate::db::{all_rows, recorded, signed_rows, SignedRow};
use crate::submission::{Receipted, Stored};
use crate::PlatformError;
use pingshen_api::{Motion, MotionVote, RecordedMotionVote, SignedEnvelope};

pub const SCHEMA: &str = r#"
    CREATE TABLE motions (
        project_id      TEXT NOT NULL REFERENCES projects(id),
        motion_id       TEXT NOT NULL,
        proposer_id     TEXT NOT NULL REFERENCES people(id),
        kind            TEXT NOT NULL,
        bidder_id       TEXT,
        motion_json     TEXT NOT NULL,
        envelope        TEXT NOT NULL,
        envelope_sha256 TEXT NOT NULL,
        receipt         TEXT NOT NULL,
        received_at     TEXT NOT NULL,
        PRIMARY KEY (project_id, motion_id)
    );
    CREATE TABLE motion_votes (
        project_id      TEXT NOT NULL,
        motion_id       TEXT NOT NULL,
        voter_id        TEXT NOT NULL REFERENCES people(id),
        option          TEXT NOT NULL,
        envelope        TEXT NOT NULL,
        envelope_sha256 TEXT NOT NULL,
        receipt         TEXT NOT NULL,
        received_at     TEXT NOT NULL,
        PRIMARY KEY (project_id, motion_id, voter_id),
        FOREIGN KEY (project_id, motion_id) REFERENCES motions(project_id, motion_id)
    );
"#;

fn json_err(e: serde_json::Error) -> PlatformError {
    PlatformError::Internal(format!("已存表决记录无法解析：{e}"))
}

/// The motion recorded under `motion_id`, as a retry compares it.
pub fn recorded_motion(
    conn: &Conn,
    project: &str,
    motion_id: &str,
) -> Result<Option<Stored<SignedEnvelope>>, PlatformError> {
    recorded(
        conn,
        "SELECT envelope, receipt FROM motions WHERE project_id = ?1 AND motion_id = ?2",
        params![project, motion_id],
    )
}

pub fn insert_motion(conn: &Conn, m: &Motion, r: &Receipted<'_>) -> Result<(), PlatformError> {
    let kind = serde_json::to_value(m.kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    conn.execute(
        "INSERT INTO motions (project_id, motion_id, proposer_id, kind, bidder_id, motion_json,
             envelope, envelope_sha256, receipt, received_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            m.project_id,
            m.motion_id,
            m.proposer_id,
            kind,
            m.bidder_id,
            serde_json::to_string(m).map_err(json_err)?,
            r.body.envelope_json,
            r.body.envelope_sha256,
            r.receipt_json,
            format_time(r.body.at)?
        ],
    )?;
    Ok(())
}

/// The motion itself, to check a vote against.
pub fn motion(
    conn: &Conn,
    project: &str,
    motion_id: &str,
) -> Result<Option<Motion>, PlatformError> {
    let json: Option<String> = conn
        .query_row(
            "SELECT motion_json FROM motions WHERE project_id = ?1 AND motion_id = ?2",
            params![project, motion_id],
            |r| r.get(0),
        )
        .optional()?;
    json.map(|j| serde_json::from_str(&j).map_err(json_err))
        .transpose()
}

pub fn recorded_vote(
    conn: &Conn,
    v: &MotionVote,
) -> Result<Option<Stored<SignedEnvelope>>, PlatformError> {
    recorded(
        conn,
        "SELECT envelope, receipt FROM motion_votes
         WHERE project_id = ?1 AND motion_id = ?2 AND voter_id = ?3",
        params![v.project_id, v.motion_id, v.voter_id],
    )
}

pub fn insert_vote(conn: &Conn, v: &MotionVote, r: &Receipted<'_>) -> Result<(), PlatformError> {
    conn.execute(
        "INSERT INTO motion_votes (project_id, motion_id, voter_id, option, envelope,
             envelope_sha256, receipt, received_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            v.project_id,
            v.motion_id,
            v.voter_id,
            v.option,
            r.body.envelope_json,
            r.body.envelope_sha256,
            r.receipt_json,
            format_time(r.body.at)?
        ],
    )?;
    Ok(())
}

/// Every motion of a project, oldest first.
pub fn motions(conn: &Conn, project: &str) -> Result<Vec<SignedRow<Motion>>, PlatformError> {
    signed_rows(
        conn,
        "SELECT motion_json, envelope, receipt, received_at FROM motions
         WHERE project_id = ?1 ORDER BY received_at, motion_id",
        [project],
    )
}

/// Every vote on a motion, oldest first.
pub fn votes(
    conn: &Conn,
    project: &str,
    motion_id: &str,
) -> Result<Vec<RecordedMotionVote>, PlatformError> {
    let rows = all_rows(
        conn,
        "SELECT voter_id, option, envelope, receipt, received_at FROM motion_votes
         WHERE project_id = ?1 AND motion_id = ?2 ORDER BY received_at, voter_id",
        params![project, motion_id],
        |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
            ))
        },
    )?;
    rows.into_iter()
        .map(|(voter_id, option, envelope, receipt, at)| {
            Ok(RecordedMotionVote {
                voter_id,
                option,
                received_at: parse_time(&at)?,
                envelope: serde_json::from_str(&envelope).map_err(json_err)?,
                receipt: serde_json::from_str(&receipt).map_err(json_err)?,
            })
        })
        .collect()
}
