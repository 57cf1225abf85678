//! The desktop logic's integration tests, one binary (one link instead of
//! one per file), each against a real platform on 127.0.0.1:0, a real
//! SQLCipher store and real OpenSSL.

mod changed_world;
mod common;
mod diagnostics;
mod early_reads;
mod faults;
mod flapping;
mod kill_exactly_once;
mod offline_records;
mod outbox;
mod purge_archive;
mod screening;
mod sync;
mod trust;
mod update;
mod witness_log;
