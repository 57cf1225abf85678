//! Deterministic Chinese PDF reports for Pingshen: the evaluation report
//! (评标报告) and the witness report (见证报告).
//!
//! Experts sign a report's SHA-256 and auditors re-render and compare, so
//! the same input always gives the same bytes: no clock, no random ids, a
//! fixed object order. The text is set in an embedded subset of Noto Sans
//! CJK SC with a ToUnicode map, so the archived file is self-contained and
//! its text can be copied and searched.
//!
//! Build a report with [`ReportBuilder`] (headings, paragraphs, key–value
//! lists, tables, rules, signature blocks, notes, page breaks) and call
//! [`ReportBuilder::render`].

mod builder;
mod error;
pub mod fonts;
mod layout;
pub mod linebreak;
mod model;
mod pdf;
mod sanitize;
pub mod style;

pub use builder::ReportBuilder;
pub use error::ReportError;
pub use fonts::{FontFile, FontSource, LoadedFonts};
pub use model::{Align, Block, Column, ReportMeta, Signature, Table};
/// Times in reports: Beijing time, the same function as everywhere else.
pub use pingshen_rules::display::beijing;
pub use style::Margins;

/// The PDF Producer of every report.
pub const PRODUCER: &str = pdf::PRODUCER;
