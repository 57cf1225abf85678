//! Chinese full-text search over extracted pages, in SQLite tables on a
//! connection the caller owns (the desktop's SQLCipher store).
//!
//! A page matches a term when the page text contains the term as a
//! substring, after both are NFKC-normalised, lower-cased and stripped of all
//! whitespace (PDF line breaks fall inside Chinese words).
//!
//! The index is an inverted index of grams (every character and every pair
//! of adjacent characters), kept as compact postings in `search_postings`:
//! for each gram, the pages holding it with its count there, and for pairs
//! their positions. A 1- or 2-character term is one page list; a longer term
//! is found where its covering pairs sit at consecutive offsets. Postings are
//! grouped in segments of whole documents, merged as documents are added
//! (a few segments whatever the number of documents); a document is a range
//! of page ids, so filters are ranges.
//!
//! A search ranks every matching page by BM25 from the index alone (counts
//! and page lengths), cuts to the best `limit`, and only then reads those
//! pages' text (`doc_pages`, stored once) for snippets. See
//! [`remove_document`] for how a purge leaves no text behind.

mod blocks;
mod error;
mod grams;
mod index;
mod postings;
mod query;
mod schema;
mod snippet;

pub use error::SearchError;
pub use index::{
    compact, index_document, page_texts, remove_document, remove_documents, DocRef, PageInput,
};
pub use query::{search, Hit, Query};
pub use schema::{create_schema, SCHEMA_VERSION};
