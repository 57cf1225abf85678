//! The end-to-end harness: real processes, real ports, real windows.
//!
//! - [`PlatformProcess`]: the `pingshen-platform` binary on 127.0.0.1:0 with
//!   a temp data directory.
//! - [`Display`]: an Xvfb server when no `DISPLAY` is set.
//! - [`TamperProxy`]: a man in the middle that alters what the platform
//!   answers, to show the client refuses it.
//! - [`AppDriver`]: `tauri-driver` (which spawns WebKitWebDriver) and a
//!   WebDriver session on the real `pingshen-desktop` window.
//!
//! Every child is stopped with SIGTERM on drop: tauri-driver only stops its
//! WebKitWebDriver on TERM/INT, and a leaked driver holds ports for later tests.

mod app;
mod display;
mod framebuffer;
pub mod installed;
mod paths;
mod platform;
mod process;
mod proxy;

pub use app::AppDriver;
pub use display::Display;
pub use paths::{binary, screenshot_dir, workspace_root};
pub use platform::PlatformProcess;
pub use process::free_port;
pub use proxy::{Tamper, TamperProxy};
