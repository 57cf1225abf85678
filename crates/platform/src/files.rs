//! Stored document files, content-addressed: `DATA/files/<sha256>`.
//! Written once (temp file, fsync, rename), never modified. Beside each file,
//! `<sha256>.roots` holds the hash-tree root of each 64 KiB chunk (32 raw
//! bytes each, `pingshen_pki::chunk_tree`): the list a reader verifies
//! ranges and pieces against before the whole file is there. It is derived
//! data, rebuilt from the file when missing.

use crate::PlatformError;
use openssl::hash::{Hasher, MessageDigest};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Size and digests of a stored file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    pub size: u64,
    pub sha256: String,
    pub sm3: String,
    /// SHA-256 over the chunk digests (see [`chunk_digests`]).
    pub chunks_sha256: String,
}

impl Stored {
    /// The manifest entry of this content under a project's names.
    pub fn manifest_file(
        self,
        file_id: impl Into<String>,
        bidder_id: Option<String>,
        kind: pingshen_api::DocumentKind,
        name: impl Into<String>,
    ) -> pingshen_api::ManifestFile {
        pingshen_api::ManifestFile {
            file_id: file_id.into(),
            bidder_id,
            kind,
            name: name.into(),
            size: self.size,
            sha256: self.sha256,
            sm3: self.sm3,
            chunk_size: pingshen_api::CHUNK_SIZE,
            chunks_sha256: self.chunks_sha256,
        }
    }
}

pub fn dir(data_dir: &Path) -> PathBuf {
    data_dir.join("files")
}

pub fn path(data_dir: &Path, sha256: &str) -> PathBuf {
    dir(data_dir).join(sha256)
}

/// SHA-256 and SM3 of `bytes`, lower-case hex.
pub fn digests(bytes: &[u8]) -> Result<(String, String), PlatformError> {
    let hash = |md: MessageDigest| -> Result<String, PlatformError> {
        let mut h = Hasher::new(md).map_err(|e| PlatformError::Internal(e.to_string()))?;
        h.update(bytes)
            .map_err(|e| PlatformError::Internal(e.to_string()))?;
        Ok(hex::encode(
            h.finish()
                .map_err(|e| PlatformError::Internal(e.to_string()))?,
        ))
    };
    Ok((hash(MessageDigest::sha256())?, hash(MessageDigest::sm3())?))
}

fn io(e: std::io::Error) -> PlatformError {
    PlatformError::Internal(format!("无法保存文件：{e}"))
}

/// Writes `bytes` to `target` durably (temp file, fsync, rename).
fn write_once(data_dir: &Path, target: &Path, bytes: &[u8]) -> Result<(), PlatformError> {
    std::fs::create_dir_all(dir(data_dir)).map_err(io)?;
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    // Unique per writer: instances (and requests) sharing the folder may
    // store the same content at once; each renames a whole file into place.
    let tmp = dir(data_dir).join(format!(
        ".{name}.tmp-{}-{}",
        std::process::id(),
        uuid::Uuid::new_v4().simple()
    ));
    let mut f = std::fs::File::create(&tmp).map_err(io)?;
    f.write_all(bytes).map_err(io)?;
    f.sync_all().map_err(io)?;
    std::fs::rename(&tmp, target).map_err(io)
}

/// The hash-tree root of each [`pingshen_api::CHUNK_SIZE`] chunk of
/// `bytes`, concatenated.
fn chunk_list(bytes: &[u8]) -> Vec<u8> {
    bytes
        .chunks(pingshen_api::CHUNK_SIZE as usize)
        .flat_map(pingshen_pki::chunk_tree::root)
        .collect()
}

/// Stores `bytes` under their SHA-256 with their chunk list; storing the
/// same content twice is a no-op.
pub fn put(data_dir: &Path, bytes: &[u8]) -> Result<Stored, PlatformError> {
    let (sha256, sm3) = digests(bytes)?;
    let target = path(data_dir, &sha256);
    if !target.exists() {
        write_once(data_dir, &target, bytes)?;
    }
    let list = chunk_list(bytes);
    let chunks = chunks_path(data_dir, &sha256);
    if !chunks.exists() {
        write_once(data_dir, &chunks, &list)?;
    }
    Ok(Stored {
        size: bytes.len() as u64,
        sha256,
        sm3,
        chunks_sha256: hex::encode(openssl::sha::sha256(&list)),
    })
}

fn chunks_path(data_dir: &Path, sha256: &str) -> PathBuf {
    dir(data_dir).join(format!("{sha256}.roots"))
}

/// The chunk roots of the stored file `sha256` (32 bytes each), rebuilt
/// from the file when the list is missing or does not fit its size.
pub fn chunk_digests(data_dir: &Path, sha256: &str, size: u64) -> Result<Vec<u8>, PlatformError> {
    let expected = pingshen_api::FileChunks::count_for(size, pingshen_api::CHUNK_SIZE) * 32;
    let listed = chunks_path(data_dir, sha256);
    if let Ok(list) = std::fs::read(&listed) {
        if list.len() as u64 == expected {
            return Ok(list);
        }
    }
    let bytes = std::fs::read(path(data_dir, sha256))
        .map_err(|e| PlatformError::Internal(format!("文件存储缺失：{e}")))?;
    let list = chunk_list(&bytes);
    write_once(data_dir, &listed, &list)?;
    Ok(list)
}

/// Bytes `first..=last` of one chunk of the stored file `sha256`, widened
/// to whole leaves, with the proof they belong to that chunk's root.
pub fn piece(
    data_dir: &Path,
    sha256: &str,
    size: u64,
    first: u64,
    last: u64,
) -> Result<pingshen_api::FilePiece, PlatformError> {
    use pingshen_pki::chunk_tree::{proof, LEAF};
    use std::io::{Read, Seek, SeekFrom};
    let cs = u64::from(pingshen_api::CHUNK_SIZE);
    if first > last || last >= size || first / cs != last / cs {
        return Err(PlatformError::bad_request(
            "bad_range",
            format!("分块片段应在同一个 64 KiB 分块内：{first}-{last}（文件大小 {size} 字节）"),
        ));
    }
    let start = first / cs * cs;
    let chunk_len = (size - start).min(cs) as usize;
    let mut chunk = vec![0u8; chunk_len];
    let mut f = std::fs::File::open(path(data_dir, sha256))
        .map_err(|e| PlatformError::Internal(format!("文件存储缺失：{e}")))?;
    f.seek(SeekFrom::Start(start))
        .and_then(|_| f.read_exact(&mut chunk))
        .map_err(|e| PlatformError::Internal(format!("无法读取文件：{e}")))?;
    let (a, b) = (
        (first - start) as usize / LEAF,
        (last - start) as usize / LEAF,
    );
    let data = chunk[a * LEAF..((b + 1) * LEAF).min(chunk_len)].to_vec();
    Ok(pingshen_api::FilePiece {
        offset: start + (a * LEAF) as u64,
        data,
        chunk_len: chunk_len as u32,
        proof: proof(&chunk, a, b),
    })
}

/// Fills in the chunk fields of a manifest entry from the file store.
pub fn with_chunks(
    data_dir: &Path,
    mut f: pingshen_api::ManifestFile,
) -> Result<pingshen_api::ManifestFile, PlatformError> {
    let list = chunk_digests(data_dir, &f.sha256, f.size)?;
    f.chunk_size = pingshen_api::CHUNK_SIZE;
    f.chunks_sha256 = hex::encode(openssl::sha::sha256(&list));
    Ok(f)
}

/// A file to add to a project, under the names the manifest will show.
#[derive(Debug, Clone)]
pub struct NewDocument {
    pub project_id: String,
    pub file_id: String,
    pub bidder_id: Option<String>,
    pub kind: pingshen_api::DocumentKind,
    pub name: String,
}

/// Adds a file to a project of the sandbox (as staff would upload a bid
/// after the opening): stored content-addressed, listed after the project's
/// other files in the next signed manifest. The same `file_id` again
/// replaces the entry.
pub fn add_document(
    db: &crate::db::Db,
    data_dir: &Path,
    doc: NewDocument,
    bytes: &[u8],
) -> Result<pingshen_api::ManifestFile, PlatformError> {
    let project = doc.project_id;
    let entry = put(data_dir, bytes)?.manifest_file(doc.file_id, doc.bidder_id, doc.kind, doc.name);
    let f = entry.clone();
    db.with(move |c| {
        crate::db::projects::stage_of(c, &project)?;
        let position = crate::db::documents::next_position(c, &project)?;
        crate::db::documents::upsert(c, &project, &f, position)?;
        Ok(())
    })?;
    Ok(entry)
}
