//! What the platform benches share: sizes from the environment, percentiles,
//! the process's CPU time and the references measured in the same run (the
//! SM2 verify rate, `openssl speed sm2`, one durable commit's cost).

#![allow(dead_code)] // each bench uses its own part

use pingshen_pki::{Pkcs12Signer, Signer};
use std::path::Path;
use std::time::{Duration, Instant};

pub fn env_num(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

/// SM2 verifies per second with `s`'s key in this process (one second of
/// them), and `openssl speed -seconds 1 sm2`'s verify rate when it runs.
pub fn sm2_verify_rates(s: &Pkcs12Signer) -> (f64, Option<f64>) {
    use pingshen_pki::sig;
    let msg = vec![b'x'; 2048];
    let signature = s.sign(&msg).unwrap();
    let public = s.certificate().public_key().unwrap();
    let start = Instant::now();
    let mut verified = 0u32;
    while start.elapsed() < Duration::from_secs(1) {
        assert!(sig::verify(s.algorithm(), &public, &msg, &signature).unwrap());
        verified += 1;
    }
    let raw = f64::from(verified) / start.elapsed().as_secs_f64();
    let speed = std::process::Command::new("openssl")
        .args(["speed", "-mr", "-seconds", "1", "sm2"])
        .output()
        .ok()
        .and_then(|o| {
            String::from_utf8_lossy(&o.stdout)
                .lines()
                .find(|l| l.starts_with("+F7:"))
                .and_then(|l| l.rsplit(':').next().and_then(|v| v.parse::<f64>().ok()))
        });
    (raw, speed)
}

/// 4 KiB append + fdatasync per second in `dir` (one second of them), as a
/// WAL commit with synchronous=FULL does.
pub fn fsync_rate(dir: &Path) -> f64 {
    use std::io::Write;
    let probe = dir.join("fsync-probe");
    let mut file = std::fs::File::create(&probe).unwrap();
    let start = Instant::now();
    let mut commits = 0u32;
    while start.elapsed() < Duration::from_secs(1) {
        file.write_all(&[0u8; 4096]).unwrap();
        file.sync_data().unwrap();
        commits += 1;
    }
    let rate = f64::from(commits) / start.elapsed().as_secs_f64();
    drop(file);
    let _ = std::fs::remove_file(&probe);
    rate
}

/// CPU time (user + system) of this process and its waited-for children,
/// in seconds (clock ticks of 10 ms, from /proc/self/stat).
pub fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap();
    // Fields after the command name (which may contain spaces): state is
    // field 3, utime 14, stime 15, cutime 16, cstime 17.
    let rest = &stat[stat.rfind(')').unwrap() + 2..];
    let fields: Vec<f64> = rest
        .split_whitespace()
        .skip(11)
        .take(4)
        .map(|f| f.parse().unwrap())
        .collect();
    fields.iter().sum::<f64>() / 100.0
}
