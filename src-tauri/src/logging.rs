//! The desktop's log file, `<data dir>/logs/pingshen-desktop.log`, at the
//! level the settings choose (changeable while running).
//!
//! Only Pingshen's own crates log at that level; every other crate (HTTP,
//! TLS, WebKit glue) at `warn` at most, because a library's debug lines can
//! carry request headers, and the log must never hold a token, a PIN or a
//! document's content. The file is kept below 8 MiB: at start a larger one
//! becomes `.1` (the previous `.1` goes).

use pingshen_app::settings_file::LogLevel;
use std::path::Path;
use std::sync::OnceLock;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{reload, EnvFilter, Registry};

const MAX_BYTES: u64 = 8 * 1024 * 1024;
const OURS: &[&str] = &[
    "pingshen_desktop",
    "pingshen_app",
    "pingshen_client",
    "pingshen_store",
    "pingshen_docs",
    "pingshen_pki",
];

static HANDLE: OnceLock<reload::Handle<EnvFilter, Registry>> = OnceLock::new();

fn filter(level: LogLevel) -> EnvFilter {
    let mut directives = vec!["warn".to_string()];
    directives.extend(OURS.iter().map(|c| format!("{c}={}", level.code())));
    EnvFilter::new(directives.join(","))
}

/// Starts writing the log. A log that cannot be opened is reported on
/// stderr and the app runs without one.
pub fn init(file: &Path, level: LogLevel) {
    let opened = (|| -> std::io::Result<std::fs::File> {
        if let Some(dir) = file.parent() {
            std::fs::create_dir_all(dir)?;
        }
        if std::fs::metadata(file)
            .map(|m| m.len() > MAX_BYTES)
            .unwrap_or(false)
        {
            std::fs::rename(file, file.with_extension("log.1"))?;
        }
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(file)
    })();
    let file_handle = match opened {
        Ok(f) => f,
        Err(e) => {
            eprintln!("无法写入日志文件 {}：{e}", file.display());
            return;
        }
    };
    let (layer, handle) = reload::Layer::new(filter(level));
    let writer = tracing_subscriber::fmt::layer()
        .with_ansi(false)
        .with_target(true)
        .with_writer(std::sync::Mutex::new(file_handle));
    if Registry::default()
        .with(layer)
        .with(writer)
        .try_init()
        .is_ok()
    {
        let _ = HANDLE.set(handle);
    }
}

/// Applies a new level at once.
pub fn set_level(level: LogLevel) {
    if let Some(handle) = HANDLE.get() {
        let _ = handle.reload(filter(level));
    }
}
