//! What the crash writer writes for (round, i): shared with the crash test
//! (`#[path]`-included there), so the test checks exact values.

use openssl::hash::{hash, MessageDigest};

pub const PROJECT: &str = "CRASH-1";
pub const SHEET_KIND: &str = "detailed";

pub struct Draft {
    pub bidder: String,
    pub item: String,
    pub value: String,
    pub reason: String,
}

/// The draft value written in iteration `i` of `round`.
pub fn draft(round: u32, i: u32) -> Draft {
    Draft {
        bidder: format!("B{:02}", i % 6 + 1),
        item: format!("r{round}-i{i}"),
        value: format!("{i}.{round}"),
        // Varying lengths, so rows span pages and overflow pages now and then.
        reason: format!(
            "理由 r{round} i{i} {}",
            "评".repeat((i as usize * 7) % 1500)
        ),
    }
}

pub fn submission_id(round: u32, i: u32) -> String {
    format!("0193f2c4-r{round}-i{i}")
}

pub fn submission_body(round: u32, i: u32) -> Vec<u8> {
    let pad = "x".repeat((i as usize * 37) % 5000);
    format!("{{\"round\":{round},\"i\":{i},\"pad\":\"{pad}\"}}").into_bytes()
}

pub fn witness_envelope(round: u32, i: u32) -> Vec<u8> {
    format!("{{\"entry\":\"r{round}-i{i}\"}}").into_bytes()
}

/// hex(SHA-256(prev hash ‖ envelope)): the chain the test re-checks.
pub fn entry_hash(prev: Option<&str>, envelope: &[u8]) -> String {
    let mut data = prev.unwrap_or("").as_bytes().to_vec();
    data.extend_from_slice(envelope);
    hex::encode(hash(MessageDigest::sha256(), &data).expect("sha256"))
}
