//! The integration tests of `pingshen-store`, one binary (one link
//! instead of one per file).

mod blobs;
mod common;
mod crash;
mod purge;
mod tables;
mod vault;
