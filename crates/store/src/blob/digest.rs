//! SHA-256 and SM3 of the plaintext, computed while it streams through, so
//! the sync can compare them with the signed manifest without a second pass.
//!
//! SM3 is the costly one: OpenSSL's SM3 runs at ≈ 260 MB/s a core where
//! SHA-256 (with SHA-NI) and AES-GCM run at 1.5 and 3 GB/s. It therefore
//! runs on a thread of its own, fed over a short queue, beside the sealing
//! and writing — so one file's checks use two cores.

use crate::error::{crypto, Result, StoreError};

/// What a failure of the SM3 thread itself (not of SM3) is reported as.
const SM3_THREAD: StoreError = StoreError::Crypto {
    context: "sm3 thread",
};
use openssl::hash::{Hasher, MessageDigest};
use std::sync::mpsc::{sync_channel, SyncSender};
use std::thread::JoinHandle;
use zeroize::Zeroizing;

/// Chunks (64 KiB each from the writer) waiting for the SM3 thread.
const SM3_QUEUE: usize = 8;

/// Hex digests of a file's plaintext.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlaintextDigests {
    /// Plaintext length in bytes.
    pub size: u64,
    /// Lower-case hex.
    pub sha256: String,
    /// Lower-case hex.
    pub sm3: String,
}

pub(crate) struct RunningDigests {
    sha256: Hasher,
    sm3: Sm3Lane,
    size: u64,
}

/// The SM3 thread, started with the first data. The queue carries copies of
/// the plaintext, wiped when dropped.
struct Sm3Lane {
    queue: Option<SyncSender<Zeroizing<Vec<u8>>>>,
    worker: Option<JoinHandle<Result<Vec<u8>>>>,
}

impl Sm3Lane {
    fn update(&mut self, data: &[u8]) -> Result<()> {
        if self.queue.is_none() && self.worker.is_none() {
            let (queue, chunks) = sync_channel::<Zeroizing<Vec<u8>>>(SM3_QUEUE);
            let worker = std::thread::Builder::new()
                .name("pingshen-sm3".into())
                .spawn(move || {
                    let mut sm3 = Hasher::new(MessageDigest::sm3()).map_err(crypto("sm3"))?;
                    for chunk in chunks {
                        sm3.update(&chunk).map_err(crypto("sm3"))?;
                    }
                    Ok(sm3.finish().map_err(crypto("sm3"))?.to_vec())
                })
                .map_err(|_| SM3_THREAD)?;
            self.queue = Some(queue);
            self.worker = Some(worker);
        }
        if let Some(queue) = &self.queue {
            // A send fails only when the thread ended on an error, which
            // `finish` reports.
            let _ = queue.send(Zeroizing::new(data.to_vec()));
        }
        Ok(())
    }

    fn finish(mut self) -> Result<Vec<u8>> {
        self.queue = None;
        match self.worker.take() {
            Some(worker) => worker.join().map_err(|_| SM3_THREAD)?,
            None => Ok(Hasher::new(MessageDigest::sm3())
                .and_then(|mut h| h.finish())
                .map_err(crypto("sm3"))?
                .to_vec()),
        }
    }
}

impl RunningDigests {
    pub(crate) fn new() -> Result<Self> {
        Ok(RunningDigests {
            sha256: Hasher::new(MessageDigest::sha256()).map_err(crypto("sha256"))?,
            sm3: Sm3Lane {
                queue: None,
                worker: None,
            },
            size: 0,
        })
    }

    pub(crate) fn update(&mut self, data: &[u8]) -> Result<()> {
        if data.is_empty() {
            return Ok(());
        }
        self.sm3.update(data)?;
        self.sha256.update(data).map_err(crypto("sha256"))?;
        self.size += data.len() as u64;
        Ok(())
    }

    pub(crate) fn finish(mut self) -> Result<PlaintextDigests> {
        Ok(PlaintextDigests {
            size: self.size,
            sha256: hex::encode(self.sha256.finish().map_err(crypto("sha256"))?),
            sm3: hex::encode(self.sm3.finish()?),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one_pass(data: &[u8]) -> (String, String) {
        let sha = openssl::hash::hash(MessageDigest::sha256(), data).unwrap();
        let sm3 = openssl::hash::hash(MessageDigest::sm3(), data).unwrap();
        (hex::encode(sha), hex::encode(sm3))
    }

    #[test]
    fn streamed_digests_equal_one_pass_digests() {
        // Empty, one byte, the GB/T 32905 "abc" sample, and 1 MiB fed in
        // uneven pieces (more pieces than the SM3 queue holds).
        let big: Vec<u8> = (0..1u32 << 20)
            .map(|i| i.wrapping_mul(2_654_435_761) as u8)
            .collect();
        for data in [&b""[..], b"a", b"abc", &big] {
            let mut running = RunningDigests::new().unwrap();
            for piece in data.chunks(7_919) {
                running.update(piece).unwrap();
            }
            let got = running.finish().unwrap();
            let (sha256, sm3) = one_pass(data);
            assert_eq!(got.size, data.len() as u64);
            assert_eq!(got.sha256, sha256);
            assert_eq!(got.sm3, sm3);
        }
        // GB/T 32905-2016 Appendix A, example 1.
        let mut running = RunningDigests::new().unwrap();
        running.update(b"abc").unwrap();
        assert_eq!(
            running.finish().unwrap().sm3,
            "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
        );
    }

    #[test]
    fn dropping_unfinished_digests_ends_the_thread() {
        let mut running = RunningDigests::new().unwrap();
        running.update(&[7u8; 100_000]).unwrap();
        drop(running);
    }
}
