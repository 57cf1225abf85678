//! The integration tests of `pingshen-cli`, one binary (one link
//! instead of one per file).

mod bidder_cli;
mod credit_cli;
mod doc_cli;
mod ocds;
mod package_cli;
mod pki_cli;
mod rules_cli;
mod screen_cli;
mod update_cli;
mod witness_cli;
