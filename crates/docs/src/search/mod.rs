//! Chinese full-text search over extracted pages, in SQLite FTS5 tables on a
//! connection the caller owns (the desktop's SQLCipher store).
//!
//! A page matches a term when the page text contains the term as a
//! substring, after both are NFKC-normalised, lower-cased and stripped of all
//! whitespace (PDF line breaks fall inside Chinese words). Two indexes make
//! that fast and exact:
//! - `doc_trigram` (FTS5 `trigram` tokenizer) answers terms of 3+ characters;
//! - `doc_grams` holds every character and every pair of adjacent characters
//!   as a token, answering 1- and 2-character terms (工期, 废标), which the
//!   trigram tokenizer silently never matches.
//!
//! Both are contentless (`content=''`, `contentless_delete=1`): page text is
//! stored once, in `doc_pages`, for snippets. See [`remove_document`] for
//! how a purge leaves no text behind.

mod error;
mod grams;
mod index;
mod query;
mod schema;
mod snippet;

pub use error::SearchError;
pub use index::{compact, index_document, page_texts, remove_document, DocRef, PageInput};
pub use query::{search, Hit, Query};
pub use schema::create_schema;
