//! Documents of a project (from the signed manifest), their download state,
//! PDF metadata and outline, and their page text in the search index.

use super::check_json;
use crate::blob::paths::{enc_path, part_path, relative_enc_path};
use crate::clock::{from_millis, now_millis};
use crate::error::{Result, StoreError};
use crate::fsutil::remove_file_if_exists;
use crate::ids::{check_id, check_key};
use pingshen_docs::search::{self, DocRef, Hit, PageInput, Query};
use rusqlite::{params, Connection, OptionalExtension, Row};
use std::path::Path;
use time::OffsetDateTime;

/// Where a document's local copy stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DocState {
    /// Not downloaded.
    Missing,
    /// A download is in progress or was interrupted (`.part` file).
    Partial,
    /// Downloaded and matched the manifest's size, SHA-256 and SM3.
    Verified,
    /// Downloaded but did not match: never shown.
    Failed,
}

impl DocState {
    pub fn as_str(self) -> &'static str {
        match self {
            DocState::Missing => "missing",
            DocState::Partial => "partial",
            DocState::Verified => "verified",
            DocState::Failed => "failed",
        }
    }

    fn parse(s: &str) -> Self {
        match s {
            "partial" => DocState::Partial,
            "verified" => DocState::Verified,
            "failed" => DocState::Failed,
            _ => DocState::Missing,
        }
    }
}

/// A document as the signed manifest lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManifestEntry {
    pub project: String,
    pub file_id: String,
    /// `None` for the tender document.
    pub bidder: Option<String>,
    /// e.g. `tender`, `bid`, `clarification`.
    pub kind: String,
    pub name: String,
    pub size: u64,
    pub sha256: String,
    pub sm3: String,
}

/// A stored document: its manifest entry and the state of the local copy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentRecord {
    pub entry: ManifestEntry,
    pub state: DocState,
    /// Relative to the profile folder; set once the document is verified.
    pub blob_path: Option<String>,
    pub page_count: Option<u32>,
    pub updated_at: OffsetDateTime,
}

/// PDF metadata and outline (JSON, as produced by `pingshen-docs`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PdfInfo {
    pub metadata_json: Option<String>,
    pub outline_json: Option<String>,
    pub page_count: Option<u32>,
}

const COLUMNS: &str =
    "project, file_id, bidder, kind, name, size, sha256, sm3, state, blob_path, page_count, updated_at";

fn from_row(r: &Row<'_>) -> rusqlite::Result<DocumentRecord> {
    Ok(DocumentRecord {
        entry: ManifestEntry {
            project: r.get(0)?,
            file_id: r.get(1)?,
            bidder: r.get(2)?,
            kind: r.get(3)?,
            name: r.get(4)?,
            size: r.get::<_, i64>(5)?.max(0) as u64,
            sha256: r.get(6)?,
            sm3: r.get(7)?,
        },
        state: DocState::parse(&r.get::<_, String>(8)?),
        blob_path: r.get(9)?,
        page_count: r.get(10)?,
        updated_at: from_millis(r.get(11)?),
    })
}

/// The id of a document in the search index: project-qualified, so equal
/// file ids in two projects never mix.
pub(crate) fn search_doc_id(project: &str, file_id: &str) -> String {
    format!("{project}/{file_id}")
}

/// The documents table and the search index.
pub struct Documents<'a> {
    conn: &'a Connection,
    dir: &'a Path,
}

impl<'a> Documents<'a> {
    pub(crate) fn new(conn: &'a Connection, dir: &'a Path) -> Self {
        Documents { conn, dir }
    }

    /// Records a manifest entry. A new document starts `missing`; an existing
    /// one keeps its state unless its size or digests changed (then it is
    /// `missing` again and must be downloaded anew).
    pub fn upsert(&self, doc: &ManifestEntry) -> Result<()> {
        check_id("项目编号", &doc.project)?;
        check_id("文件编号", &doc.file_id)?;
        if let Some(b) = &doc.bidder {
            check_key("投标人编号", b)?;
        }
        let size = i64::try_from(doc.size).map_err(|_| StoreError::InvalidId {
            what: "文件大小",
            value: doc.size.to_string(),
        })?;
        self.conn.execute(
            "INSERT INTO documents (project, file_id, bidder, kind, name, size, sha256, sm3,
                                    state, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'missing', ?9)
             ON CONFLICT (project, file_id) DO UPDATE SET
                 state = CASE WHEN documents.size = excluded.size
                                   AND documents.sha256 = excluded.sha256
                                   AND documents.sm3 = excluded.sm3
                              THEN documents.state ELSE 'missing' END,
                 blob_path = CASE WHEN documents.size = excluded.size
                                   AND documents.sha256 = excluded.sha256
                                   AND documents.sm3 = excluded.sm3
                              THEN documents.blob_path ELSE NULL END,
                 bidder = excluded.bidder, kind = excluded.kind, name = excluded.name,
                 size = excluded.size, sha256 = excluded.sha256, sm3 = excluded.sm3,
                 updated_at = excluded.updated_at",
            params![
                doc.project,
                doc.file_id,
                doc.bidder,
                doc.kind,
                doc.name,
                size,
                doc.sha256,
                doc.sm3,
                now_millis()
            ],
        )?;
        Ok(())
    }

    pub fn get(&self, project: &str, file_id: &str) -> Result<Option<DocumentRecord>> {
        Ok(self
            .conn
            .query_row(
                &format!("SELECT {COLUMNS} FROM documents WHERE project = ?1 AND file_id = ?2"),
                [project, file_id],
                from_row,
            )
            .optional()?)
    }

    fn require(&self, project: &str, file_id: &str) -> Result<DocumentRecord> {
        self.get(project, file_id)?
            .ok_or_else(|| StoreError::not_found("文件", format!("{project}/{file_id}")))
    }

    /// The project's documents: the tender first, then by bidder and file id.
    pub fn list(&self, project: &str) -> Result<Vec<DocumentRecord>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {COLUMNS} FROM documents WHERE project = ?1
             ORDER BY bidder IS NOT NULL, bidder, file_id"
        ))?;
        let rows = stmt.query_map([project], from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Sets the download state. `verified` records the blob's path; any other
    /// state clears it. `failed` also deletes the finished file: bytes that
    /// did not match the signed manifest are never shown, so they are not kept.
    pub fn set_state(&self, project: &str, file_id: &str, state: DocState) -> Result<()> {
        let blob = (state == DocState::Verified).then(|| relative_enc_path(project, file_id));
        if state == DocState::Failed {
            remove_file_if_exists(&enc_path(self.dir, project, file_id))?;
        }
        let n = self.conn.execute(
            "UPDATE documents SET state = ?3, blob_path = ?4, updated_at = ?5
             WHERE project = ?1 AND file_id = ?2",
            params![project, file_id, state.as_str(), blob, now_millis()],
        )?;
        if n == 0 {
            return Err(StoreError::not_found(
                "文件",
                format!("{project}/{file_id}"),
            ));
        }
        Ok(())
    }

    /// Stores the PDF's metadata and outline (JSON) and its page count.
    pub fn set_pdf_info(&self, project: &str, file_id: &str, info: &PdfInfo) -> Result<()> {
        for json in [&info.metadata_json, &info.outline_json]
            .into_iter()
            .flatten()
        {
            check_json("PDF 信息", json)?;
        }
        let n = self.conn.execute(
            "UPDATE documents SET metadata_json = ?3, outline_json = ?4, page_count = ?5,
                 updated_at = ?6
             WHERE project = ?1 AND file_id = ?2",
            params![
                project,
                file_id,
                info.metadata_json,
                info.outline_json,
                info.page_count,
                now_millis()
            ],
        )?;
        if n == 0 {
            return Err(StoreError::not_found(
                "文件",
                format!("{project}/{file_id}"),
            ));
        }
        Ok(())
    }

    pub fn pdf_info(&self, project: &str, file_id: &str) -> Result<PdfInfo> {
        self.conn
            .query_row(
                "SELECT metadata_json, outline_json, page_count FROM documents
                 WHERE project = ?1 AND file_id = ?2",
                [project, file_id],
                |r| {
                    Ok(PdfInfo {
                        metadata_json: r.get(0)?,
                        outline_json: r.get(1)?,
                        page_count: r.get(2)?,
                    })
                },
            )
            .optional()?
            .ok_or_else(|| StoreError::not_found("文件", format!("{project}/{file_id}")))
    }

    /// Indexes (replaces) the page text of a known document for search.
    pub fn index_pages<'p>(
        &self,
        project: &str,
        file_id: &str,
        pages: impl IntoIterator<Item = PageInput<'p>>,
    ) -> Result<usize> {
        let doc = self.require(project, file_id)?;
        let doc_ref = DocRef {
            doc: search_doc_id(project, file_id),
            bidder: doc.entry.bidder,
        };
        Ok(search::index_document(self.conn, &doc_ref, pages)?)
    }

    /// The extracted text of a document's pages, in order (for the screens).
    pub fn page_texts(&self, project: &str, file_id: &str) -> Result<Vec<(u32, String)>> {
        self.require(project, file_id)?;
        Ok(search::page_texts(
            self.conn,
            &search_doc_id(project, file_id),
        )?)
    }

    /// Searches the project's pages. `query.docs` may name file ids of this
    /// project; hits carry the file id in `doc`.
    pub fn search(&self, project: &str, query: &Query) -> Result<Vec<Hit>> {
        let mut scoped = query.clone();
        scoped.docs = if query.docs.is_empty() {
            self.list(project)?
                .iter()
                .map(|d| search_doc_id(project, &d.entry.file_id))
                .collect()
        } else {
            query
                .docs
                .iter()
                .map(|f| search_doc_id(project, f))
                .collect()
        };
        if scoped.docs.is_empty() {
            return Ok(Vec::new());
        }
        let prefix = format!("{project}/");
        let mut hits = search::search(self.conn, &scoped)?;
        for hit in &mut hits {
            if let Some(file_id) = hit.doc.strip_prefix(&prefix) {
                hit.doc = file_id.to_string();
            }
        }
        Ok(hits)
    }

    /// Removes one document everywhere: page text (search API purge), the
    /// encrypted file and any partial download, its notes and its row.
    pub fn remove(&self, project: &str, file_id: &str) -> Result<()> {
        check_id("项目编号", project)?;
        check_id("文件编号", file_id)?;
        search::remove_document(self.conn, &search_doc_id(project, file_id))?;
        remove_file_if_exists(&part_path(self.dir, project, file_id))?;
        remove_file_if_exists(&enc_path(self.dir, project, file_id))?;
        // Notes on the document go with it (ON DELETE CASCADE).
        self.conn.execute(
            "DELETE FROM documents WHERE project = ?1 AND file_id = ?2",
            [project, file_id],
        )?;
        Ok(())
    }
}
