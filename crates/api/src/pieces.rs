//! The answer of `GET …/files/{file_id}/pieces`: whole 256-byte leaves of
//! chunks with the proof that they belong to their chunk.
//!
//! Binary (`application/octet-stream`), not JSON: a reader on a poor line
//! opening a long bid fetches a few hundred of these at once, and base64
//! inside JSON made that answer about a third larger than its content.
//!
//! The body is one record per requested span, in request order:
//!
//! | field       | bytes           | meaning                                        |
//! |-------------|-----------------|------------------------------------------------|
//! | `offset`    | 8, big-endian   | where the leaves start in the file             |
//! | `chunk_len` | 4, big-endian   | length of their chunk (the last may be short)  |
//! | `data_len`  | 4, big-endian   | length of `data`                               |
//! | `proof_len` | 2, big-endian   | number of 32-byte hashes in `proof`            |
//! | `data`      | `data_len`      | the leaves                                     |
//! | `proof`     | 32 × `proof_len`| hashes of the subtrees outside them, depth-first |
//!
//! Nothing here is trusted: the reader verifies each piece against the
//! chunk root the signed manifest vouches for.

/// Whole leaves of one chunk with the proof that they belong to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilePiece {
    /// Byte offset of the piece in the file (a leaf boundary).
    pub offset: u64,
    /// Length of the chunk the piece lies in.
    pub chunk_len: u32,
    pub data: Vec<u8>,
    pub proof: Vec<[u8; 32]>,
}

/// Media type of the answer.
pub const PIECES_MEDIA_TYPE: &str = "application/octet-stream";

const HEADER: usize = 8 + 4 + 4 + 2;
/// A chunk's tree has at most a few dozen levels; more is not a proof.
const MAX_PROOF: usize = 64;

/// The body for `pieces`.
pub fn encode_pieces(pieces: &[FilePiece]) -> Vec<u8> {
    let size: usize = pieces
        .iter()
        .map(|p| HEADER + p.data.len() + 32 * p.proof.len())
        .sum();
    let mut out = Vec::with_capacity(size);
    for p in pieces {
        out.extend_from_slice(&p.offset.to_be_bytes());
        out.extend_from_slice(&p.chunk_len.to_be_bytes());
        out.extend_from_slice(&(p.data.len() as u32).to_be_bytes());
        out.extend_from_slice(&(p.proof.len() as u16).to_be_bytes());
        out.extend_from_slice(&p.data);
        for h in &p.proof {
            out.extend_from_slice(h);
        }
    }
    out
}

/// Why a body is not a list of pieces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PiecesFormatError(pub String);

impl std::fmt::Display for PiecesFormatError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for PiecesFormatError {}

/// Reads a `pieces` body; a piece's data is at most `max_data` bytes (the
/// chunk size), so a hostile length cannot make the reader allocate much.
pub fn decode_pieces(
    mut body: &[u8],
    max_data: usize,
) -> Result<Vec<FilePiece>, PiecesFormatError> {
    let err = |what: &str| PiecesFormatError(format!("片段答复格式错误：{what}"));
    let mut out = Vec::new();
    while !body.is_empty() {
        if body.len() < HEADER {
            return Err(err("记录头不完整"));
        }
        let (head, rest) = body.split_at(HEADER);
        let offset = u64::from_be_bytes(head[0..8].try_into().map_err(|_| err("偏移"))?);
        let chunk_len = u32::from_be_bytes(head[8..12].try_into().map_err(|_| err("分块长度"))?);
        let data_len =
            u32::from_be_bytes(head[12..16].try_into().map_err(|_| err("数据长度"))?) as usize;
        let proof_len =
            u16::from_be_bytes(head[16..18].try_into().map_err(|_| err("证明长度"))?) as usize;
        if data_len > max_data || proof_len > MAX_PROOF {
            return Err(err("长度超出范围"));
        }
        let need = data_len + 32 * proof_len;
        if rest.len() < need {
            return Err(err("记录不完整"));
        }
        let (data, rest) = rest.split_at(data_len);
        let (proof, rest) = rest.split_at(32 * proof_len);
        out.push(FilePiece {
            offset,
            chunk_len,
            data: data.to_vec(),
            proof: proof
                .chunks_exact(32)
                .map(|h| {
                    let mut a = [0u8; 32];
                    a.copy_from_slice(h);
                    a
                })
                .collect(),
        });
        body = rest;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn piece(offset: u64, data: &[u8], proof: usize) -> FilePiece {
        FilePiece {
            offset,
            chunk_len: 65536,
            data: data.to_vec(),
            proof: (0..proof).map(|i| [i as u8; 32]).collect(),
        }
    }

    #[test]
    fn pieces_come_back_as_they_were_sent() {
        let pieces = vec![
            piece(0, &[1; 512], 7),
            piece(70_000, &[2; 256], 8),
            piece(65536 * 3, &[], 0),
        ];
        let body = encode_pieces(&pieces);
        assert_eq!(body.len(), 3 * HEADER + 768 + 15 * 32);
        assert_eq!(decode_pieces(&body, 65536).unwrap(), pieces);
        assert_eq!(decode_pieces(&[], 65536).unwrap(), vec![]);
    }

    #[test]
    fn a_cut_or_oversized_body_is_refused() {
        let body = encode_pieces(&[piece(0, &[1; 512], 7)]);
        for cut in [1, HEADER - 1, HEADER + 10, body.len() - 1] {
            assert!(decode_pieces(&body[..cut], 65536).is_err(), "cut at {cut}");
        }
        // Longer than a chunk, or an absurd proof: refused before reading on.
        assert!(decode_pieces(&body, 511).is_err());
        let mut huge = body.clone();
        huge[16..18].copy_from_slice(&1000u16.to_be_bytes());
        assert!(decode_pieces(&huge, 65536).is_err());
    }
}
