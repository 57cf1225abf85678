//! The hash tree of one 64 KiB chunk of a document, so that a piece of a
//! chunk (a page object of a few hundred bytes) can be verified without the
//! other 63 KiB.
//!
//! A chunk is cut into 256-byte leaves (the last may be shorter): a page
//! object of a few hundred bytes then costs about as much again in proof
//! (8 hashes for a 64 KiB chunk). Leaf hash
//! `SHA-256(0x00 ‖ leaf)`, node hash `SHA-256(0x01 ‖ left ‖ right)` (the
//! prefixes keep a leaf from passing for a node). The tree over n leaves
//! splits at the largest power of two below n (as RFC 6962 does), so its
//! shape depends on n only. The chunk's **root** is what the signed
//! manifest vouches for (through `chunks_sha256`, the SHA-256 of all roots).
//!
//! A **proof** for the leaves `first..=last` lists, in depth-first order,
//! the hashes of the largest subtrees that lie wholly outside that span;
//! the verifier walks the same tree, takes the outside hashes from the
//! proof and computes the inside from the bytes it received.

use openssl::sha::Sha256;

/// Bytes per leaf.
pub const LEAF: usize = 256;

pub type Hash = [u8; 32];

fn leaf_hash(leaf: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update(&[0]);
    h.update(leaf);
    h.finish()
}

fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut h = Sha256::new();
    h.update(&[1]);
    h.update(left);
    h.update(right);
    h.finish()
}

/// Where a tree of `n` (≥ 2) leaves splits: the largest power of two < n.
fn split(n: usize) -> usize {
    let mut k = 1;
    while k * 2 < n {
        k *= 2;
    }
    k
}

/// Leaf hashes of `bytes`.
pub fn leaves(bytes: &[u8]) -> Vec<Hash> {
    bytes.chunks(LEAF).map(leaf_hash).collect()
}

fn subtree(leaves: &[Hash]) -> Hash {
    match leaves.len() {
        0 => leaf_hash(&[]),
        1 => leaves[0],
        n => {
            let k = split(n);
            node_hash(&subtree(&leaves[..k]), &subtree(&leaves[k..]))
        }
    }
}

/// The root of a chunk's tree.
pub fn root(chunk: &[u8]) -> Hash {
    subtree(&leaves(chunk))
}

/// Number of leaves of a chunk of `len` bytes.
pub fn leaf_count(len: usize) -> usize {
    len.div_ceil(LEAF).max(1)
}

/// The proof for leaves `first..=last` of a chunk.
pub fn proof(chunk: &[u8], first: usize, last: usize) -> Vec<Hash> {
    let all = leaves(chunk);
    let mut out = Vec::new();
    walk(&all, 0, first, last, &mut out);
    out
}

fn walk(leaves: &[Hash], lo: usize, first: usize, last: usize, out: &mut Vec<Hash>) {
    let hi = lo + leaves.len(); // exclusive
    if hi <= first || lo > last {
        out.push(subtree(leaves));
    } else if lo >= first && hi - 1 <= last {
        // Wholly inside: the verifier computes it.
    } else {
        let k = split(leaves.len());
        walk(&leaves[..k], lo, first, last, out);
        walk(&leaves[k..], lo + k, first, last, out);
    }
}

/// Whether `piece` — leaves `first..` of a chunk of `chunk_len` bytes, whole
/// leaves except possibly the chunk's last — with `proof` hashes to `root`.
pub fn verify(chunk_len: usize, first: usize, piece: &[u8], proof: &[Hash], root: &Hash) -> bool {
    let n = leaf_count(chunk_len);
    let inside = leaves(piece);
    if inside.is_empty() || first + inside.len() > n {
        return false;
    }
    let last = first + inside.len() - 1;
    // Only the chunk's last leaf may be short.
    let whole = piece.len() / LEAF;
    if piece.len() % LEAF != 0 && (last != n - 1 || whole != inside.len() - 1) {
        return false;
    }
    if last == n - 1 && piece.len() - (inside.len() - 1) * LEAF != chunk_len - (n - 1) * LEAF {
        return false;
    }
    let mut proof = proof.iter();
    let computed = rebuild(n, 0, first, last, &inside, &mut proof);
    computed.is_some_and(|c| &c == root) && proof.next().is_none()
}

fn rebuild(
    n: usize,
    lo: usize,
    first: usize,
    last: usize,
    inside: &[Hash],
    proof: &mut std::slice::Iter<'_, Hash>,
) -> Option<Hash> {
    let hi = lo + n;
    if hi <= first || lo > last {
        proof.next().copied()
    } else if lo >= first && hi - 1 <= last {
        Some(subtree(&inside[lo - first..hi - first]))
    } else {
        let k = split(n);
        let left = rebuild(k, lo, first, last, inside, proof)?;
        let right = rebuild(n - k, lo + k, first, last, inside, proof)?;
        Some(node_hash(&left, &right))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunk(len: usize) -> Vec<u8> {
        (0..len).map(|i| (i * 7 % 251) as u8).collect()
    }

    #[test]
    fn every_span_of_every_tree_size_verifies() {
        for len in [1, 200, 256, 257, 1000, 1024, 7 * 256 + 3, 65_536] {
            let c = chunk(len);
            let r = root(&c);
            let n = leaf_count(len);
            for first in 0..n {
                for last in first..n {
                    if n > 16 && last - first > 3 && last != n - 1 && last - first != 100 {
                        continue; // keep the 256-leaf case quick
                    }
                    let p = proof(&c, first, last);
                    let piece = &c[first * LEAF..((last + 1) * LEAF).min(len)];
                    assert!(verify(len, first, piece, &p, &r), "{len} {first}..={last}");
                }
            }
        }
    }

    #[test]
    fn a_proof_is_short() {
        let c = chunk(65_536);
        // One leaf in 64: one hash per level.
        assert_eq!(proof(&c, 10, 10).len(), 8);
        assert!(proof(&c, 10, 12).len() <= 16);
    }

    #[test]
    fn anything_changed_fails() {
        let c = chunk(65_536);
        let r = root(&c);
        let p = proof(&c, 5, 6);
        let piece = c[5 * LEAF..7 * LEAF].to_vec();
        assert!(verify(c.len(), 5, &piece, &p, &r));
        let mut bad = piece.clone();
        bad[100] ^= 1;
        assert!(!verify(c.len(), 5, &bad, &p, &r), "a byte of the piece");
        let mut bad_proof = p.clone();
        bad_proof[0][0] ^= 1;
        assert!(!verify(c.len(), 5, &piece, &bad_proof, &r), "a proof hash");
        assert!(!verify(c.len(), 6, &piece, &p, &r), "another position");
        assert!(
            !verify(c.len(), 5, &piece[..LEAF], &p, &r),
            "a leaf left out"
        );
        let mut longer = p.clone();
        longer.push([0; 32]);
        assert!(!verify(c.len(), 5, &piece, &longer, &r), "a hash too many");
        assert!(!verify(c.len(), 5, &piece, &p[1..], &r), "a hash too few");
        assert!(
            !verify(c.len(), 5, &piece[..LEAF + 100], &p, &r),
            "a short leaf inside"
        );
        assert!(
            !verify(c.len(), 5, &piece, &p, &root(&chunk(65_535))),
            "another root"
        );
    }

    #[test]
    fn a_leaf_does_not_pass_for_a_node() {
        // Two leaves whose bytes are the two child hashes of a node do not
        // hash to that node.
        let c = chunk(2 * LEAF);
        let (a, b) = (leaf_hash(&c[..LEAF]), leaf_hash(&c[LEAF..]));
        let mut forged = a.to_vec();
        forged.extend_from_slice(&b);
        assert_ne!(leaf_hash(&forged), root(&c));
    }
}
