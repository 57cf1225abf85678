//! SHA-256 and SM3 of the plaintext, computed while it streams through, so
//! the sync can compare them with the signed manifest without a second pass.

use crate::error::{crypto, Result};
use openssl::hash::{Hasher, MessageDigest};

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
    sm3: Hasher,
    size: u64,
}

impl RunningDigests {
    pub(crate) fn new() -> Result<Self> {
        Ok(RunningDigests {
            sha256: Hasher::new(MessageDigest::sha256()).map_err(crypto("sha256"))?,
            sm3: Hasher::new(MessageDigest::sm3()).map_err(crypto("sm3"))?,
            size: 0,
        })
    }

    pub(crate) fn update(&mut self, data: &[u8]) -> Result<()> {
        self.sha256.update(data).map_err(crypto("sha256"))?;
        self.sm3.update(data).map_err(crypto("sm3"))?;
        self.size += data.len() as u64;
        Ok(())
    }

    pub(crate) fn finish(mut self) -> Result<PlaintextDigests> {
        Ok(PlaintextDigests {
            size: self.size,
            sha256: hex::encode(self.sha256.finish().map_err(crypto("sha256"))?),
            sm3: hex::encode(self.sm3.finish().map_err(crypto("sm3"))?),
        })
    }
}
