//! The integration tests of `pingshen-rules`, one binary (one link
//! instead of one per file).

mod common;
mod panel;
mod price_examples;
mod props;
mod sheets;
mod templates;
mod validation;
