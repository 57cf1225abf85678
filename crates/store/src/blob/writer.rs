//! Streaming, resumable encryption of a download into `<file_id>.part`,
//! renamed to `<file_id>.enc` when finished. Only whole sealed chunks count
//! as stored: after a crash, [`BlobWriter::resume`] keeps the chunks that
//! authenticate and the download continues from [`BlobWriter::stored_len`]
//! (an HTTP Range request), fetching less than one chunk again.

use super::digest::{PlaintextDigests, RunningDigests};
use super::format::{ChunkCipher, Header, Layout, CHUNK_LEN, HEADER_LEN, STORED_CHUNK_LEN};
use super::keys;
use super::paths::{enc_path, part_path, project_dir};
use crate::error::{Result, StoreError};
use crate::fsutil::{create_dir_all, rename_durably, sync_dir};
use crate::ids::check_id;
use crate::store::Store;
use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::PathBuf;
use zeroize::Zeroizing;

/// Writes one encrypted file. Holds its own copy of the project key, so it
/// does not borrow the store while a download runs.
pub struct BlobWriter {
    file: File,
    part: PathBuf,
    enc: PathBuf,
    cipher: ChunkCipher,
    next_index: u64,
    /// Plaintext not yet sealed (less than one chunk); wiped on drop.
    pending: Zeroizing<Vec<u8>>,
    digests: RunningDigests,
}

impl std::fmt::Debug for BlobWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BlobWriter")
            .field("part", &self.part)
            .field("next_index", &self.next_index)
            .finish_non_exhaustive()
    }
}

impl BlobWriter {
    /// Starts a new download of `file_id`, discarding any partial one.
    pub fn create(store: &Store, project: &str, file_id: &str) -> Result<BlobWriter> {
        check_id("项目编号", project)?;
        check_id("文件编号", file_id)?;
        let key = keys::get_or_create(store.conn(), project)?;
        let dir = project_dir(store.dir(), project);
        create_dir_all(&dir)?;
        let part = part_path(store.dir(), project, file_id);
        let header = Header::random()?;
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(true)
            .open(&part)
            .map_err(|e| StoreError::io(&part, e))?;
        file.write_all(header.bytes())
            .map_err(|e| StoreError::io(&part, e))?;
        sync_dir(&dir)?;
        Self::assemble(
            store,
            project,
            file_id,
            file,
            ChunkCipher::new(key, header, file_id),
        )
    }

    fn assemble(
        store: &Store,
        project: &str,
        file_id: &str,
        file: File,
        cipher: ChunkCipher,
    ) -> Result<BlobWriter> {
        Ok(BlobWriter {
            file,
            enc: enc_path(store.dir(), project, file_id),
            part: part_path(store.dir(), project, file_id),
            cipher,
            next_index: 0,
            pending: Zeroizing::new(Vec::with_capacity(CHUNK_LEN)),
            digests: RunningDigests::new()?,
        })
    }

    /// Continues an interrupted download of `file_id` (or starts one when
    /// there is none). Every stored chunk is authenticated again; the file
    /// is cut after the last good one. Continue from [`Self::stored_len`].
    pub fn resume(store: &Store, project: &str, file_id: &str) -> Result<BlobWriter> {
        check_id("项目编号", project)?;
        check_id("文件编号", file_id)?;
        let part = part_path(store.dir(), project, file_id);
        let key = keys::get(store.conn(), project)?;
        let opened = match (key, OpenOptions::new().read(true).write(true).open(&part)) {
            (Some(key), Ok(file)) => Some((key, file)),
            (_, Err(e)) if e.kind() != std::io::ErrorKind::NotFound => {
                return Err(StoreError::io(&part, e))
            }
            _ => None,
        };
        let Some((key, mut file)) = opened else {
            return Self::create(store, project, file_id);
        };
        let mut head = [0u8; HEADER_LEN];
        let header = match file.read_exact(&mut head) {
            Ok(()) => Header::parse(&head),
            Err(_) => None,
        };
        let Some(header) = header else {
            drop(file);
            return Self::create(store, project, file_id);
        };
        let cipher = ChunkCipher::new(key, header, file_id);
        let mut writer = Self::assemble(store, project, file_id, file, cipher)?;
        writer.keep_good_chunks()?;
        Ok(writer)
    }

    /// Authenticates the whole chunks of the `.part` in order, recomputing
    /// the digests, and truncates after the last one that authenticates.
    fn keep_good_chunks(&mut self) -> Result<()> {
        let len = self
            .file
            .metadata()
            .map_err(|e| StoreError::io(&self.part, e))?
            .len();
        let whole = len.saturating_sub(HEADER_LEN as u64) / STORED_CHUNK_LEN;
        let mut stored = vec![0u8; STORED_CHUNK_LEN as usize];
        for index in 0..whole {
            if self.file.read_exact(&mut stored).is_err() {
                break;
            }
            match self.cipher.open(index, false, &stored) {
                Ok(plain) => self.digests.update(&plain)?,
                Err(_) => break,
            }
            self.next_index = index + 1;
        }
        let keep = Layout::offset_of(self.next_index);
        self.file
            .set_len(keep)
            .and_then(|()| self.file.seek(SeekFrom::Start(keep)).map(|_| ()))
            .map_err(|e| StoreError::io(&self.part, e))
    }

    /// Plaintext bytes safely stored (in whole sealed chunks): the offset to
    /// continue the download from after a crash.
    pub fn stored_len(&self) -> u64 {
        self.next_index * CHUNK_LEN as u64
    }

    /// Plaintext bytes accepted so far (stored plus buffered).
    pub fn written_len(&self) -> u64 {
        self.stored_len() + self.pending.len() as u64
    }

    /// Encrypts and appends `data`. Each full 64 KiB chunk is sealed and
    /// written at once; the rest waits in memory.
    pub fn write(&mut self, mut data: &[u8]) -> Result<()> {
        while !data.is_empty() {
            let take = (CHUNK_LEN - self.pending.len()).min(data.len());
            self.pending.extend_from_slice(&data[..take]);
            data = &data[take..];
            if self.pending.len() == CHUNK_LEN {
                self.seal_pending(false)?;
            }
        }
        Ok(())
    }

    /// Forces the stored chunks to disk (they survive a process crash
    /// without this; this is for power loss).
    pub fn sync(&mut self) -> Result<()> {
        self.file
            .sync_data()
            .map_err(|e| StoreError::io(&self.part, e))
    }

    /// Seals the last chunk, fsyncs, renames `.part` → `.enc` and returns the
    /// plaintext's size and digests (compare them with the manifest).
    pub fn finish(mut self) -> Result<PlaintextDigests> {
        self.seal_pending(true)?;
        self.file
            .sync_all()
            .map_err(|e| StoreError::io(&self.part, e))?;
        rename_durably(&self.part, &self.enc)?;
        self.digests.finish()
    }

    fn seal_pending(&mut self, last: bool) -> Result<()> {
        let sealed = self.cipher.seal(self.next_index, last, &self.pending)?;
        self.file
            .write_all(&sealed)
            .map_err(|e| StoreError::io(&self.part, e))?;
        self.digests.update(&self.pending)?;
        self.pending.clear();
        self.next_index += 1;
        Ok(())
    }
}
