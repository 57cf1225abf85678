//! Encrypted document files: round trips, ranges, resumable writes, tamper
//! detection, and no plaintext on disk.

use crate::common::{contains, files_containing, random_bytes, Fixture};
use openssl::hash::{hash, MessageDigest};
use pingshen_store::{BlobReader, BlobWriter, Store, CHUNK_LEN};
use std::path::PathBuf;

const P: &str = "JA-2026-0117";
const HEADER: u64 = 20;
/// Plaintext + nonce (12) + tag (16).
const STORED_CHUNK: u64 = CHUNK_LEN as u64 + 28;

fn write_blob(store: &Store, file_id: &str, data: &[u8], piece: usize) {
    let mut w = BlobWriter::create(store, P, file_id).unwrap();
    for part in data.chunks(piece.max(1)) {
        w.write(part).unwrap();
    }
    let digests = w.finish().unwrap();
    assert_eq!(digests.size, data.len() as u64);
    assert_eq!(
        digests.sha256,
        hex::encode(hash(MessageDigest::sha256(), data).unwrap())
    );
    assert_eq!(
        digests.sm3,
        hex::encode(hash(MessageDigest::sm3(), data).unwrap())
    );
}

fn enc(store: &Store, file_id: &str) -> PathBuf {
    store
        .dir()
        .join("blobs")
        .join(P)
        .join(format!("{file_id}.enc"))
}

fn part(store: &Store, file_id: &str) -> PathBuf {
    store
        .dir()
        .join("blobs")
        .join(P)
        .join(format!("{file_id}.part"))
}

#[test]
fn files_of_every_boundary_size_round_trip() {
    let f = Fixture::new();
    let store = f.open();
    let c = CHUNK_LEN;
    for (i, len) in [0, 1, c - 1, c, c + 1, 2 * c, 3 * c + 17]
        .into_iter()
        .enumerate()
    {
        let data = random_bytes(len);
        let id = format!("f{i}.pdf");
        write_blob(&store, &id, &data, 10_000);
        let mut r = BlobReader::open(&store, P, &id).unwrap();
        assert_eq!(r.len(), len as u64);
        assert_eq!(r.read_all().unwrap(), data, "length {len}");
        // Stored size: header + whole chunks + a last chunk (empty when len is a multiple).
        let expected = HEADER + (len / c) as u64 * STORED_CHUNK + (len % c) as u64 + 28;
        assert_eq!(std::fs::metadata(enc(&store, &id)).unwrap().len(), expected);
    }
}

#[test]
fn ranges_across_chunk_boundaries_match_the_plaintext() {
    let f = Fixture::new();
    let store = f.open();
    let data = random_bytes(5 * CHUNK_LEN + 1234);
    write_blob(&store, "bid-B01.pdf", &data, 7_777);
    let mut r = BlobReader::open(&store, P, "bid-B01.pdf").unwrap();
    let c = CHUNK_LEN as u64;
    let n = data.len() as u64;
    for (offset, len) in [
        (0, 1),
        (0, c),
        (c - 1, 2),
        (c, c),
        (c - 10, 2 * c + 20),
        (3 * c + 5, 1),
        (n - 1, 1),
        (n - 1234, 1234),
        (n, 0),
        (17, 0),
    ] {
        let got = r.read_range(offset, len).unwrap();
        assert_eq!(
            got,
            &data[offset as usize..(offset + len) as usize],
            "{offset}+{len}"
        );
    }
    for (offset, len) in [(n, 1), (n - 1, 2), (u64::MAX, 2), (n + 1, 0)] {
        let err = r.read_range(offset, len).unwrap_err();
        assert_eq!(err.code(), "range_invalid", "{offset}+{len}");
    }
}

#[test]
fn no_plaintext_reaches_the_disk() {
    let f = Fixture::new();
    let store = f.open();
    let marker = "投标文件明文标记-施工组织设计".repeat(50);
    let mut data = random_bytes(3 * CHUNK_LEN);
    data.extend_from_slice(marker.as_bytes());
    data.extend(random_bytes(100));
    let mut w = BlobWriter::create(&store, P, "bid-B02.pdf").unwrap();
    w.write(&data[..2 * CHUNK_LEN + 10]).unwrap();
    // Mid-download: the .part holds only sealed chunks.
    assert!(files_containing(f.dir.path(), "投标文件明文标记".as_bytes()).is_empty());
    w.write(&data[2 * CHUNK_LEN + 10..]).unwrap();
    w.finish().unwrap();
    assert!(files_containing(f.dir.path(), "投标文件明文标记".as_bytes()).is_empty());
    assert_eq!(
        BlobReader::open(&store, P, "bid-B02.pdf")
            .unwrap()
            .read_all()
            .unwrap(),
        data
    );
}

#[test]
fn an_interrupted_download_resumes_from_the_last_whole_chunk() {
    let f = Fixture::new();
    let store = f.open();
    let data = random_bytes(4 * CHUNK_LEN + 999);
    let mut w = BlobWriter::create(&store, P, "bid-B03.pdf").unwrap();
    w.write(&data[..2 * CHUNK_LEN + 500]).unwrap();
    assert_eq!(w.stored_len(), 2 * CHUNK_LEN as u64);
    assert_eq!(w.written_len(), 2 * CHUNK_LEN as u64 + 500);
    drop(w); // the process "dies": the 500 buffered bytes are lost, the chunks are not

    // A torn tail (half of a chunk written when the crash came) is cut off.
    let mut bytes = std::fs::read(part(&store, "bid-B03.pdf")).unwrap();
    bytes.extend(random_bytes(30_000));
    std::fs::write(part(&store, "bid-B03.pdf"), &bytes).unwrap();

    let mut w = BlobWriter::resume(&store, P, "bid-B03.pdf").unwrap();
    let from = w.stored_len();
    assert_eq!(from, 2 * CHUNK_LEN as u64);
    w.write(&data[from as usize..]).unwrap();
    let digests = w.finish().unwrap();
    assert_eq!(
        digests.sha256,
        hex::encode(hash(MessageDigest::sha256(), &data).unwrap()),
        "digests cover the chunks written before the crash too"
    );
    assert!(!part(&store, "bid-B03.pdf").exists());
    let mut r = BlobReader::open(&store, P, "bid-B03.pdf").unwrap();
    assert_eq!(r.read_all().unwrap(), data);
}

#[test]
fn resume_drops_chunks_from_the_first_bad_one() {
    let f = Fixture::new();
    let store = f.open();
    let data = random_bytes(5 * CHUNK_LEN);
    let mut w = BlobWriter::create(&store, P, "x.pdf").unwrap();
    w.write(&data[..4 * CHUNK_LEN]).unwrap();
    drop(w);
    // Chunk 1 of 4 got garbage (e.g. pages never reached the disk before power loss).
    let path = part(&store, "x.pdf");
    let mut bytes = std::fs::read(&path).unwrap();
    bytes[(HEADER + STORED_CHUNK + 100) as usize] ^= 0x55;
    std::fs::write(&path, &bytes).unwrap();
    let mut w = BlobWriter::resume(&store, P, "x.pdf").unwrap();
    assert_eq!(w.stored_len(), CHUNK_LEN as u64);
    w.write(&data[CHUNK_LEN..]).unwrap();
    w.finish().unwrap();
    assert_eq!(
        BlobReader::open(&store, P, "x.pdf")
            .unwrap()
            .read_all()
            .unwrap(),
        data
    );

    // Nothing to resume: a fresh download from 0; a garbage .part is started over.
    assert_eq!(
        BlobWriter::resume(&store, P, "new.pdf")
            .unwrap()
            .stored_len(),
        0
    );
    std::fs::write(part(&store, "junk.pdf"), b"not ours").unwrap();
    let mut w = BlobWriter::resume(&store, P, "junk.pdf").unwrap();
    assert_eq!(w.stored_len(), 0);
    w.write(b"%PDF-1.7").unwrap();
    w.finish().unwrap();
    assert_eq!(
        BlobReader::open(&store, P, "junk.pdf")
            .unwrap()
            .read_all()
            .unwrap(),
        b"%PDF-1.7"
    );
}

#[test]
fn tampering_truncation_reordering_and_swapping_are_detected() {
    let f = Fixture::new();
    let store = f.open();
    let a = random_bytes(3 * CHUNK_LEN + 100);
    let b = random_bytes(3 * CHUNK_LEN + 100);
    write_blob(&store, "a.pdf", &a, 65_536);
    write_blob(&store, "b.pdf", &b, 65_536);
    let a_bytes = std::fs::read(enc(&store, "a.pdf")).unwrap();
    let b_bytes = std::fs::read(enc(&store, "b.pdf")).unwrap();
    let chunk = |bytes: &[u8], i: u64| {
        let start = (HEADER + i * STORED_CHUNK) as usize;
        bytes[start..start + STORED_CHUNK as usize].to_vec()
    };
    let check = |name: &str, bytes: Vec<u8>| {
        std::fs::write(enc(&store, "t.pdf"), &bytes).unwrap();
        let result = BlobReader::open(&store, P, "t.pdf").and_then(|mut r| r.read_all());
        let err = result.expect_err(name);
        assert_eq!(err.code(), "blob_corrupt", "{name}: {err:?}");
    };
    // A's file under another name: the file id is bound into every chunk.
    std::fs::write(enc(&store, "t.pdf"), &a_bytes).unwrap();
    assert_eq!(
        BlobReader::open(&store, P, "t.pdf").unwrap_err().code(),
        "blob_corrupt"
    );
    // From here on, tamper with a copy of A put back under A's own name.
    let check_a = |name: &str, bytes: Vec<u8>| {
        std::fs::write(enc(&store, "a.pdf"), &bytes).unwrap();
        let result = BlobReader::open(&store, P, "a.pdf").and_then(|mut r| r.read_all());
        assert_eq!(result.expect_err(name).code(), "blob_corrupt", "{name}");
    };
    let mut flipped = a_bytes.clone();
    flipped[(HEADER + STORED_CHUNK + 100) as usize] ^= 1;
    check_a("a flipped bit", flipped);
    let mut nonce = a_bytes.clone();
    nonce[(HEADER + 3) as usize] ^= 1;
    check_a("a changed chunk nonce", nonce);
    let mut header = a_bytes.clone();
    header[10] ^= 1;
    check_a("a changed file salt", header);
    check_a(
        "cut at a chunk boundary",
        a_bytes[..(HEADER + 2 * STORED_CHUNK) as usize].to_vec(),
    );
    check_a("cut inside a chunk", a_bytes[..a_bytes.len() - 5].to_vec());
    let mut swapped = a_bytes[..HEADER as usize].to_vec();
    for i in [1, 0, 2] {
        swapped.extend(chunk(&a_bytes, i));
    }
    swapped.extend_from_slice(&a_bytes[(HEADER + 3 * STORED_CHUNK) as usize..]);
    check_a("chunks reordered", swapped);
    let mut mixed = a_bytes.clone();
    let start = (HEADER + STORED_CHUNK) as usize;
    mixed[start..start + STORED_CHUNK as usize].copy_from_slice(&chunk(&b_bytes, 1));
    check_a("a chunk from another file", mixed);
    check("empty", Vec::new());
    check("header only", a_bytes[..HEADER as usize].to_vec());

    // The untouched original still reads.
    std::fs::write(enc(&store, "a.pdf"), &a_bytes).unwrap();
    assert_eq!(
        BlobReader::open(&store, P, "a.pdf")
            .unwrap()
            .read_all()
            .unwrap(),
        a
    );
    assert!(!contains(&a_bytes, &a[..64]));
}

#[test]
fn unknown_files_and_bad_ids() {
    let f = Fixture::new();
    let store = f.open();
    assert_eq!(
        BlobReader::open(&store, P, "none.pdf").unwrap_err().code(),
        "not_found"
    );
    for bad in ["../escape", "a/b", ".."] {
        assert_eq!(
            BlobWriter::create(&store, P, bad).unwrap_err().code(),
            "invalid_id"
        );
        assert_eq!(
            BlobWriter::create(&store, bad, "x.pdf").unwrap_err().code(),
            "invalid_id"
        );
    }
}
