//! The desktop's Tauri commands, grouped by area. Each adapts IPC arguments
//! into calls on the crates and maps errors into [`AppError`].

pub mod app;
pub mod auth;
pub mod clarification;
pub mod diagnostics;
pub mod expert;
pub mod motions;
pub mod projects;
pub mod report;
pub mod screening;
pub mod setup;
pub mod staff;
pub mod update;
pub mod witness;
