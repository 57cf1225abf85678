//! Score drafts, autosaved on every change, and the score sheet's
//! submitted/locked state per (project, version).

use super::write_tx;
use crate::clock::{from_millis, now_millis};
use crate::error::{Result, StoreError};
use crate::ids::{check_id, check_key};
use rusqlite::{params, Connection, OptionalExtension, Row};
use time::OffsetDateTime;

/// One draft value to save.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DraftInput<'a> {
    /// e.g. `preliminary`, `detailed`.
    pub sheet_kind: &'a str,
    pub bidder: &'a str,
    /// Criterion or factor id.
    pub item: &'a str,
    /// The value as typed (a decimal or pass/fail, as text: parsing is the rules' job).
    pub value: &'a str,
    pub reason: &'a str,
}

/// A saved draft value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftEntry {
    pub sheet_kind: String,
    pub bidder: String,
    pub item: String,
    pub value: String,
    pub reason: String,
    pub updated_at: OffsetDateTime,
}

/// Where a version of the score sheet stands. Only moves forward.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SheetState {
    /// Drafts may change.
    Editing,
    /// Signed and queued or sent; drafts are frozen.
    Submitted,
    /// The panel closed the sheet.
    Locked,
}

impl SheetState {
    pub fn as_str(self) -> &'static str {
        match self {
            SheetState::Editing => "editing",
            SheetState::Submitted => "submitted",
            SheetState::Locked => "locked",
        }
    }

    fn label_zh(self) -> &'static str {
        match self {
            SheetState::Editing => "编辑中",
            SheetState::Submitted => "提交",
            SheetState::Locked => "锁定",
        }
    }

    fn parse(s: &str) -> Self {
        match s {
            "submitted" => SheetState::Submitted,
            "locked" => SheetState::Locked,
            _ => SheetState::Editing,
        }
    }
}

/// The state of one version of a project's score sheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetRecord {
    pub project: String,
    pub version: u32,
    pub state: SheetState,
    pub submission_id: Option<String>,
    pub updated_at: OffsetDateTime,
}

fn sheet_from_row(r: &Row<'_>) -> rusqlite::Result<SheetRecord> {
    Ok(SheetRecord {
        project: r.get(0)?,
        version: r.get(1)?,
        state: SheetState::parse(&r.get::<_, String>(2)?),
        submission_id: r.get(3)?,
        updated_at: from_millis(r.get(4)?),
    })
}

/// The drafts and sheets tables.
pub struct Drafts<'a> {
    conn: &'a Connection,
}

impl<'a> Drafts<'a> {
    pub(crate) fn new(conn: &'a Connection) -> Self {
        Drafts { conn }
    }

    /// Saves one value, durably, in its own transaction. Refused with
    /// `sheet_locked` once the project's latest sheet version is submitted or locked.
    pub fn upsert(&self, project: &str, draft: &DraftInput<'_>) -> Result<()> {
        check_id("项目编号", project)?;
        check_key("评分表类型", draft.sheet_kind)?;
        check_key("投标人编号", draft.bidder)?;
        check_key("评审项", draft.item)?;
        let tx = write_tx(self.conn)?;
        if let Some(sheet) = latest_sheet(&tx, project)? {
            if sheet.state != SheetState::Editing {
                return Err(StoreError::SheetLocked {
                    project: project.to_string(),
                    state: sheet.state.label_zh(),
                });
            }
        }
        tx.execute(
            "INSERT INTO drafts (project, sheet_kind, bidder, item, value, reason, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT (project, sheet_kind, bidder, item) DO UPDATE SET
                 value = excluded.value, reason = excluded.reason,
                 updated_at = excluded.updated_at",
            params![
                project,
                draft.sheet_kind,
                draft.bidder,
                draft.item,
                draft.value,
                draft.reason,
                now_millis()
            ],
        )?;
        tx.commit()?;
        Ok(())
    }

    pub fn get(
        &self,
        project: &str,
        sheet_kind: &str,
        bidder: &str,
        item: &str,
    ) -> Result<Option<DraftEntry>> {
        Ok(self
            .conn
            .query_row(
                "SELECT sheet_kind, bidder, item, value, reason, updated_at FROM drafts
                 WHERE project = ?1 AND sheet_kind = ?2 AND bidder = ?3 AND item = ?4",
                [project, sheet_kind, bidder, item],
                draft_from_row,
            )
            .optional()?)
    }

    /// All draft values of a project, by sheet kind, bidder and item.
    pub fn list(&self, project: &str) -> Result<Vec<DraftEntry>> {
        let mut stmt = self.conn.prepare(
            "SELECT sheet_kind, bidder, item, value, reason, updated_at FROM drafts
             WHERE project = ?1 ORDER BY sheet_kind, bidder, item",
        )?;
        let rows = stmt.query_map([project], draft_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Moves a sheet version to `state` (creating it if new). A state never
    /// goes back (`sheet_locked`); a new version must be above the latest
    /// (`invalid_id`).
    pub fn set_sheet_state(
        &self,
        project: &str,
        version: u32,
        state: SheetState,
        submission_id: Option<&str>,
    ) -> Result<SheetRecord> {
        check_id("项目编号", project)?;
        if version == 0 {
            return Err(StoreError::InvalidId {
                what: "评分表版本",
                value: "0".to_string(),
            });
        }
        let tx = write_tx(self.conn)?;
        let current = sheet(&tx, project, version)?;
        match &current {
            Some(existing) if state < existing.state => {
                return Err(StoreError::SheetLocked {
                    project: project.to_string(),
                    state: existing.state.label_zh(),
                });
            }
            None => {
                if let Some(latest) = latest_sheet(&tx, project)? {
                    if version < latest.version {
                        return Err(StoreError::InvalidId {
                            what: "评分表版本",
                            value: version.to_string(),
                        });
                    }
                }
            }
            Some(_) => {}
        }
        tx.execute(
            "INSERT INTO sheets (project, version, state, submission_id, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (project, version) DO UPDATE SET state = excluded.state,
                 submission_id = COALESCE(excluded.submission_id, sheets.submission_id),
                 updated_at = excluded.updated_at",
            params![
                project,
                version,
                state.as_str(),
                submission_id,
                now_millis()
            ],
        )?;
        let record = sheet(&tx, project, version)?
            .ok_or_else(|| StoreError::not_found("评分表", project.to_string()))?;
        tx.commit()?;
        Ok(record)
    }

    /// The one way back: the platform refused `submission_id` for good, so
    /// that version never counted. If it is the version's submitted sheet,
    /// the version opens for editing again (its cells unchanged). Answers
    /// whether it did.
    pub fn reopen_refused(&self, project: &str, version: u32, submission_id: &str) -> Result<bool> {
        let changed = self.conn.execute(
            "UPDATE sheets SET state = 'editing', submission_id = NULL, updated_at = ?4
             WHERE project = ?1 AND version = ?2 AND state = 'submitted' AND submission_id = ?3",
            params![project, version, submission_id, now_millis()],
        )?;
        Ok(changed == 1)
    }

    pub fn sheet(&self, project: &str, version: u32) -> Result<Option<SheetRecord>> {
        sheet(self.conn, project, version)
    }

    /// The highest version of the project's sheet, if any.
    pub fn latest_sheet(&self, project: &str) -> Result<Option<SheetRecord>> {
        latest_sheet(self.conn, project)
    }
}

fn draft_from_row(r: &Row<'_>) -> rusqlite::Result<DraftEntry> {
    Ok(DraftEntry {
        sheet_kind: r.get(0)?,
        bidder: r.get(1)?,
        item: r.get(2)?,
        value: r.get(3)?,
        reason: r.get(4)?,
        updated_at: from_millis(r.get(5)?),
    })
}

fn sheet(conn: &Connection, project: &str, version: u32) -> Result<Option<SheetRecord>> {
    Ok(conn
        .query_row(
            "SELECT project, version, state, submission_id, updated_at FROM sheets
             WHERE project = ?1 AND version = ?2",
            params![project, version],
            sheet_from_row,
        )
        .optional()?)
}

fn latest_sheet(conn: &Connection, project: &str) -> Result<Option<SheetRecord>> {
    Ok(conn
        .query_row(
            "SELECT project, version, state, submission_id, updated_at FROM sheets
             WHERE project = ?1 ORDER BY version DESC LIMIT 1",
            [project],
            sheet_from_row,
        )
        .optional()?)
}
