//! Start-up timestamps. With `PINGSHEN_TRACE_START=1` the shell prints on
//! stderr, at each step of start-up, the time since the process started
//! (its start time in /proc, so the dynamic loader's work counts too):
//! `main`, the state ready, Tauri's setup, the page load, and the first
//! call of each of the first IPC commands (the UI's wasm is running by
//! then). Without the variable nothing is measured or printed.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// When tracing: an instant and the process's age at that instant.
static ORIGIN: OnceLock<Option<(Instant, Duration)>> = OnceLock::new();

/// How many commands are reported (the first ones the UI calls).
const FIRST_COMMANDS: usize = 8;
static COMMANDS: AtomicUsize = AtomicUsize::new(0);

fn origin() -> Option<(Instant, Duration)> {
    *ORIGIN.get_or_init(|| {
        std::env::var_os("PINGSHEN_TRACE_START")
            .filter(|v| !v.is_empty() && v != "0")
            .map(|_| (Instant::now(), process_age().unwrap_or_default()))
    })
}

/// Prints `step` with the time since the process started.
pub fn mark(step: &str) {
    if let Some((at, age)) = origin() {
        let ms = (age + at.elapsed()).as_secs_f64() * 1000.0;
        eprintln!("[start +{ms:.0} ms] {step}");
    }
}

/// `handler`, marking the first calls of IPC commands.
pub fn traced<R: tauri::Runtime>(
    handler: impl Fn(tauri::ipc::Invoke<R>) -> bool + Send + Sync + 'static,
) -> impl Fn(tauri::ipc::Invoke<R>) -> bool + Send + Sync + 'static {
    move |invoke| {
        command(invoke.message.command());
        handler(invoke)
    }
}

fn command(name: &str) {
    if origin().is_some() && COMMANDS.fetch_add(1, Ordering::Relaxed) < FIRST_COMMANDS {
        mark(&format!("ipc {name}"));
    }
}

/// How long ago this process started, from /proc (Linux).
fn process_age() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which may hold spaces) start at ')'.
    let (_, rest) = stat.rsplit_once(')')?;
    let start_ticks: f64 = rest.split_whitespace().nth(19)?.parse().ok()?;
    let uptime: f64 = std::fs::read_to_string("/proc/uptime")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()?;
    // USER_HZ is 100 on every Linux this runs on.
    Some(Duration::from_secs_f64(
        (uptime - start_ticks / 100.0).max(0.0),
    ))
}
