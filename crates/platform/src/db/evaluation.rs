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

/// What the current version of the report is made from, in brief: read
/// in one query, so that knowing whether the stored report is still
/// current costs one query instead of reading and aggregating the records.
pub struct ReportBasis {
    /// When each kind of record the report is dated by last arrived: the
    /// latest version of each expert's sheet, motions, their votes,
    /// clarification questions and answers.
    pub arrivals: Vec<OffsetDateTime>,
    /// How many of each record the report is rendered from there are, and
    /// K. Records are only ever added, so a count changes with every
    /// arrival, even one within the second its time is written at.
    pub counts: String,
}

pub fn report_basis(conn: &Conn, project: &str) -> Result<ReportBasis, PlatformError> {
    // Each table's times are written by `format_time` (UTC, whole
    // seconds): its text maximum is its latest.
    let (latest, counts): ([Option<String>; 5], String) = conn.query_row(
        "SELECT
             (SELECT MAX(received_at) FROM sheets s WHERE s.project_id = ?1 AND s.version =
                 (SELECT MAX(version) FROM sheets t WHERE t.project_id = s.project_id
                                                     AND t.expert_id = s.expert_id)),
             (SELECT MAX(received_at) FROM motions WHERE project_id = ?1),
             (SELECT MAX(received_at) FROM motion_votes WHERE project_id = ?1),
             (SELECT MAX(received_at) FROM clarifications WHERE project_id = ?1),
             (SELECT MAX(received_at) FROM clarification_answers WHERE project_id = ?1),
             (SELECT k_value FROM projects WHERE id = ?1),
             (SELECT COUNT(*) FROM sheets WHERE project_id = ?1),
             (SELECT COUNT(*) FROM motions WHERE project_id = ?1),
             (SELECT COUNT(*) FROM motion_votes WHERE project_id = ?1),
             (SELECT COUNT(*) FROM clarifications WHERE project_id = ?1),
             (SELECT COUNT(*) FROM clarification_answers WHERE project_id = ?1),
             (SELECT COUNT(*) FROM declarations WHERE project_id = ?1),
             (SELECT COUNT(*) FROM assignments WHERE project_id = ?1),
             (SELECT COUNT(*) FROM rules_versions WHERE project_id = ?1),
             (SELECT COUNT(*) FROM credit_records WHERE project_id = ?1)",
        [project],
        |r| {
            let latest = [r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?];
            let k: Option<String> = r.get(5)?;
            let counts = (6..15)
                .map(|i| r.get::<_, i64>(i).map(|n| n.to_string()))
                .collect::<SqlResult<Vec<_>>>()?;
            Ok((
                latest,
                format!("{} k={}", counts.join(","), k.unwrap_or_default()),
            ))
        },
    )?;
    Ok(ReportBasis {
        arrivals: latest
            .iter()
            .flatten()
            .map(|t| parse_time(t))
            .collect::<Result<_, _>>()?,
        counts,
    })
}

/// The stored report: its file's hash and size, its date, and the
/// [`ReportBasis`] it was rendered from (none for a report stored before
/// the basis was kept: such a one is rendered again once).
#[derive(Debug, Clone, PartialEq)]
pub struct StoredReport {
    pub sha256: String,
    pub size: u64,
    pub generated_at: OffsetDateTime,
    pub basis: Option<String>,
}

pub fn report(conn: &Conn, project: &str) -> Result<Option<StoredReport>, PlatformError> {
    let row: Option<(String, i64, String, Option<String>)> = conn
        .query_row(
            "SELECT sha256, size, generated_at, basis FROM reports WHERE project_id = ?1",
            [project],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()?;
    row.map(|(sha256, size, at, basis)| {
        Ok(StoredReport {
            sha256,
            size: size as u64,
            generated_at: parse_time(&at)?,
            basis,
        })
    })
    .transpose()
}

pub fn set_report(conn: &Conn, project: &str, r: &StoredReport) -> Result<(), PlatformError> {
    conn.execute(
        "INSERT INTO reports (project_id, sha256, size, generated_at, basis)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT(project_id) DO UPDATE SET sha256 = excluded.sha256, size = excluded.size,
             generated_at = excluded.generated_at, basis = excluded.basis",
        params![
            project,
            r.sha256,
            r.size as i64,
            format_time(r.generated_at)?,
            r.basis
        ],
    )?;
    Ok(())
}

/// The stored report's basis, kept beside it since migration 0013.
pub const REPORT_BASIS: &str = "ALTER TABLE reports ADD COLUMN basis TEXT;";

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
