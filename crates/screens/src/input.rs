//! What the screens take: plain data, filled in by the caller from the
//! extracted PDFs (`pingshen_docs::Extraction`), the platform's manifest and
//! the desktop's activity log. Prices and score sheets are the rules crate's
//! own types ([`pingshen_rules::PriceRequest`], [`pingshen_rules::ExpertSheet`]).

use serde::{Deserialize, Serialize};

/// One page of extracted text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page {
    /// 1-based page number in the PDF.
    pub number: u32,
    pub text: String,
}

/// The tender document (招标文件): what every bid may legitimately copy.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenderDocument {
    pub pages: Vec<Page>,
}

/// A date from the PDF's Info dictionary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocTime {
    /// Seconds since the Unix epoch (UTC), for comparing times.
    pub unix_seconds: i64,
    /// As shown to people, e.g. `2026-11-28T21:47:08+08:00`.
    pub text: String,
}

/// Document information of one bid file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocMeta {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creator: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub producer: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<DocTime>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modified: Option<DocTime>,
}

/// A hardware identifier the bid file carries (机器码, MAC, 硬盘序列号…), as
/// written by the bidding tool that produced it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct HardwareId {
    /// e.g. `mac`, `machine_code`, `disk_serial`, `cpu_id`.
    pub kind: String,
    pub value: String,
}

/// One bid document (投标文件) with what is known about its file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BidDocument {
    /// The bidder's id, e.g. `B03`; unique among the bids.
    pub bidder: String,
    /// File name as received, for the evidence.
    pub file: String,
    pub pages: Vec<Page>,
    #[serde(default)]
    pub metadata: DocMeta,
    /// Lower-case hex SHA-256 of the file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    /// File size in bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hardware_ids: Vec<HardwareId>,
}

impl BidDocument {
    /// A bid with text only (no metadata, hash, size or hardware ids).
    pub fn new(bidder: impl Into<String>, file: impl Into<String>, pages: Vec<Page>) -> Self {
        BidDocument {
            bidder: bidder.into(),
            file: file.into(),
            pages,
            metadata: DocMeta::default(),
            sha256: None,
            size: None,
            hardware_ids: Vec::new(),
        }
    }
}

/// An expert opened one of a bidder's files in the desktop's viewer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocOpenEvent {
    pub expert: String,
    /// The bidder whose file it is.
    pub bidder: String,
    pub file: String,
    /// When, RFC 3339 (shown in the evidence, not compared).
    pub at: String,
}

/// Builds pages numbered 1, 2, … from their texts.
pub fn pages_from_texts<S: Into<String>>(texts: impl IntoIterator<Item = S>) -> Vec<Page> {
    texts
        .into_iter()
        .enumerate()
        .map(|(i, text)| Page {
            number: i as u32 + 1,
            text: text.into(),
        })
        .collect()
}
