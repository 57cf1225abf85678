//! Project documents: the platform-signed manifest and file downloads.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// Envelope `typ` of a document manifest; the platform signs it.
pub const MANIFEST_TYP: &str = "pingshen.manifest+json";
pub const MANIFEST_PURPOSE: &str = "pingshen-manifest";

/// What a file is to the evaluation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    /// 招标文件
    Tender,
    /// 投标文件
    Bid,
    /// 澄清文件
    Clarification,
}

impl DocumentKind {
    pub fn label_zh(self) -> &'static str {
        match self {
            DocumentKind::Tender => "招标文件",
            DocumentKind::Bid => "投标文件",
            DocumentKind::Clarification => "澄清文件",
        }
    }
}

/// One file of a project as the manifest lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ManifestFile {
    /// Stable id within the project, e.g. `bid-B03`.
    pub file_id: String,
    /// The bidder the file belongs to; `None` for the tender and clarifications to all.
    pub bidder_id: Option<String>,
    pub kind: DocumentKind,
    /// Display name, e.g. 投标文件-武汉恒达建设工程有限公司.pdf
    pub name: String,
    pub size: u64,
    /// SHA-256 of the file, lower-case hex.
    pub sha256: String,
    /// SM3 of the file, lower-case hex.
    pub sm3: String,
    /// The file is hashed in chunks of this many bytes (the last may be
    /// shorter), so that a range can be verified before the whole file is
    /// there: a reader on a poor link opens the first page while the rest
    /// still downloads.
    pub chunk_size: u32,
    /// SHA-256 over the chunks' hash-tree roots (32 raw bytes each, in file
    /// order; see `pingshen_pki::chunk_tree`), lower-case hex: it signs the
    /// list [`FileChunks`] serves.
    pub chunks_sha256: String,
}

/// The chunk size the platform uses (64 KiB, pdf.js's range size).
pub const CHUNK_SIZE: u32 = 65536;

/// The SHA-256 of each chunk of a file, as `GET …/files/{file_id}/chunks`
/// serves it. Unsigned by itself: a reader checks it against the signed
/// manifest's `chunks_sha256` before trusting any chunk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct FileChunks {
    pub file_id: String,
    pub chunk_size: u32,
    /// Lower-case hex hash-tree root of each chunk, in file order.
    pub chunks: Vec<String>,
}

impl FileChunks {
    /// How many chunks a file of `size` bytes has (an empty file has none).
    pub fn count_for(size: u64, chunk_size: u32) -> u64 {
        size.div_ceil(u64::from(chunk_size.max(1)))
    }
}

/// The payload of a manifest envelope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// Always [`MANIFEST_PURPOSE`].
    pub purpose: String,
    pub platform_id: String,
    pub project_id: String,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub issued_at: OffsetDateTime,
    pub files: Vec<ManifestFile>,
}
