//! Encrypted document files: `blobs/<project>/<file_id>.enc`, written in a
//! resumable, streaming way and read by range. See [`format`] for the layout.

pub(crate) mod digest;
pub(crate) mod format;
pub(crate) mod keys;
pub(crate) mod paths;
mod reader;
mod writer;

pub use digest::PlaintextDigests;
pub use format::CHUNK_LEN;
pub use reader::BlobReader;
pub use writer::BlobWriter;
