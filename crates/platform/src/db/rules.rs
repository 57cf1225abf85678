//! Published rules versions.

use crate::db::projects::{format_time, parse_time};
use crate::db::sql::{params, Conn, OptionalExtension};
use crate::submission::Receipted;
use crate::PlatformError;
use pingshen_api::{PublishedRules, SignedEnvelope};

pub struct NewVersion<'a> {
    pub project_id: &'a str,
    pub version: u32,
    pub rules_toml: &'a str,
    /// SHA-256 of `rules_toml`.
    pub sha256: &'a str,
    pub published_by: &'a str,
}

pub fn latest_version(conn: &Conn, project_id: &str) -> Result<Option<u32>, PlatformError> {
    Ok(conn.query_row(
        "SELECT MAX(version) FROM rules_versions WHERE project_id = ?1",
        [project_id],
        |r| r.get::<_, Option<u32>>(0),
    )?)
}

/// The version stored for an envelope already received, if any (a retried publication).
pub fn by_envelope(
    conn: &Conn,
    envelope_sha256: &str,
) -> Result<Option<PublishedRules>, PlatformError> {
    let found: Option<(String, u32)> = conn
        .query_row(
            "SELECT project_id, version FROM rules_versions WHERE envelope_sha256 = ?1",
            [envelope_sha256],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    match found {
        Some((p, v)) => get(conn, &p, Some(v)),
        None => Ok(None),
    }
}

pub fn insert(conn: &Conn, v: &NewVersion<'_>, r: &Receipted<'_>) -> Result<(), PlatformError> {
    conn.execute(
        "INSERT INTO rules_versions (project_id, version, rules_toml, sha256, envelope,
             envelope_sha256, published_by, published_at, receipt)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            v.project_id,
            v.version,
            v.rules_toml,
            v.sha256,
            r.body.envelope_json,
            r.body.envelope_sha256,
            v.published_by,
            format_time(r.body.at)?,
            r.receipt_json
        ],
    )?;
    Ok(())
}

/// A version of a project's rules; `None` means the latest.
pub fn get(
    conn: &Conn,
    project_id: &str,
    version: Option<u32>,
) -> Result<Option<PublishedRules>, PlatformError> {
    let version = match version {
        Some(v) => v,
        None => match latest_version(conn, project_id)? {
            Some(v) => v,
            None => return Ok(None),
        },
    };
    let row = conn
        .query_row(
            "SELECT r.rules_toml, r.sha256, r.envelope, r.published_by, p.name, r.published_at,
                    r.receipt
             FROM rules_versions r JOIN people p ON p.id = r.published_by
             WHERE r.project_id = ?1 AND r.version = ?2",
            params![project_id, version],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, String>(5)?,
                    r.get::<_, String>(6)?,
                ))
            },
        )
        .optional()?;
    let Some((rules_toml, sha256, envelope, by, name, at, receipt)) = row else {
        return Ok(None);
    };
    let parse = |s: &str| -> Result<SignedEnvelope, PlatformError> {
        serde_json::from_str(s).map_err(|e| PlatformError::Internal(e.to_string()))
    };
    Ok(Some(PublishedRules {
        project_id: project_id.to_string(),
        version,
        rules_toml,
        sha256,
        published_by: by,
        published_by_name: name,
        published_at: parse_time(&at)?,
        envelope: parse(&envelope)?,
        receipt: parse(&receipt)?,
    }))
}
