//! The project cache: the platform's project detail, rules and manifest JSON,
//! the credit records and the bids rejected by vote, kept once verified so
//! the expert can work offline.

use super::check_json;
use crate::clock::{from_millis, now_millis};
use crate::error::Result;
use crate::ids::check_id;
use rusqlite::{params, Connection, OptionalExtension};
use time::OffsetDateTime;

/// Which JSON document of a project.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProjectPart {
    /// The line of the project list.
    Summary,
    Detail,
    Rules,
    Manifest,
    /// The platform-signed credit records, as verified.
    Credit,
    /// The bids the panel rejected by vote, as counted from verified votes.
    Rejections,
}

impl ProjectPart {
    fn column(self) -> &'static str {
        match self {
            ProjectPart::Summary => "summary_json",
            ProjectPart::Detail => "detail_json",
            ProjectPart::Rules => "rules_json",
            ProjectPart::Manifest => "manifest_json",
            ProjectPart::Credit => "credit_json",
            ProjectPart::Rejections => "rejected_json",
        }
    }
}

/// What is cached for one project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CachedProject {
    pub project: String,
    pub summary_json: Option<String>,
    pub detail_json: Option<String>,
    pub rules_json: Option<String>,
    pub manifest_json: Option<String>,
    pub credit_json: Option<String>,
    pub rejected_json: Option<String>,
    /// When the platform last answered about this project.
    pub updated_at: OffsetDateTime,
}

/// The project cache table.
pub struct Projects<'a> {
    conn: &'a Connection,
}

impl<'a> Projects<'a> {
    pub(crate) fn new(conn: &'a Connection) -> Self {
        Projects { conn }
    }

    /// Stores (replaces) one JSON document of a project; `invalid_json` if it is not JSON.
    pub fn put(&self, project: &str, part: ProjectPart, json: &str) -> Result<()> {
        check_id("项目编号", project)?;
        check_json("项目数据", json)?;
        let column = part.column();
        self.conn.execute(
            &format!(
                "INSERT INTO projects (project, {column}, updated_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (project) DO UPDATE SET {column} = excluded.{column},
                     updated_at = excluded.updated_at"
            ),
            params![project, json, now_millis()],
        )?;
        Ok(())
    }

    pub fn get(&self, project: &str) -> Result<Option<CachedProject>> {
        Ok(self
            .conn
            .query_row(
                "SELECT project, summary_json, detail_json, rules_json, manifest_json, updated_at,
                        credit_json, rejected_json
                 FROM projects WHERE project = ?1",
                [project],
                |r| {
                    Ok(CachedProject {
                        project: r.get(0)?,
                        summary_json: r.get(1)?,
                        detail_json: r.get(2)?,
                        rules_json: r.get(3)?,
                        manifest_json: r.get(4)?,
                        updated_at: from_millis(r.get(5)?),
                        credit_json: r.get(6)?,
                        rejected_json: r.get(7)?,
                    })
                },
            )
            .optional()?)
    }

    /// Ids of the cached projects, sorted.
    pub fn list(&self) -> Result<Vec<String>> {
        let mut stmt = self
            .conn
            .prepare("SELECT project FROM projects ORDER BY project")?;
        let ids = stmt.query_map([], |r| r.get(0))?;
        Ok(ids.collect::<rusqlite::Result<_>>()?)
    }
}
