//! Declarations, leader votes, score sheets, reopenings, the report.

use crate::db::projects::{format_time, parse_time};
use crate::db::sql::{params, Conn, OptionalExtension, Row, SqlResult};
use crate::db::{all_rows, recorded, texts2, texts4};
use crate::submission::{Receipted, Stored};
use crate::PlatformError;
use pingshen_api::{DeclarationDecision, SignedEnvelope};
use time::OffsetDateTime;

pub const SCHEMA: &str = r#"
    ALTER TABLE projects ADD COLUMN k_value TEXT;
    CREATE TABLE declarations (
        project_id      TEXT NOT NULL REFERENCES projects(id),
        expert_id       TEXT NOT NULL REFERENCES people(id),
        decision        TEXT NOT NULL CHECK (decision IN ('no_conflict', 'recuse')),
        reason          TEXT,
        envelope        TEXT NOT NULL,
        envelope_sha256 TEXT NOT NULL,
        receipt         TEXT NOT NULL,
        received_at     TEXT NOT NULL,
        PRIMARY KEY (project_id, expert_id)
    );
    CREATE TABLE leader_votes (
        project_id      TEXT NOT NULL REFERENCES projects(id),
        voter_id        TEXT NOT NULL REFERENCES people(id),
        candidate_id    TEXT NOT NULL REFERENCES people(id),
        envelope        TEXT NOT NULL,
        envelope_sha256 TEXT NOT NULL,
        receipt         TEXT NOT NULL,
        received_at     TEXT NOT NULL,
        PRIMARY KEY (project_id, voter_id)
    );
    CREATE TABLE sheets (
        project_id    TEXT NOT NULL REFERENCES projects(id),
        expert_id     TEXT NOT NULL REFERENCES people(id),
        version       INTEGER NOT NULL,
        submission_id TEXT NOT NULL UNIQUE,
        body_sha256   TEXT NOT NULL,
        envelope      TEXT NOT NULL,
        sheet_json    TEXT NOT NULL,
        rules_version INTEGER NOT NULL,
        receipt       TEXT NOT NULL,
        received_at   TEXT NOT NULL,
        PRIMARY KEY (project_id, expert_id, version)
    );
    CREATE TABLE reopenings (
        project_id   TEXT NOT NULL REFERENCES projects(id),
        expert_id    TEXT NOT NULL REFERENCES people(id),
        from_version INTEGER NOT NULL,
        reason       TEXT NOT NULL,
        granted_by   TEXT NOT NULL REFERENCES people(id),
        granted_at   TEXT NOT NULL,
        PRIMARY KEY (project_id, expert_id, from_version)
    );
    CREATE TABLE reports (
        project_id   TEXT PRIMARY KEY REFERENCES projects(id),
        sha256       TEXT NOT NULL,
        size         INTEGER NOT NULL,
        generated_at TEXT NOT NULL
    );
    CREATE TABLE report_signatures (
        project_id    TEXT NOT NULL REFERENCES projects(id),
        expert_id     TEXT NOT NULL REFERENCES people(id),
        report_sha256 TEXT NOT NULL,
        envelope      TEXT NOT NULL,
        receipt       TEXT NOT NULL,
        signed_at     TEXT NOT NULL,
        PRIMARY KEY (project_id, expert_id, report_sha256)
    );
"#;

fn env_from(s: &str) -> Result<SignedEnvelope, PlatformError> {
    serde_json::from_str(s).map_err(|e| PlatformError::Internal(e.to_string()))
}

// ---------------------------------------------------------------- K

pub fn set_k(conn: &Conn, project: &str, k: &str) -> Result<(), PlatformError> {
    conn.execute(
        "UPDATE projects SET k_value = ?2 WHERE id = ?1",
        params![project, k],
    )?;
    Ok(())
}

pub fn k_value(conn: &Conn, project: &str) -> Result<Option<String>, PlatformError> {
    Ok(conn
        .query_row(
            "SELECT k_value FROM projects WHERE id = ?1",
            [project],
            |r| r.get(0),
        )
        .optional()?
        .flatten())
}

// ---------------------------------------------------------------- declarations

/// What `expert` declared on `project`, if anything.
pub fn declaration(
    conn: &Conn,
    project: &str,
    expert: &str,
) -> Result<Option<DeclarationDecision>, PlatformError> {
    let row: Option<String> = conn
        .query_row(
            "SELECT decision FROM declarations WHERE project_id = ?1 AND expert_id = ?2",
            params![project, expert],
            |r| r.get(0),
        )
        .optional()?;
    Ok(row.map(|d| {
        if d == "recuse" {
            DeclarationDecision::Recuse
        } else {
            DeclarationDecision::NoConflict
        }
    }))
}

/// The declaration of `expert` on `project`, as recorded.
pub fn recorded_declaration(
    conn: &Conn,
    project: &str,
    expert: &str,
) -> Result<Option<Stored<SignedEnvelope>>, PlatformError> {
    recorded(
        conn,
        "SELECT envelope, receipt FROM declarations WHERE project_id = ?1 AND expert_id = ?2",
        params![project, expert],
    )
}

pub struct NewDeclaration<'a> {
    pub project_id: &'a str,
    pub expert_id: &'a str,
    pub decision: DeclarationDecision,
    pub reason: Option<&'a str>,
}

pub fn insert_declaration(
    conn: &Conn,
    d: &NewDeclaration<'_>,
    r: &Receipted<'_>,
) -> Result<(), PlatformError> {
    conn.execute(
        "INSERT INTO declarations (project_id, expert_id, decision, reason, envelope,
             envelope_sha256, receipt, received_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            d.project_id,
            d.expert_id,
            match d.decision {
                DeclarationDecision::NoConflict => "no_conflict",
                DeclarationDecision::Recuse => "recuse",
            },
            d.reason,
            r.body.envelope_json,
            r.body.envelope_sha256,
            r.receipt_json,
            format_time(r.body.at)?
        ],
    )?;
    Ok(())
}

/// Every declaration of a project: (expert, decision, envelope JSON, receipt JSON).
pub fn declarations(
    conn: &Conn,
    project: &str,
) -> Result<Vec<(String, String, String, String)>, PlatformError> {
    all_rows(
        conn,
        "SELECT expert_id, decision, envelope, receipt FROM declarations
         WHERE project_id = ?1 ORDER BY expert_id",
        [project],
        texts4,
    )
}

// ---------------------------------------------------------------- leader votes

/// The leader vote of `voter` on `project`, as recorded.
pub fn recorded_vote(
    conn: &Conn,
    project: &str,
    voter: &str,
) -> Result<Option<Stored<SignedEnvelope>>, PlatformError> {
    recorded(
        conn,
        "SELECT envelope, receipt FROM leader_votes WHERE project_id = ?1 AND voter_id = ?2",
        params![project, voter],
    )
}

pub struct NewVote<'a> {
    pub project_id: &'a str,
    pub voter_id: &'a str,
    pub candidate_id: &'a str,
}

pub fn insert_vote(conn: &Conn, v: &NewVote<'_>, r: &Receipted<'_>) -> Result<(), PlatformError> {
    conn.execute(
        "INSERT INTO leader_votes (project_id, voter_id, candidate_id, envelope, envelope_sha256,
             receipt, received_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            v.project_id,
            v.voter_id,
            v.candidate_id,
            r.body.envelope_json,
            r.body.envelope_sha256,
            r.receipt_json,
            format_time(r.body.at)?
        ],
    )?;
    Ok(())
}

/// Every vote's signed envelope and receipt (JSON), by voter.
pub fn vote_documents(conn: &Conn, project: &str) -> Result<Vec<(String, String)>, PlatformError> {
    all_rows(
        conn,
        "SELECT envelope, receipt FROM leader_votes WHERE project_id = ?1 ORDER BY voter_id",
        [project],
        texts2,
    )
}

/// (voter, candidate) of every vote.
pub fn votes(conn: &Conn, project: &str) -> Result<Vec<(String, String)>, PlatformError> {
    all_rows(
        conn,
        "SELECT voter_id, candidate_id FROM leader_votes WHERE project_id = ?1 ORDER BY voter_id",
        [project],
        texts2,
    )
}

// ---------------------------------------------------------------- sheets

pub struct StoredSheet {
    pub expert_id: String,
    pub version: u32,
    pub submission_id: String,
    pub body_sha256: String,
    pub envelope: SignedEnvelope,
    pub sheet_json: String,
    pub rules_version: u32,
    pub receipt: SignedEnvelope,
    pub received_at: OffsetDateTime,
}

const SHEET_COLUMNS: &str = "expert_id, version, submission_id, body_sha256, envelope, sheet_json,
    rules_version, receipt, received_at";

/// A sheet's columns as read, in [`SHEET_COLUMNS`] order.
type SheetRow = (
    String,
    u32,
    String,
    String,
    String,
    String,
    u32,
    String,
    String,
);

fn sheet_row(r: &Row) -> SqlResult<SheetRow> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
        r.get(7)?,
        r.get(8)?,
    ))
}

fn to_sheet(row: SheetRow) -> Result<StoredSheet, PlatformError> {
    let (
        expert_id,
        version,
        submission_id,
        body_sha256,
        envelope,
        sheet_json,
        rules_version,
        receipt,
        at,
    ) = row;
    Ok(StoredSheet {
        expert_id,
        version,
        submission_id,
        body_sha256,
        envelope: env_from(&envelope)?,
        sheet_json,
        rules_version,
        receipt: env_from(&receipt)?,
        received_at: parse_time(&at)?,
    })
}

pub fn sheet_by_submission(
    conn: &Conn,
    submission_id: &str,
) -> Result<Option<(String, StoredSheet)>, PlatformError> {
    let row = conn
        .query_row(
            &format!("SELECT project_id, {SHEET_COLUMNS} FROM sheets WHERE submission_id = ?1"),
            [submission_id],
            |r| {
                let project: String = r.get(0)?;
                let rest = (
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                    r.get(7)?,
                    r.get(8)?,
                    r.get(9)?,
                );
                Ok((project, rest))
            },
        )
        .optional()?;
    row.map(|(p, rest)| Ok((p, to_sheet(rest)?))).transpose()
}

/// The latest version of each expert's sheet.
pub fn latest_sheets(conn: &Conn, project: &str) -> Result<Vec<StoredSheet>, PlatformError> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {SHEET_COLUMNS} FROM sheets s WHERE project_id = ?1 AND version =
             (SELECT MAX(version) FROM sheets t WHERE t.project_id = s.project_id
                                                 AND t.expert_id = s.expert_id)
         ORDER BY expert_id"
    ))?;
    let rows = stmt.query_map([project], sheet_row)?;
    rows.map(|r| to_sheet(r?)).collect()
}

/// Every version of every sheet (the archive).
pub fn all_sheets(conn: &Conn, project: &str) -> Result<Vec<StoredSheet>, PlatformError> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {SHEET_COLUMNS} FROM sheets WHERE project_id = ?1 ORDER BY expert_id, version"
    ))?;
    let rows = stmt.query_map([project], sheet_row)?;
    rows.map(|r| to_sheet(r?)).collect()
}

pub fn latest_version(
    conn: &Conn,
    project: &str,
    expert: &str,
) -> Result<Option<u32>, PlatformError> {
    Ok(conn.query_row(
        "SELECT MAX(version) FROM sheets WHERE project_id = ?1 AND expert_id = ?2",
        params![project, expert],
        |r| r.get(0),
    )?)
}

pub struct NewSheet<'a> {
    pub project_id: &'a str,
    pub expert_id: &'a str,
    pub version: u32,
    pub submission_id: &'a str,
    pub sheet_json: &'a str,
    pub rules_version: u32,
}

pub fn insert_sheet(conn: &Conn, s: &NewSheet<'_>, r: &Receipted<'_>) -> Result<(), PlatformError> {
    conn.execute(
        "INSERT INTO sheets (project_id, expert_id, version, submission_id, body_sha256, envelope,
             sheet_json, rules_version, receipt, received_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            s.project_id,
            s.expert_id,
            s.version,
            s.submission_id,
            r.body.envelope_sha256,
            r.body.envelope_json,
            s.sheet_json,
            s.rules_version,
            r.receipt_json,
            format_time(r.body.at)?
        ],
    )?;
    Ok(())
}

// ---------------------------------------------------------------- reopenings

pub fn reopened(
    conn: &Conn,
    project: &str,
    expert: &str,
    from_version: u32,
) -> Result<bool, PlatformError> {
    Ok(conn
        .query_row(
            "SELECT 1 FROM reopenings WHERE project_id = ?1 AND expert_id = ?2 AND from_version = ?3",
            params![project, expert, from_version],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}

pub fn insert_reopening(
    conn: &Conn,
    project: &str,
    expert: &str,
    from_version: u32,
    reason: &str,
    by: &str,
    at: OffsetDateTime,
) -> Result<(), PlatformError> {
    conn.execute(
        "INSERT INTO reopenings (project_id, expert_id, from_version, reason, granted_by, granted_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO NOTHING",
        params![project, expert, from_version, reason, by, format_time(at)?],
    )?;
    Ok(())
}

// ---------------------------------------------------------------- report

pub fn report(
    conn: &Conn,
    project: &str,
) -> Result<Option<(String, u64, OffsetDateTime)>, PlatformError> {
    let row: Option<(String, i64, String)> = conn
        .query_row(
            "SELECT sha256, size, generated_at FROM reports WHERE project_id = ?1",
            [project],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    row.map(|(s, n, t)| Ok((s, n as u64, parse_time(&t)?)))
        .transpose()
}

pub fn set_report(
    conn: &Conn,
    project: &str,
    sha256: &str,
    size: u64,
    at: OffsetDateTime,
) -> Result<(), PlatformError> {
    conn.execute(
        "INSERT INTO reports (project_id, sha256, size, generated_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT(project_id) DO UPDATE SET sha256 = excluded.sha256, size = excluded.size,
             generated_at = excluded.generated_at",
        params![project, sha256, size as i64, format_time(at)?],
    )?;
    Ok(())
}

pub fn report_signers(
    conn: &Conn,
    project: &str,
    sha256: &str,
) -> Result<Vec<String>, PlatformError> {
    all_rows(
        conn,
        "SELECT expert_id FROM report_signatures WHERE project_id = ?1 AND report_sha256 = ?2
         ORDER BY expert_id",
        params![project, sha256],
        |r| r.get(0),
    )
}

/// The signature of `expert` over the report `sha256`, as recorded.
pub fn recorded_report_signature(
    conn: &Conn,
    project: &str,
    expert: &str,
    sha256: &str,
) -> Result<Option<Stored<SignedEnvelope>>, PlatformError> {
    recorded(
        conn,
        "SELECT envelope, receipt FROM report_signatures
         WHERE project_id = ?1 AND expert_id = ?2 AND report_sha256 = ?3",
        params![project, expert, sha256],
    )
}

pub struct NewReportSignature<'a> {
    pub project_id: &'a str,
    pub expert_id: &'a str,
    pub report_sha256: &'a str,
}

pub fn insert_report_signature(
    conn: &Conn,
    s: &NewReportSignature<'_>,
    r: &Receipted<'_>,
) -> Result<(), PlatformError> {
    conn.execute(
        "INSERT INTO report_signatures (project_id, expert_id, report_sha256, envelope, receipt, signed_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            s.project_id,
            s.expert_id,
            s.report_sha256,
            r.body.envelope_json,
            r.receipt_json,
            format_time(r.body.at)?
        ],
    )?;
    Ok(())
}

/// Every report signature of the project: (expert, sha256, envelope JSON, receipt JSON).
pub fn report_signatures(
    conn: &Conn,
    project: &str,
) -> Result<Vec<(String, String, String, String)>, PlatformError> {
    all_rows(
        conn,
        "SELECT expert_id, report_sha256, envelope, receipt FROM report_signatures
         WHERE project_id = ?1 ORDER BY expert_id",
        [project],
        texts4,
    )
}
