//! The expert's page notes and bookmarks on a project's documents: kept in
//! the encrypted store only, never sent.

use crate::AppError;
use pingshen_api::ipc::NoteInfo;
use pingshen_store::{Annotation, AnnotationKind, Store};

fn info(a: Annotation) -> NoteInfo {
    NoteInfo {
        id: a.id,
        file_id: a.file_id,
        page: a.page,
        kind: match a.kind {
            AnnotationKind::Bookmark => "bookmark".into(),
            _ => "note".into(),
        },
        text: a.text,
        updated_at: a.updated_at,
    }
}

/// Every note and bookmark of the project.
pub fn list(store: &Store, project: &str) -> Result<Vec<NoteInfo>, AppError> {
    Ok(store
        .annotations()
        .list(project, None)?
        .into_iter()
        .map(info)
        .collect())
}

/// Adds a note (`kind` `note`) or a bookmark (`bookmark`) on a page;
/// durable when this returns.
pub fn add(
    store: &Store,
    project: &str,
    file_id: &str,
    page: u32,
    kind: &str,
    text: &str,
) -> Result<NoteInfo, AppError> {
    let kind = if kind == "bookmark" {
        AnnotationKind::Bookmark
    } else {
        AnnotationKind::Note
    };
    Ok(info(
        store
            .annotations()
            .add(project, file_id, page, kind, text)?,
    ))
}

pub fn delete(store: &Store, id: i64) -> Result<(), AppError> {
    Ok(store.annotations().delete(id)?)
}
