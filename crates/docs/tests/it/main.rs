//! The integration tests of `pingshen-docs`, one binary (one link
//! instead of one per file).

mod common;
mod demo_documents;
mod malformed;
mod ocr;
mod search;
mod search_sqlcipher;
mod text_path;
mod worker_isolation;
