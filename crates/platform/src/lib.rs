//! The sandbox trading platform.
//!
//! A library exposing [`app`] (the axum router over an [`AppState`]) plus a
//! thin binary, so tests start the real server in-process on 127.0.0.1:0
//! with a temp SQLite file, and the desktop is always exercised against real
//! HTTP with real persistence.

mod abnormal_review;
mod auth;
mod clarification_pdf;
mod clock;
pub mod db;
pub mod demo;
pub mod demo_run;
mod error;
mod error_shape;
mod evaluation;
pub mod files;
mod json;
pub mod openapi;
mod path;
pub mod pki;
mod query;
pub mod receipts;
pub mod records;
mod report_pdf;
mod routes;
pub mod running;
mod state;
mod submission;

pub use auth::Caller;
pub use error::PlatformError;
pub use running::RunningPlatform;
pub use state::{AppState, Config, Database};

use axum::Router;

/// The platform API as a router. Every route lives under [`pingshen_api::API_PREFIX`].
pub fn app(state: AppState) -> Router {
    routes::router().with_state(state)
}

/// Serves the API on an already-bound listener until `shutdown` resolves.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, app(state))
        .with_graceful_shutdown(shutdown)
        .await
}
