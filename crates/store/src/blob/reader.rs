//! Reading an encrypted file: all of it, or a byte range (the viewer serves
//! pdf.js range requests), decrypting only the chunks the range touches.

use super::format::{ChunkCipher, Header, Layout, CHUNK_LEN, HEADER_LEN};
use super::keys;
use super::paths::enc_path;
use crate::error::{Result, StoreError};
use crate::ids::check_id;
use crate::store::Store;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::PathBuf;

/// An open encrypted file. Holds its own copy of the project key.
pub struct BlobReader {
    file: File,
    path: PathBuf,
    cipher: ChunkCipher,
    layout: Layout,
}

impl std::fmt::Debug for BlobReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BlobReader")
            .field("path", &self.path)
            .field("len", &self.layout.plain_len)
            .finish_non_exhaustive()
    }
}

impl BlobReader {
    /// Opens the finished file of `file_id` and authenticates its last chunk
    /// (so a truncated file is refused here, not halfway through a read).
    pub fn open(store: &Store, project: &str, file_id: &str) -> Result<BlobReader> {
        check_id("项目编号", project)?;
        check_id("文件编号", file_id)?;
        let path = enc_path(store.dir(), project, file_id);
        let not_found = || StoreError::not_found("加密文件", format!("{project}/{file_id}"));
        let mut file = match File::open(&path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(not_found()),
            Err(e) => return Err(StoreError::io(&path, e)),
        };
        let key = keys::get(store.conn(), project)?.ok_or_else(not_found)?;
        let len = file.metadata().map_err(|e| StoreError::io(&path, e))?.len();
        let mut head = [0u8; HEADER_LEN];
        let header = file
            .read_exact(&mut head)
            .ok()
            .and_then(|()| Header::parse(&head));
        let (Some(header), Some(layout)) = (header, Layout::of_file_len(len)) else {
            return Err(StoreError::BlobCorrupt {
                file_id: file_id.to_string(),
                detail: "文件头或长度不对".to_string(),
            });
        };
        let cipher = ChunkCipher::new(key, header, file_id);
        let mut reader = BlobReader {
            file,
            path,
            cipher,
            layout,
        };
        reader.chunk(layout.chunks - 1)?;
        Ok(reader)
    }

    /// Plaintext length in bytes.
    pub fn len(&self) -> u64 {
        self.layout.plain_len
    }

    pub fn is_empty(&self) -> bool {
        self.layout.plain_len == 0
    }

    /// The whole plaintext.
    pub fn read_all(&mut self) -> Result<Vec<u8>> {
        self.read_range(0, self.layout.plain_len)
    }

    /// `len` plaintext bytes from `offset`; `range_invalid` if the range
    /// does not lie within the file.
    pub fn read_range(&mut self, offset: u64, len: u64) -> Result<Vec<u8>> {
        let end = offset
            .checked_add(len)
            .filter(|&e| e <= self.layout.plain_len);
        let Some(end) = end else {
            return Err(StoreError::RangeInvalid {
                file_id: self.cipher.file_id().to_string(),
                offset,
                len,
                size: self.layout.plain_len,
            });
        };
        let mut out = Vec::with_capacity(len as usize);
        if len == 0 {
            return Ok(out);
        }
        let chunk = CHUNK_LEN as u64;
        for index in offset / chunk..=(end - 1) / chunk {
            let plain = self.chunk(index)?;
            let start = offset.saturating_sub(index * chunk) as usize;
            let stop = (end - index * chunk).min(plain.len() as u64) as usize;
            out.extend_from_slice(&plain[start..stop]);
        }
        Ok(out)
    }

    fn chunk(&mut self, index: u64) -> Result<zeroize::Zeroizing<Vec<u8>>> {
        let mut stored = vec![0u8; self.layout.stored_len(index) as usize];
        self.file
            .seek(SeekFrom::Start(Layout::offset_of(index)))
            .and_then(|_| self.file.read_exact(&mut stored))
            .map_err(|e| StoreError::io(&self.path, e))?;
        self.cipher
            .open(index, index + 1 == self.layout.chunks, &stored)
    }
}
