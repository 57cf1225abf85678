//! Clarification (澄清): bidders' certificates, the panel's questions and
//! the bidders' answers.

use crate::db::projects::{format_time, parse_time};
use crate::db::sql::{params, Conn, OptionalExtension};
use crate::db::{all_rows, recorded, signed_rows, SignedRow};
use crate::submission::{Receipted, Stored};
use crate::PlatformError;
use pingshen_api::{ClarificationAnswer, ClarificationQuestion, SignedEnvelope};
use time::OffsetDateTime;

pub const SCHEMA: &str = r#"
    -- A bidder's CA certificate, bound to its bidder code: a bidder never
    -- logs in, it signs its answers with it.
    CREATE TABLE bidder_certs (
        fingerprint   TEXT PRIMARY KEY,
        bidder_id     TEXT NOT NULL,
        name          TEXT NOT NULL,
        subject       TEXT NOT NULL,
        registered_at TEXT NOT NULL
    );
    CREATE TABLE clarifications (
        project_id       TEXT NOT NULL REFERENCES projects(id),
        clarification_id TEXT NOT NULL,
        bidder_id        TEXT NOT NULL,
        asked_by         TEXT NOT NULL REFERENCES people(id),
        deadline         TEXT NOT NULL,
        question_json    TEXT NOT NULL,
        envelope         TEXT NOT NULL,
        envelope_sha256  TEXT NOT NULL,
        receipt          TEXT NOT NULL,
        received_at      TEXT NOT NULL,
        PRIMARY KEY (project_id, clarification_id)
    );
    CREATE TABLE clarification_answers (
        project_id       TEXT NOT NULL,
        clarification_id TEXT NOT NULL,
        bidder_id        TEXT NOT NULL,
        answer_json      TEXT NOT NULL,
        envelope         TEXT NOT NULL,
        envelope_sha256  TEXT NOT NULL,
        receipt          TEXT NOT NULL,
        received_at      TEXT NOT NULL,
        file_id          TEXT NOT NULL,
        PRIMARY KEY (project_id, clarification_id),
        FOREIGN KEY (project_id, clarification_id)
            REFERENCES clarifications(project_id, clarification_id)
    );
"#;

/// The platform asks too (the abnormal-price review the rules open), so a
/// question's `asked_by` is no longer always a person: the table is rebuilt
/// without that reference (SQLite cannot drop a constraint in place; the
/// migration runner turns foreign keys off around it and checks them after).
pub const PLATFORM_ASKS: &str = r#"
    CREATE TABLE clarifications_v2 (
        project_id       TEXT NOT NULL REFERENCES projects(id),
        clarification_id TEXT NOT NULL,
        bidder_id        TEXT NOT NULL,
        -- A person's id, or 'platform' for a review the rules opened.
        asked_by         TEXT NOT NULL,
        deadline         TEXT NOT NULL,
        question_json    TEXT NOT NULL,
        envelope         TEXT NOT NULL,
        envelope_sha256  TEXT NOT NULL,
        receipt          TEXT NOT NULL,
        received_at      TEXT NOT NULL,
        PRIMARY KEY (project_id, clarification_id)
    );
    INSERT INTO clarifications_v2 SELECT project_id, clarification_id, bidder_id, asked_by,
        deadline, question_json, envelope, envelope_sha256, receipt, received_at
        FROM clarifications ORDER BY received_at, clarification_id;
    DROP TABLE clarifications;
    ALTER TABLE clarifications_v2 RENAME TO clarifications;
"#;

fn json_err(e: serde_json::Error) -> PlatformError {
    PlatformError::Internal(format!("已存澄清记录无法解析：{e}"))
}

/// Binds a bidder's certificate to its code; the same binding again is a no-op.
pub fn bind_bidder_cert(
    conn: &Conn,
    bidder_id: &str,
    name: &str,
    fingerprint: &str,
    subject: &str,
    at: OffsetDateTime,
) -> Result<(), PlatformError> {
    conn.execute(
        "INSERT INTO bidder_certs (fingerprint, bidder_id, name, subject, registered_at)
         VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT(fingerprint) DO NOTHING",
        params![fingerprint, bidder_id, name, subject, format_time(at)?],
    )?;
    Ok(())
}

/// The bidder a certificate belongs to.
pub fn bidder_by_fingerprint(
    conn: &Conn,
    fingerprint: &str,
) -> Result<Option<String>, PlatformError> {
    Ok(conn
        .query_row(
            "SELECT bidder_id FROM bidder_certs WHERE fingerprint = ?1",
            [fingerprint],
            |r| r.get(0),
        )
        .optional()?)
}

pub fn recorded_question(
    conn: &Conn,
    project: &str,
    id: &str,
) -> Result<Option<Stored<SignedEnvelope>>, PlatformError> {
    recorded(
        conn,
        "SELECT envelope, receipt FROM clarifications WHERE project_id = ?1 AND clarification_id = ?2",
        params![project, id],
    )
}

pub fn insert_question(
    conn: &Conn,
    q: &ClarificationQuestion,
    r: &Receipted<'_>,
) -> Result<(), PlatformError> {
    conn.execute(
        "INSERT INTO clarifications (project_id, clarification_id, bidder_id, asked_by, deadline,
             question_json, envelope, envelope_sha256, receipt, received_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            q.project_id,
            q.clarification_id,
            q.bidder_id,
            q.asked_by,
            format_time(q.deadline)?,
            serde_json::to_string(q).map_err(json_err)?,
            r.body.envelope_json,
            r.body.envelope_sha256,
            r.receipt_json,
            format_time(r.body.at)?
        ],
    )?;
    Ok(())
}

pub fn question(
    conn: &Conn,
    project: &str,
    id: &str,
) -> Result<Option<SignedRow<ClarificationQuestion>>, PlatformError> {
    Ok(signed_rows(
        conn,
        "SELECT question_json, envelope, receipt, received_at FROM clarifications
         WHERE project_id = ?1 AND clarification_id = ?2",
        params![project, id],
    )?
    .pop())
}

/// Every question of a project, oldest first (in the order recorded
/// within a second).
pub fn questions(
    conn: &Conn,
    project: &str,
) -> Result<Vec<SignedRow<ClarificationQuestion>>, PlatformError> {
    signed_rows(
        conn,
        "SELECT question_json, envelope, receipt, received_at FROM clarifications
         WHERE project_id = ?1 ORDER BY received_at, rowid",
        [project],
    )
}

/// The deadlines of the questions not answered yet: one that has passed
/// dates the evaluation report (the question expired), and the report's
/// version check reads these rather than every question and answer.
pub fn unanswered_deadlines(
    conn: &Conn,
    project: &str,
) -> Result<Vec<OffsetDateTime>, PlatformError> {
    // The signed question's own deadline, as the report lists it (the
    // column is the same instant, kept for queries by date).
    all_rows(
        conn,
        "SELECT question_json FROM clarifications q WHERE q.project_id = ?1 AND NOT EXISTS
             (SELECT 1 FROM clarification_answers a
              WHERE a.project_id = q.project_id AND a.clarification_id = q.clarification_id)",
        [project],
        |r| r.get::<_, String>(0),
    )?
    .iter()
    .map(|json| {
        serde_json::from_str::<ClarificationQuestion>(json)
            .map(|q| q.deadline)
            .map_err(json_err)
    })
    .collect()
}

pub fn recorded_answer(
    conn: &Conn,
    project: &str,
    id: &str,
) -> Result<Option<Stored<SignedEnvelope>>, PlatformError> {
    recorded(
        conn,
        "SELECT envelope, receipt FROM clarification_answers
         WHERE project_id = ?1 AND clarification_id = ?2",
        params![project, id],
    )
}

pub fn insert_answer(
    conn: &Conn,
    a: &ClarificationAnswer,
    file_id: &str,
    r: &Receipted<'_>,
) -> Result<(), PlatformError> {
    conn.execute(
        "INSERT INTO clarification_answers (project_id, clarification_id, bidder_id, answer_json,
             envelope, envelope_sha256, receipt, received_at, file_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            a.project_id,
            a.clarification_id,
            a.bidder_id,
            serde_json::to_string(a).map_err(json_err)?,
            r.body.envelope_json,
            r.body.envelope_sha256,
            r.receipt_json,
            format_time(r.body.at)?,
            file_id
        ],
    )?;
    Ok(())
}

/// The answer to a question, if any.
pub fn answer(
    conn: &Conn,
    project: &str,
    id: &str,
) -> Result<Option<pingshen_api::RecordedAnswer>, PlatformError> {
    let row: Option<(String, String, String, String, String)> = conn
        .query_row(
            "SELECT answer_json, envelope, receipt, received_at, file_id FROM clarification_answers
             WHERE project_id = ?1 AND clarification_id = ?2",
            params![project, id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .optional()?;
    row.map(|(a, envelope, receipt, at, file_id)| {
        Ok(pingshen_api::RecordedAnswer {
            answer: serde_json::from_str(&a).map_err(json_err)?,
            received_at: parse_time(&at)?,
            envelope: serde_json::from_str(&envelope).map_err(json_err)?,
            receipt: serde_json::from_str(&receipt).map_err(json_err)?,
            file_id,
        })
    })
    .transpose()
}
