//! Project documents.

use crate::db::sql::{params, Conn, OptionalExtension, Row, SqlResult};
use crate::PlatformError;
use pingshen_api::{DocumentKind, ManifestFile};

fn kind_to_str(k: DocumentKind) -> &'static str {
    match k {
        DocumentKind::Tender => "tender",
        DocumentKind::Bid => "bid",
        DocumentKind::Clarification => "clarification",
    }
}

fn kind_from_str(s: &str) -> Result<DocumentKind, PlatformError> {
    Ok(match s {
        "tender" => DocumentKind::Tender,
        "bid" => DocumentKind::Bid,
        "clarification" => DocumentKind::Clarification,
        other => return Err(PlatformError::Internal(format!("未知文件类型：{other}"))),
    })
}

/// Registers a file of a project; the same file again is a no-op.
pub fn upsert(
    conn: &Conn,
    project_id: &str,
    f: &ManifestFile,
    position: i64,
) -> Result<(), PlatformError> {
    conn.execute(
        "INSERT INTO documents (project_id, file_id, bidder_id, kind, name, size, sha256, sm3, position)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
         ON CONFLICT(project_id, file_id) DO UPDATE SET
             bidder_id = excluded.bidder_id, kind = excluded.kind, name = excluded.name,
             size = excluded.size, sha256 = excluded.sha256, sm3 = excluded.sm3,
             position = excluded.position",
        params![
            project_id,
            f.file_id,
            f.bidder_id,
            kind_to_str(f.kind),
            f.name,
            f.size as i64,
            f.sha256,
            f.sm3,
            position
        ],
    )?;
    Ok(())
}

/// Where a file added now goes in the project's list: after the others.
pub fn next_position(conn: &Conn, project_id: &str) -> Result<i64, PlatformError> {
    Ok(conn.query_row(
        "SELECT COALESCE(MAX(position) + 1, 0) FROM documents WHERE project_id = ?1",
        [project_id],
        |r| r.get(0),
    )?)
}

pub fn list(conn: &Conn, project_id: &str) -> Result<Vec<ManifestFile>, PlatformError> {
    let mut stmt = conn.prepare(
        "SELECT file_id, bidder_id, kind, name, size, sha256, sm3 FROM documents
         WHERE project_id = ?1 ORDER BY position, file_id",
    )?;
    let rows = stmt.query_map([project_id], row)?;
    rows.map(|r| r?).collect()
}

pub fn get(
    conn: &Conn,
    project_id: &str,
    file_id: &str,
) -> Result<Option<ManifestFile>, PlatformError> {
    conn.query_row(
        "SELECT file_id, bidder_id, kind, name, size, sha256, sm3 FROM documents
         WHERE project_id = ?1 AND file_id = ?2",
        params![project_id, file_id],
        row,
    )
    .optional()?
    .transpose()
}

fn row(r: &Row) -> SqlResult<Result<ManifestFile, PlatformError>> {
    let kind: String = r.get(2)?;
    let size: i64 = r.get(4)?;
    let (file_id, bidder_id, name, sha256, sm3) =
        (r.get(0)?, r.get(1)?, r.get(3)?, r.get(5)?, r.get(6)?);
    Ok(kind_from_str(&kind).map(|kind| ManifestFile {
        file_id,
        bidder_id,
        kind,
        name,
        size: size as u64,
        sha256,
        sm3,
        // Derived from the stored file, not kept in the database:
        // `files::with_chunks` fills these in.
        chunk_size: pingshen_api::CHUNK_SIZE,
        chunks_sha256: String::new(),
    }))
}
