//! Evidence attached to a flag: what the panel opens to judge it.
//! Offsets are in characters (Unicode scalar values) of the page text the
//! caller supplied, 0-based, end exclusive.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Evidence {
    /// Aligned near-duplicate passages of two bids.
    Passages {
        /// Letters and ideographs (not digits) matched across all passages.
        shared_chars: u32,
        passages: Vec<AlignedPassage>,
    },
    /// Strings found identically in several bids.
    SharedStrings { items: Vec<SharedString> },
    /// File properties side by side.
    Metadata { rows: Vec<MetadataRow> },
    /// A price statistic with its threshold and the prices it was computed on.
    Prices(PriceEvidence),
    /// Expert score rows.
    ExpertScores { rows: Vec<ExpertScoreRow> },
}

/// A place in a document: page number and character offset in that page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct TextPos {
    pub page: u32,
    pub offset: u32,
}

/// One side of an aligned passage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PassageSide {
    pub bidder: String,
    pub file: String,
    pub start: TextPos,
    /// Exclusive; on `start.page` or a later page.
    pub end: TextPos,
    /// The passage as printed (pages joined by a line break).
    pub text: String,
}

/// The same passage in two bids.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AlignedPassage {
    pub a: PassageSide,
    pub b: PassageSide,
    /// Compared characters (punctuation and spaces are not compared) that
    /// lie in stretches identical on both sides.
    pub matched_chars: u32,
    /// Of those, letters and ideographs (digits excluded): what the minimum
    /// passage length is measured in.
    pub significant_chars: u32,
    /// matched / compared characters of the longer side, two places.
    pub similarity: Decimal,
}

/// A string found in several bids.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SharedString {
    /// The string as compared (normalised: NFKC, no spaces or punctuation).
    pub text: String,
    /// The correct form, for a misspelling.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected: Option<String>,
    pub occurrences: Vec<Occurrence>,
}

/// Where a shared string stands in one bid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Occurrence {
    pub bidder: String,
    pub start: TextPos,
    pub end: TextPos,
    /// The line around it, as printed.
    pub context: String,
}

/// File properties compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MetaField {
    Author,
    Creator,
    Producer,
    Created,
    Modified,
    Size,
    Sha256,
    HardwareId,
}

impl MetaField {
    pub fn name_zh(self) -> &'static str {
        match self {
            MetaField::Author => "作者",
            MetaField::Creator => "创建工具",
            MetaField::Producer => "PDF生成工具",
            MetaField::Created => "创建时间",
            MetaField::Modified => "修改时间",
            MetaField::Size => "文件大小（字节）",
            MetaField::Sha256 => "文件SHA-256",
            MetaField::HardwareId => "硬件标识",
        }
    }
}

/// One row of the side-by-side table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MetadataRow {
    pub field: MetaField,
    /// One value per bidder of the flag, in the flag's bidder order.
    pub values: Vec<Option<String>>,
    /// Whether this row counts as a match (equal, or within the time window).
    pub matches: bool,
    /// Why a matching row counts less or not at all (e.g. the value is
    /// common to most bids), or the time difference.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note_zh: Option<String>,
}

/// Direction of a threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Comparison {
    /// Flagged when the value is at most the threshold.
    AtMost,
    /// Flagged when the value is at least the threshold.
    AtLeast,
}

/// A price statistic and where its threshold comes from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PriceEvidence {
    /// Stable code of the statistic, e.g. `coefficient_of_variation`.
    pub statistic: String,
    pub value: Decimal,
    pub threshold: Decimal,
    pub comparison: Comparison,
    /// Where the method and its threshold come from (see docs/screens.md).
    pub source: String,
    /// The prices involved, ascending.
    pub series: Vec<PricePoint>,
    /// Further numbers of the computation, in Chinese.
    pub details_zh: Vec<String>,
}

/// One bid price in a series.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PricePoint {
    pub bidder: String,
    pub price: Decimal,
    /// Whether this price is part of the pattern (ladder term, in the band…).
    pub marked: bool,
}

/// An expert's score for one bidder, beside the panel's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExpertScoreRow {
    pub expert: String,
    pub bidder: String,
    /// A factor id, or `None` for the subjective total.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub factor: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub points: Option<Decimal>,
    /// Mean of the other experts' points (leave-one-out).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub others_mean: Option<Decimal>,
    /// (points − others_mean) / others_mean.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deviation: Option<Decimal>,
    /// How many of the bidder's files the expert opened.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub files_opened: Option<u32>,
}
