//! Font files (where they are, loading) and their metrics for one render.

pub(crate) mod book;
pub mod source;

pub use book::FontId;
pub use source::{FontFile, FontSource, LoadedFonts};
