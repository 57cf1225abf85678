//! Bid documents: text extraction from PDF bytes in isolated worker processes,
//! and Chinese full-text search over the extracted pages.
//!
//! Extraction: [`Extractor`] runs this crate's worker (the calling binary
//! re-executed with [`worker::WORKER_FLAG`]; every binary calls
//! [`worker::run_if_requested`] first in `main`). Each page is read by our
//! own content-stream reader on lopdf 0.47 (fonts and CMaps parsed once per
//! document), with pdf-extract and lopdf's own extraction as fallbacks, all
//! under `catch_unwind`; the parent enforces a memory limit and timeouts, so
//! no malformed PDF can crash or hang the caller.
//!
//! Search: [`search`] indexes pages into SQLite FTS5 tables on a connection the
//! caller opened (the desktop's SQLCipher store).

pub mod error;
mod extractor;
mod info;
pub mod model;
pub mod normalize;
pub mod ocr;
mod pages;
pub mod pdf_date;
mod protocol;
mod quality;
pub mod search;
mod text;
pub mod worker;

pub use error::{ExtractError, PageFailureCode};
pub use extractor::Extractor;
pub use model::{Extraction, Metadata, OutlineEntry, PageFailure, PageText, PdfDate, TextSource};
pub use ocr::Ocr;
