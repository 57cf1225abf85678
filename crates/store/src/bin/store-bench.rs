//! Measurements (not tests): blob write and range-read throughput on a 20 MB
//! file, and the latency of a draft autosave with synchronous=FULL.
//!
//! Usage: store-bench [DIR]   (a temporary folder by default; build with --release)

use anyhow::{anyhow, Result};
use pingshen_pki::issue::{generate_key, issue_cert, CertSpec, KeyKind, SubjectSpec};
use pingshen_pki::Pkcs12Signer;
use pingshen_store::{BlobReader, BlobWriter, DraftInput, StoreError, Vault};
use std::time::{Duration, Instant};
use time::OffsetDateTime;

const FILE_LEN: usize = 20 * 1024 * 1024;
const PROJECT: &str = "BENCH-1";

fn store_err(e: StoreError) -> anyhow::Error {
    anyhow!("{}: {}", e.code(), e.message_zh())
}

fn mb_per_s(bytes: usize, elapsed: Duration) -> f64 {
    bytes as f64 / 1e6 / elapsed.as_secs_f64()
}

fn percentile(sorted: &[Duration], p: usize) -> Duration {
    sorted[(sorted.len() * p / 100).min(sorted.len() - 1)]
}

fn main() -> Result<()> {
    let tmp = tempfile_dir()?;
    let root = std::env::args().nth(1).map_or(tmp.clone(), Into::into);
    let key = generate_key(KeyKind::P256)?;
    let now = OffsetDateTime::now_utc();
    let spec = CertSpec::leaf(
        SubjectSpec::cn("bench"),
        now - time::Duration::days(1),
        now + time::Duration::days(1),
    );
    let cert = issue_cert(&spec, &key, None)?;
    let signer = Pkcs12Signer::from_parts(key, cert, &[])?;

    let t = Instant::now();
    drop(Vault::new(&root).open(&signer).map_err(store_err)?);
    let first_open = t.elapsed();
    let t = Instant::now();
    let store = Vault::new(&root).open(&signer).map_err(store_err)?;
    println!("open: first {first_open:?}, unlock {:?}", t.elapsed());

    let mut data = vec![0u8; FILE_LEN];
    openssl::rand::rand_bytes(&mut data)?;
    let t = Instant::now();
    let mut w = BlobWriter::create(&store, PROJECT, "big.pdf").map_err(store_err)?;
    for piece in data.chunks(16 * 1024) {
        w.write(piece).map_err(store_err)?;
    }
    w.finish().map_err(store_err)?;
    let write = t.elapsed();
    println!(
        "blob write 20 MiB (incl. SHA-256 + SM3, fsync): {:.0} MB/s",
        mb_per_s(FILE_LEN, write)
    );

    let mut r = BlobReader::open(&store, PROJECT, "big.pdf").map_err(store_err)?;
    let t = Instant::now();
    let all = r.read_all().map_err(store_err)?;
    println!(
        "blob read_all: {:.0} MB/s",
        mb_per_s(all.len(), t.elapsed())
    );
    // pdf.js asks for 64 KiB ranges that rarely align with our chunks.
    let mut offset = 12_345u64;
    let mut total = 0;
    let t = Instant::now();
    while offset + 65_536 <= FILE_LEN as u64 {
        total += r.read_range(offset, 65_536).map_err(store_err)?.len();
        offset += 65_536;
    }
    println!(
        "blob read_range 64 KiB unaligned: {:.0} MB/s ({:.0} µs per range)",
        mb_per_s(total, t.elapsed()),
        t.elapsed().as_secs_f64() * 1e6 / (total / 65_536) as f64
    );

    let drafts = store.drafts();
    let mut latencies = Vec::new();
    for i in 0..500 {
        let value = format!("{}.{}", i % 10, i % 100);
        let reason = format!("第{i}次修改：施工组织设计扣分理由");
        let input = DraftInput {
            sheet_kind: "detailed",
            bidder: "B01",
            item: &format!("F{}", i % 20),
            value: &value,
            reason: &reason,
        };
        let t = Instant::now();
        drafts.upsert(PROJECT, &input).map_err(store_err)?;
        latencies.push(t.elapsed());
    }
    latencies.sort();
    println!(
        "draft upsert (synchronous=FULL): p50 {:?}, p95 {:?}, max {:?}",
        percentile(&latencies, 50),
        percentile(&latencies, 95),
        latencies[latencies.len() - 1]
    );
    drop(store);
    if root == tmp {
        std::fs::remove_dir_all(&tmp)?;
    }
    Ok(())
}

fn tempfile_dir() -> Result<std::path::PathBuf> {
    let dir = std::env::temp_dir().join(format!("store-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}
