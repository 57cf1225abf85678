//! The platform's integration tests, one binary (one link instead of one
//! per file): each module starts its own platform on 127.0.0.1:0 with a
//! temporary database. The modules here run on SQLite; `postgres::` runs
//! the same files again on PostgreSQL (a throw-away cluster, a database
//! per test), where `instances::` also runs two instances on one database.

// `postgres` loads each module file a second time, on purpose.
#![allow(clippy::duplicate_mod)]

mod auth;
mod authorization;
mod bad_input;
mod clarification;
mod error_shape;
mod evaluation;
mod idempotency;
mod motions;
mod persistence;
mod postgres;
mod report;
mod rules_publish;
mod witness;

use pingshen_platform::db::Engine;
pub use pingshen_testkit::logged_in;
use pingshen_testkit::TestPlatform;

/// The engine of the modules declared here.
pub const ENGINE: Engine = Engine::Sqlite;

/// A demo platform on [`ENGINE`]: each module's tests call `super::demo()`.
pub async fn demo() -> TestPlatform {
    TestPlatform::demo_on(ENGINE).await
}
