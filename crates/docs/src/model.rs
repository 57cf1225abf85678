//! The result of extracting one PDF. These types cross process boundaries
//! (worker → parent, CLI `--json`), hence serde.

use crate::error::PageFailureCode;
use serde::{Deserialize, Serialize};

/// Where a page's text came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TextSource {
    /// Our own content-stream reader (`text` module, on lopdf 0.47).
    ContentStream,
    PdfExtract,
    Lopdf,
    Ocr,
    /// No usable text (scanned page, font without a Unicode map, blank page).
    None,
}

/// One page that was read. `text` is NFKC-normalised.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PageText {
    /// 1-based page number.
    pub number: u32,
    pub text: String,
    pub source: TextSource,
    /// The page has no usable text layer and needs OCR to be searchable.
    pub needs_ocr: bool,
}

/// One page that could not be read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PageFailure {
    pub number: u32,
    pub code: PageFailureCode,
    /// Chinese message for the expert.
    pub message: String,
    /// Technical detail (library error or panic message), for logs.
    pub detail: String,
}

/// A date from the Info dictionary: as found, and parsed when possible.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PdfDate {
    /// The string as written in the file, e.g. `D:20261128214708+08'00'`.
    pub raw: String,
    /// RFC 3339, e.g. `2026-11-28T21:47:08+08:00`; `None` if unparseable.
    pub rfc3339: Option<String>,
    /// Seconds since the Unix epoch (UTC), for comparing creation times.
    pub unix_seconds: Option<i64>,
}

/// Document information (the Info dictionary) plus structural facts.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Metadata {
    pub title: Option<String>,
    pub author: Option<String>,
    pub subject: Option<String>,
    pub keywords: Option<String>,
    pub creator: Option<String>,
    pub producer: Option<String>,
    pub creation_date: Option<PdfDate>,
    pub modification_date: Option<PdfDate>,
    pub page_count: u32,
    /// Header version, e.g. "1.6".
    pub pdf_version: String,
}

/// One bookmark (书签). `level` starts at 1 for top-level entries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutlineEntry {
    pub title: String,
    pub level: u32,
    /// 1-based page the entry points to, when it resolves to a page.
    pub page: Option<u32>,
}

/// Everything extracted from one PDF.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Extraction {
    pub metadata: Metadata,
    pub outline: Vec<OutlineEntry>,
    /// Pages that were read, in page order (including `needs_ocr` pages).
    pub pages: Vec<PageText>,
    /// Pages that could not be read, in page order.
    pub failed_pages: Vec<PageFailure>,
    /// Non-fatal problems (e.g. an unreadable outline), in English, for logs.
    pub warnings: Vec<String>,
}

impl Extraction {
    /// Page numbers that need OCR to be searchable.
    pub fn pages_needing_ocr(&self) -> Vec<u32> {
        self.pages
            .iter()
            .filter(|p| p.needs_ocr)
            .map(|p| p.number)
            .collect()
    }
}
