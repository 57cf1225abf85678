//! The platform's integration tests, one binary (one link instead of one
//! per file): each module starts its own platform on 127.0.0.1:0 with a
//! temporary database.

mod auth;
mod authorization;
mod bad_input;
mod clarification;
mod error_shape;
mod evaluation;
mod idempotency;
mod motions;
mod persistence;
mod rules_publish;
mod witness;

pub use pingshen_testkit::logged_in;
