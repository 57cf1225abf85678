//! A throw-away PostgreSQL server for the tests of this process, and a
//! fresh database on it for each test that asks ([`database`]).
//!
//! Debian's server (`postgresql`, installed by `scripts/setup`): `initdb`
//! and `pg_ctl` from `/usr/lib/postgresql/<version>/bin`, run as the
//! `postgres` user when we are root (initdb refuses root). The cluster
//! lives in a folder of the system temp dir (`pingshen-pg-<pid>-…`, owned
//! by `postgres`, mode 0700), because that user cannot enter root's home
//! where the target directory is; it holds test records only, never a
//! key. It is stopped and removed when the process exits; clusters of
//! processes that died are stopped and removed by the next one.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Mutex, Once, OnceLock};

const PREFIX: &str = "pingshen-pg-";
const USER: &str = "pingshen";

struct Cluster {
    port: u16,
}

/// The URL of a new, empty database on this process's cluster (started
/// on first use). Panics with the reason when PostgreSQL is missing: a
/// test never skips (`scripts/setup` installs it).
pub fn database() -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let cluster = cluster();
    let name = format!("t{}", NEXT.fetch_add(1, Ordering::SeqCst));
    let admin = url(cluster.port, "postgres");
    let create = name.clone();
    // The sync client blocks on a runtime of its own: not on a test's.
    std::thread::spawn(move || {
        let mut c = postgres::Client::connect(&admin, postgres::NoTls)
            .unwrap_or_else(|e| panic!("cannot connect to the test PostgreSQL: {e}"));
        c.batch_execute(&format!("CREATE DATABASE {create}"))
            .unwrap_or_else(|e| panic!("CREATE DATABASE {create}: {e}"));
    })
    .join()
    .expect("creating a test database");
    url(cluster.port, &name)
}

fn url(port: u16, db: &str) -> String {
    format!("postgres://{USER}@127.0.0.1:{port}/{db}")
}

fn cluster() -> &'static Cluster {
    static CLUSTER: OnceLock<Result<Cluster, String>> = OnceLock::new();
    match CLUSTER.get_or_init(start) {
        Ok(c) => c,
        Err(e) => panic!("the test PostgreSQL server did not start: {e} (run scripts/setup)"),
    }
}

/// The newest installed server's binaries.
fn server_bin() -> Result<PathBuf, String> {
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .map_err(|e| format!("/usr/lib/postgresql: {e}"))?
        .flatten()
        .filter_map(|e| {
            let v = e.file_name().to_str()?.parse().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").exists().then_some((v, bin))
        })
        .collect();
    versions.sort();
    versions
        .pop()
        .map(|(_, bin)| bin)
        .ok_or_else(|| "no /usr/lib/postgresql/*/bin/initdb".into())
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

/// `program args…`, as the postgres user when we are root.
fn run(program: &Path, args: &[&str]) -> Result<(), String> {
    let mut cmd = if is_root() {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(program);
        c
    } else {
        Command::new(program)
    };
    let out = cmd
        .args(args)
        .output()
        .map_err(|e| format!("{}: {e}", program.display()))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{} {}: {}{}",
            program.display(),
            args.join(" "),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

fn start() -> Result<Cluster, String> {
    let bin = server_bin()?;
    sweep_dead(&bin);
    let dir = tempfile::Builder::new()
        .prefix(&format!("{PREFIX}{}-", std::process::id()))
        .tempdir()
        .map_err(|e| e.to_string())?
        .keep();
    if is_root() {
        let ok = Command::new("chown")
            .args(["-R", "postgres:postgres"])
            .arg(&dir)
            .status()
            .map_err(|e| e.to_string())?;
        if !ok.success() {
            return Err(format!("chown postgres {}", dir.display()));
        }
    }
    let data = dir.join("db");
    let data_s = data.to_string_lossy().into_owned();
    run(
        &bin.join("initdb"),
        &[
            "-D",
            &data_s,
            "-A",
            "trust",
            "-U",
            USER,
            "-E",
            "UTF8",
            "--no-sync",
        ],
    )?;
    let port = free_port()?;
    // Throw-away data: durability off (fsync) makes each test's CREATE
    // DATABASE and commits fast; the platform's own settings are untouched.
    let options = format!(
        "-p {port} -k {} -c listen_addresses=127.0.0.1 -c max_connections=300 \
         -c fsync=off -c synchronous_commit=off -c full_page_writes=off",
        dir.display()
    );
    let log = dir.join("pg.log").to_string_lossy().into_owned();
    run(
        &bin.join("pg_ctl"),
        &["-D", &data_s, "-o", &options, "-l", &log, "-w", "start"],
    )?;
    stop_at_exit(bin, dir);
    Ok(Cluster { port })
}

fn free_port() -> Result<u16, String> {
    let l = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    Ok(l.local_addr().map_err(|e| e.to_string())?.port())
}

/// Stops the server (immediately: its data is thrown away) and removes
/// its folder.
fn stop(bin: &Path, dir: &Path) {
    let data = dir.join("db").to_string_lossy().into_owned();
    let _ = run(
        &bin.join("pg_ctl"),
        &["-D", &data, "-m", "immediate", "stop"],
    );
    let _ = std::fs::remove_dir_all(dir);
}

/// Clusters left by test processes that no longer run (killed, aborted).
fn sweep_dead(bin: &Path) {
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let pid = name
            .strip_prefix(PREFIX)
            .and_then(|rest| rest.split('-').next())
            .and_then(|p| p.parse::<i32>().ok());
        // SAFETY: signal 0 only checks that the process exists.
        if let Some(pid) = pid.filter(|p| unsafe { libc::kill(*p, 0) } != 0) {
            if pid != std::process::id() as i32 {
                stop(bin, &entry.path());
            }
        }
    }
}

/// The C `atexit` hook stops the cluster when the test process ends (the
/// harness never drops statics).
fn stop_at_exit(bin: PathBuf, dir: PathBuf) {
    static CLUSTERS: Mutex<Vec<(PathBuf, PathBuf)>> = Mutex::new(Vec::new());
    static HOOK: Once = Once::new();
    extern "C" fn stop_all() {
        if let Ok(clusters) = CLUSTERS.lock() {
            for (bin, dir) in clusters.iter() {
                stop(bin, dir);
            }
        }
    }
    CLUSTERS
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .push((bin, dir));
    // SAFETY: registers a plain function with no captured state.
    HOOK.call_once(|| unsafe {
        libc::atexit(stop_all);
    });
}
