//! The encrypted file format (version 1).
//!
//! ```text
//! header  (20 bytes) = "PSBLOB\0\x01" | file salt (8 random bytes) | chunk length (u32 BE, 65536)
//! chunk i            = nonce (12 random bytes) | AES-256-GCM ciphertext of up to 64 KiB | tag (16 bytes)
//! ```
//!
//! Every chunk but the last holds exactly 64 KiB of plaintext; the last
//! holds 0..=64 KiB (a file whose length is a multiple of 64 KiB ends with
//! an empty last chunk), so chunk boundaries follow from the file length
//! alone. Chunk i is sealed with the project's key and associated data =
//! header | i (u64 BE) | last flag (1 byte) | file id. So a chunk cannot be
//! moved to another place, file or version of the file (the random salt), a
//! file cut at a chunk boundary is noticed (its new final chunk was not
//! sealed as last), and the header cannot be altered.
//!
//! Why a random nonce per chunk rather than one derived from a file nonce
//! and the chunk index: a resumed download rewrites the chunk that was torn
//! by the crash, and the torn copy may already have reached the disk. With a
//! derived nonce the rewrite would reuse that nonce (with a different
//! last-chunk flag, or different bytes if the server's file changed), which
//! in GCM leaks the authentication key. Twelve bytes per 64 KiB make that
//! impossible; 2^32 random nonces per project key (256 TiB) is far away.

use super::keys::DocKey;
use crate::error::{crypto, Result, StoreError};
use openssl::symm::{decrypt_aead, encrypt_aead, Cipher};
use zeroize::Zeroizing;

/// Plaintext bytes per chunk.
pub const CHUNK_LEN: usize = 64 * 1024;
pub(crate) const TAG_LEN: usize = 16;
/// Bytes a full chunk takes on disk.
pub(crate) const STORED_CHUNK_LEN: u64 = (CHUNK_LEN + CHUNK_OVERHEAD) as u64;
pub(crate) const HEADER_LEN: usize = 20;
const MAGIC: [u8; 8] = *b"PSBLOB\0\x01";
const SALT_LEN: usize = 8;
pub(crate) const NONCE_LEN: usize = 12;
/// Bytes a chunk takes on disk beyond its plaintext.
pub(crate) const CHUNK_OVERHEAD: usize = NONCE_LEN + TAG_LEN;

/// A file's header: magic, random salt, chunk length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Header([u8; HEADER_LEN]);

impl Header {
    /// A fresh header with a random salt.
    pub(crate) fn random() -> Result<Header> {
        let mut bytes = [0u8; HEADER_LEN];
        bytes[..8].copy_from_slice(&MAGIC);
        openssl::rand::rand_bytes(&mut bytes[8..8 + SALT_LEN]).map_err(crypto("random"))?;
        bytes[16..20].copy_from_slice(&(CHUNK_LEN as u32).to_be_bytes());
        Ok(Header(bytes))
    }

    /// Parses a header; `None` if it is not one of ours (or not complete).
    pub(crate) fn parse(bytes: &[u8]) -> Option<Header> {
        let bytes: [u8; HEADER_LEN] = bytes.get(..HEADER_LEN)?.try_into().ok()?;
        let chunk_len = u32::from_be_bytes(bytes[16..20].try_into().ok()?);
        (bytes[..8] == MAGIC && chunk_len as usize == CHUNK_LEN).then_some(Header(bytes))
    }

    pub(crate) fn bytes(&self) -> &[u8; HEADER_LEN] {
        &self.0
    }
}

/// What seals and opens the chunks of one file.
pub(crate) struct ChunkCipher {
    key: DocKey,
    header: Header,
    file_id: String,
}

impl ChunkCipher {
    pub(crate) fn new(key: DocKey, header: Header, file_id: &str) -> Self {
        ChunkCipher {
            key,
            header,
            file_id: file_id.to_string(),
        }
    }

    pub(crate) fn file_id(&self) -> &str {
        &self.file_id
    }

    fn aad(&self, index: u64, last: bool) -> Vec<u8> {
        let mut aad = Vec::with_capacity(HEADER_LEN + 9 + self.file_id.len());
        aad.extend_from_slice(self.header.bytes());
        aad.extend_from_slice(&index.to_be_bytes());
        aad.push(u8::from(last));
        aad.extend_from_slice(self.file_id.as_bytes());
        aad
    }

    /// Seals chunk `index`; returns nonce | ciphertext | tag.
    pub(crate) fn seal(&self, index: u64, last: bool, plaintext: &[u8]) -> Result<Vec<u8>> {
        let mut nonce = [0u8; NONCE_LEN];
        openssl::rand::rand_bytes(&mut nonce).map_err(crypto("random"))?;
        let mut tag = [0u8; TAG_LEN];
        let ct = encrypt_aead(
            Cipher::aes_256_gcm(),
            self.key.as_ref(),
            Some(&nonce),
            &self.aad(index, last),
            plaintext,
            &mut tag,
        )
        .map_err(crypto("seal chunk"))?;
        let mut out = Vec::with_capacity(CHUNK_OVERHEAD + ct.len());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&ct);
        out.extend_from_slice(&tag);
        Ok(out)
    }

    /// Opens chunk `index` (nonce | ciphertext | tag); `blob_corrupt` if it does not authenticate.
    pub(crate) fn open(&self, index: u64, last: bool, stored: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
        let fail = || self.corrupt(&format!("第 {index} 块认证失败"));
        if stored.len() < CHUNK_OVERHEAD {
            return Err(fail());
        }
        let (nonce, rest) = stored.split_at(NONCE_LEN);
        let (ct, tag) = rest.split_at(rest.len() - TAG_LEN);
        decrypt_aead(
            Cipher::aes_256_gcm(),
            self.key.as_ref(),
            Some(nonce),
            &self.aad(index, last),
            ct,
            tag,
        )
        .map(Zeroizing::new)
        .map_err(|_| fail())
    }

    pub(crate) fn corrupt(&self, detail: &str) -> StoreError {
        StoreError::BlobCorrupt {
            file_id: self.file_id.clone(),
            detail: detail.to_string(),
        }
    }
}

/// The shape of a finished file, from its length alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Layout {
    pub chunks: u64,
    pub plain_len: u64,
}

impl Layout {
    /// `None` when no sequence of full chunks plus one last chunk has this length.
    pub(crate) fn of_file_len(file_len: u64) -> Option<Layout> {
        let data = file_len.checked_sub(HEADER_LEN as u64)?;
        if data < CHUNK_OVERHEAD as u64 {
            return None;
        }
        let chunks = data.div_ceil(STORED_CHUNK_LEN);
        let last_stored = data - (chunks - 1) * STORED_CHUNK_LEN;
        if last_stored < CHUNK_OVERHEAD as u64 {
            return None;
        }
        Some(Layout {
            chunks,
            plain_len: (chunks - 1) * CHUNK_LEN as u64 + last_stored - CHUNK_OVERHEAD as u64,
        })
    }

    /// Byte offset of chunk `index` in the file.
    pub(crate) fn offset_of(index: u64) -> u64 {
        HEADER_LEN as u64 + index * STORED_CHUNK_LEN
    }

    /// Stored length of chunk `index`.
    pub(crate) fn stored_len(&self, index: u64) -> u64 {
        if index + 1 < self.chunks {
            STORED_CHUNK_LEN
        } else {
            self.plain_len - index * CHUNK_LEN as u64 + CHUNK_OVERHEAD as u64
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_from_length() {
        let h = HEADER_LEN as u64;
        let t = CHUNK_OVERHEAD as u64;
        let c = CHUNK_LEN as u64;
        // (file length, chunks, plaintext length); None = impossible length
        let table: &[(u64, Option<(u64, u64)>)] = &[
            (0, None),
            (h, None),
            (h + t - 1, None),
            (h + t, Some((1, 0))),
            (h + t + 1, Some((1, 1))),
            (h + STORED_CHUNK_LEN, Some((1, c))),
            (h + STORED_CHUNK_LEN + t, Some((2, c))),
            (h + STORED_CHUNK_LEN + 5, None), // a second chunk shorter than a tag
            (h + 3 * STORED_CHUNK_LEN + t + 10, Some((4, 3 * c + 10))),
        ];
        for &(len, expected) in table {
            let got = Layout::of_file_len(len).map(|l| (l.chunks, l.plain_len));
            assert_eq!(got, expected, "file length {len}");
        }
    }

    #[test]
    fn header_round_trips_and_rejects_others() {
        let h = Header::random().unwrap();
        assert_eq!(Header::parse(h.bytes()), Some(h));
        assert_eq!(Header::parse(&h.bytes()[..19]), None);
        let mut other = *h.bytes();
        other[17] ^= 1; // a different chunk length
        assert_eq!(Header::parse(&other), None);
        assert_ne!(Header::random().unwrap(), h, "salts are random");
    }
}
