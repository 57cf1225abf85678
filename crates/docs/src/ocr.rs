//! Optional OCR for pages without a text layer, with poppler's `pdftoppm`
//! and `tesseract` (Simplified Chinese model `chi_sim`) where they are
//! installed (Debian: poppler-utils, tesseract-ocr, tesseract-ocr-chi-sim).
//!
//! The PDF goes to pdftoppm on stdin and the page image to tesseract on
//! stdin: no plaintext file is written. Both run as separate processes with
//! a time and memory limit, like the extraction worker.

use std::io::{Read, Write};
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[derive(Debug, Clone)]
pub struct Ocr {
    language: String,
    dpi: u32,
    timeout: Duration,
    memory_limit: u64,
}

impl Ocr {
    /// OCR if `pdftoppm` and `tesseract` with `chi_sim` are installed.
    pub fn detect() -> Option<Ocr> {
        let ocr = Ocr {
            language: "chi_sim".into(),
            dpi: 300,
            timeout: Duration::from_secs(60),
            memory_limit: 2 << 30,
        };
        let langs = run(
            Command::new("tesseract").arg("--list-langs"),
            &[],
            ocr.timeout,
            ocr.memory_limit,
        )
        .ok()?;
        let listed = String::from_utf8_lossy(&langs)
            .lines()
            .any(|l| l.trim() == ocr.language);
        let poppler = Command::new("pdftoppm")
            .arg("-v")
            .stderr(Stdio::null())
            .status()
            .is_ok();
        (listed && poppler).then_some(ocr)
    }

    /// Time allowed per page and per tool.
    pub fn timeout(mut self, limit: Duration) -> Self {
        self.timeout = limit;
        self
    }

    /// Recognises one page (1-based) of `pdf`.
    pub fn page_text(&self, pdf: &[u8], page: u32) -> Result<String, String> {
        let page_arg = page.to_string();
        let image = run(
            Command::new("pdftoppm")
                .args([
                    "-f",
                    &page_arg,
                    "-l",
                    &page_arg,
                    "-r",
                    &self.dpi.to_string(),
                ])
                .args(["-gray", "-png", "-"]),
            pdf,
            self.timeout,
            self.memory_limit,
        )?;
        if image.is_empty() {
            return Err("pdftoppm produced no image".into());
        }
        let text = run(
            Command::new("tesseract").args(["stdin", "stdout", "-l", &self.language, "--psm", "6"]),
            &image,
            self.timeout,
            self.memory_limit,
        )?;
        Ok(String::from_utf8_lossy(&text).into_owned())
    }
}

/// Runs a tool with `input` on stdin and returns its stdout, killing it (and
/// its process group) after `timeout`.
fn run(
    command: &mut Command,
    input: &[u8],
    timeout: Duration,
    memory: u64,
) -> Result<Vec<u8>, String> {
    command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    // SAFETY: only async-signal-safe calls between fork and exec.
    unsafe {
        command.pre_exec(move || {
            libc::setpgid(0, 0);
            let limit = libc::rlimit {
                rlim_cur: memory,
                rlim_max: memory,
            };
            libc::setrlimit(libc::RLIMIT_AS, &limit);
            let none = libc::rlimit {
                rlim_cur: 0,
                rlim_max: 0,
            };
            libc::setrlimit(libc::RLIMIT_CORE, &none);
            Ok(())
        });
    }
    let mut child = command.spawn().map_err(|e| e.to_string())?;
    let mut stdin = child.stdin.take().ok_or("no stdin")?;
    let mut stdout = child.stdout.take().ok_or("no stdout")?;
    std::thread::scope(|scope| {
        scope.spawn(move || {
            let _ = stdin.write_all(input);
        });
        let reader = scope.spawn(move || {
            let mut out = Vec::new();
            let _ = stdout.read_to_end(&mut out);
            out
        });
        let deadline = Instant::now() + timeout;
        let status = loop {
            match child.try_wait() {
                Ok(Some(status)) => break Ok(status),
                Ok(None) if Instant::now() >= deadline => break Err("timed out".to_string()),
                Ok(None) => std::thread::sleep(Duration::from_millis(20)),
                Err(e) => break Err(e.to_string()),
            }
        };
        if status.is_err() {
            if let Ok(pid) = i32::try_from(child.id()) {
                // SAFETY: the group this function created (setpgid above).
                unsafe {
                    libc::kill(-pid, libc::SIGKILL);
                }
            }
            let _ = child.kill();
            let _ = child.wait();
        }
        let out = reader.join().unwrap_or_default();
        match status {
            Ok(s) if s.success() => Ok(out),
            Ok(s) => Err(format!("exited with {s}")),
            Err(e) => Err(e),
        }
    })
}
