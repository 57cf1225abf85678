//! Messages from the worker to the parent: one JSON document per line on the
//! worker's protocol stream. `PageStart` precedes every page so that, if the
//! worker dies or hangs, the parent knows which page did it. Order:
//! `Document`, then `PageStart` + `Page`/`PageFailed` per page, `Outline`,
//! `Done` (or a single `Fatal`).

use crate::model::{Metadata, OutlineEntry, PageText};
use serde::{Deserialize, Serialize};

#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Message {
    Document {
        metadata: Box<Metadata>,
        page_count: u32,
        warnings: Vec<String>,
    },
    PageStart {
        number: u32,
    },
    Page {
        page: PageText,
    },
    PageFailed {
        number: u32,
        detail: String,
    },
    /// Sent after the last page.
    Outline {
        outline: Vec<OutlineEntry>,
        warning: Option<String>,
    },
    Done,
    /// The document as a whole cannot be read; `code` is an ExtractError code.
    Fatal {
        code: String,
        detail: String,
    },
}
