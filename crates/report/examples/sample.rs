//! Writes a sample evaluation report to `target/report-samples/sample.pdf`
//! (or the path given as the first argument) and, when poppler's pdftoppm
//! is installed, its first page as `sample.png` at 60 dpi for a quick look.
//!
//!     cargo run -p pingshen-report --example sample [-- OUT.pdf [SECTIONS]]

#[path = "../tests/support/sample_report.rs"]
mod sample_report;

use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let out = args.next().map(PathBuf::from).unwrap_or_else(|| {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/report-samples/sample.pdf")
    });
    let sections: usize = args.next().map(|s| s.parse()).transpose()?.unwrap_or(3);
    if let Some(dir) = out.parent() {
        std::fs::create_dir_all(dir)?;
    }

    let started = Instant::now();
    let pdf = sample_report::evaluation_report(sections)
        .render()
        .map_err(|e| anyhow::anyhow!("{}: {}", e.code(), e.message_zh()))?;
    let took = started.elapsed();
    std::fs::write(&out, &pdf)?;
    println!(
        "{} ({} bytes, rendered in {took:.1?})",
        out.display(),
        pdf.len()
    );

    let png = out.with_extension("");
    let status = Command::new("pdftoppm")
        .args(["-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile"])
        .arg(&out)
        .arg(&png)
        .status();
    match status {
        Ok(s) if s.success() => println!("{}.png", png.display()),
        Ok(s) => eprintln!("pdftoppm failed: {s}"),
        Err(e) => eprintln!("pdftoppm not run ({e}); install poppler-utils for the PNG"),
    }
    Ok(())
}
