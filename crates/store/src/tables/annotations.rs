//! Notes and bookmarks an expert puts on a page of a document.

use crate::clock::{from_millis, now_millis};
use crate::error::{Result, StoreError};
use rusqlite::{params, Connection, ErrorCode, OptionalExtension, Row};
use time::OffsetDateTime;

/// A note (free text) or a bookmark (a title for the page).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AnnotationKind {
    Note,
    Bookmark,
}

impl AnnotationKind {
    pub fn as_str(self) -> &'static str {
        match self {
            AnnotationKind::Note => "note",
            AnnotationKind::Bookmark => "bookmark",
        }
    }
}

/// One note or bookmark.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Annotation {
    pub id: i64,
    pub project: String,
    pub file_id: String,
    pub page: u32,
    pub kind: AnnotationKind,
    pub text: String,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

const COLUMNS: &str = "id, project, file_id, page, kind, text, created_at, updated_at";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Annotation> {
    let kind: String = r.get(4)?;
    Ok(Annotation {
        id: r.get(0)?,
        project: r.get(1)?,
        file_id: r.get(2)?,
        page: r.get(3)?,
        kind: if kind == "bookmark" {
            AnnotationKind::Bookmark
        } else {
            AnnotationKind::Note
        },
        text: r.get(5)?,
        created_at: from_millis(r.get(6)?),
        updated_at: from_millis(r.get(7)?),
    })
}

/// The notes and bookmarks table.
pub struct Annotations<'a> {
    conn: &'a Connection,
}

impl<'a> Annotations<'a> {
    pub(crate) fn new(conn: &'a Connection) -> Self {
        Annotations { conn }
    }

    /// Adds a note or bookmark to page `page` (1-based) of a known document.
    pub fn add(
        &self,
        project: &str,
        file_id: &str,
        page: u32,
        kind: AnnotationKind,
        text: &str,
    ) -> Result<Annotation> {
        if page == 0 {
            return Err(StoreError::InvalidId {
                what: "页码",
                value: page.to_string(),
            });
        }
        let now = now_millis();
        let inserted = self.conn.execute(
            "INSERT INTO annotations (project, file_id, page, kind, text, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
            params![project, file_id, page, kind.as_str(), text, now],
        );
        match inserted {
            Ok(_) => {}
            Err(rusqlite::Error::SqliteFailure(e, _))
                if e.code == ErrorCode::ConstraintViolation =>
            {
                return Err(StoreError::not_found(
                    "文件",
                    format!("{project}/{file_id}"),
                ))
            }
            Err(e) => return Err(e.into()),
        }
        self.require(self.conn.last_insert_rowid())
    }

    pub fn get(&self, id: i64) -> Result<Option<Annotation>> {
        Ok(self
            .conn
            .query_row(
                &format!("SELECT {COLUMNS} FROM annotations WHERE id = ?1"),
                [id],
                from_row,
            )
            .optional()?)
    }

    fn require(&self, id: i64) -> Result<Annotation> {
        self.get(id)?
            .ok_or_else(|| StoreError::not_found("批注", id.to_string()))
    }

    /// Replaces the text of a note or bookmark.
    pub fn update_text(&self, id: i64, text: &str) -> Result<Annotation> {
        let n = self.conn.execute(
            "UPDATE annotations SET text = ?2, updated_at = ?3 WHERE id = ?1",
            params![id, text, now_millis()],
        )?;
        if n == 0 {
            return Err(StoreError::not_found("批注", id.to_string()));
        }
        self.require(id)
    }

    pub fn delete(&self, id: i64) -> Result<()> {
        let n = self
            .conn
            .execute("DELETE FROM annotations WHERE id = ?1", [id])?;
        if n == 0 {
            return Err(StoreError::not_found("批注", id.to_string()));
        }
        Ok(())
    }

    /// A project's notes and bookmarks (of one file when `file_id` is given),
    /// by file, page and creation order.
    pub fn list(&self, project: &str, file_id: Option<&str>) -> Result<Vec<Annotation>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {COLUMNS} FROM annotations
             WHERE project = ?1 AND (?2 IS NULL OR file_id = ?2)
             ORDER BY file_id, page, id"
        ))?;
        let rows = stmt.query_map(params![project, file_id], from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
