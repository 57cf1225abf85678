//! Purging a project when it is archived: its encrypted files, page text and
//! every row that quotes or derives from the bid documents.
//!
//! The search index removes a document in a transaction of its own, so the
//! purge is made crash-safe by a durable marker instead of one enclosing
//! transaction: the marker is written first, every step is idempotent, and
//! the final transaction deletes the rows and the marker together. A purge
//! interrupted by a crash is finished the next time the store opens.

use crate::blob::paths::{project_dir, BLOBS_DIR};
use crate::clock::now_millis;
use crate::db::checkpoint_truncate;
use crate::error::{Result, StoreError};
use crate::fsutil::sync_dir;
use crate::ids::check_id;
use crate::store::Store;
use crate::tables::{search_doc_id, write_tx};
use pingshen_docs::search;
use rusqlite::params;

/// What a purge removed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PurgeReport {
    pub documents: usize,
    pub pages: usize,
    pub annotations: usize,
    pub drafts: usize,
}

impl Store {
    /// Deletes everything local about `project` except its receipts, its
    /// delivered submissions and the witness log (see `docs/store.md`).
    /// Refused with `purge_blocked` while a submission of the project is
    /// still undelivered. Ends with a WAL checkpoint that truncates the WAL.
    pub fn purge_project(&self, project: &str) -> Result<PurgeReport> {
        check_id("项目编号", project)?;
        let pending: i64 = self.conn().query_row(
            "SELECT count(*) FROM outbox WHERE project = ?1 AND state = 'pending'",
            [project],
            |r| r.get(0),
        )?;
        if pending > 0 {
            return Err(StoreError::PurgeBlocked {
                project: project.to_string(),
                count: pending,
            });
        }
        self.conn().execute(
            "INSERT OR IGNORE INTO purges_pending (project, started_at) VALUES (?1, ?2)",
            params![project, now_millis()],
        )?;
        self.finish_purge(project)
    }

    /// Finishes purges a crash interrupted (called when the store opens).
    pub(crate) fn resume_pending_purges(&self) -> Result<()> {
        let projects: Vec<String> = {
            let mut stmt = self.conn().prepare("SELECT project FROM purges_pending")?;
            let rows = stmt.query_map([], |r| r.get(0))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        for project in projects {
            self.finish_purge(&project)?;
        }
        Ok(())
    }

    fn finish_purge(&self, project: &str) -> Result<PurgeReport> {
        let conn = self.conn();
        let mut report = PurgeReport::default();
        let documents = self.documents().list(project)?;
        // One call: each index segment holding the project's pages is
        // rewritten once.
        let ids: Vec<String> = documents
            .iter()
            .map(|doc| search_doc_id(project, &doc.entry.file_id))
            .collect();
        report.pages += search::remove_documents(conn, &ids)?;
        let dir = project_dir(self.dir(), project);
        match std::fs::remove_dir_all(&dir) {
            Ok(()) => sync_dir(&self.dir().join(BLOBS_DIR))?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(StoreError::io(&dir, e)),
        }
        let tx = write_tx(conn)?;
        report.annotations = tx.execute("DELETE FROM annotations WHERE project = ?1", [project])?;
        report.documents = tx.execute("DELETE FROM documents WHERE project = ?1", [project])?;
        report.drafts = tx.execute("DELETE FROM drafts WHERE project = ?1", [project])?;
        for table in ["sheets", "projects", "project_keys", "purges_pending"] {
            tx.execute(
                &format!("DELETE FROM {table} WHERE project = ?1"),
                [project],
            )?;
        }
        tx.commit()?;
        checkpoint_truncate(conn)?;
        Ok(report)
    }
}
