//! Every module of the suite again, on PostgreSQL: the same files (each
//! test calls `super::demo()`, here a platform on a fresh database of the
//! test process's cluster), and the tests only several instances sharing
//! one database can run.

use pingshen_platform::db::Engine;
use pingshen_testkit::TestPlatform;

pub const ENGINE: Engine = Engine::Postgres;

pub async fn demo() -> TestPlatform {
    TestPlatform::demo_on(ENGINE).await
}

#[path = "auth.rs"]
mod auth;
#[path = "authorization.rs"]
mod authorization;
#[path = "clarification.rs"]
mod clarification;
#[path = "error_shape.rs"]
mod error_shape;
#[path = "evaluation.rs"]
mod evaluation;
#[path = "idempotency.rs"]
mod idempotency;
#[path = "instances.rs"]
mod instances;
#[path = "motions.rs"]
mod motions;
#[path = "persistence.rs"]
mod persistence;
#[path = "report.rs"]
mod report;
#[path = "rules_publish.rs"]
mod rules_publish;
#[path = "witness.rs"]
mod witness;
