//! Open data (以公开促公平公正): a finished evaluation published as an
//! [OCDS 1.1](https://standard.open-contracting.org/1.1/) release package
//! with the bids extension (docs/open-data.md).
//!
//! Two steps, both pure (no files, network, clock or randomness):
//!
//! - [`Evaluation::from_package`] reads what may be published out of an
//!   evaluation package (评标档案包): the platform-signed opening record,
//!   the panel record, the panel result, the hashes of the rules and of the
//!   report, and the time the last sitting expert signed the report. It
//!   refuses a package whose evaluation is not finished
//!   ([`OcdsError::Unfinished`]). It does not verify signatures: that is
//!   `pingshen verify`'s work, done before anything is published.
//! - [`release_package`] maps an [`Evaluation`] to the OCDS model in
//!   [`model`], serialised by serde at the boundary.
//!
//! What is published and what is not, and why, is in docs/open-data.md:
//! tender, bidders and their opening prices (read out in public at the
//! opening), each bid's status after preliminary review, the ranked
//! winning candidates (中标候选人, published by law for a period of
//! objection) with the panel's aggregate score, and the SHA-256 of the rules
//! and of the report. Never: any single expert's scores or reasons, who sat
//! on the panel, bid document contents, clarification texts, witness logs.

mod from_package;
mod map;
pub mod model;

pub use map::release_package;

use rust_decimal::Decimal;
use time::OffsetDateTime;

/// Our OCID prefix. A real trading centre registers its own prefix with the
/// Open Contracting Partnership (`ocds-` and six characters) and uses it
/// here instead; this one only keeps the sandbox's identifiers apart.
pub const OCID_PREFIX: &str = "ocds-pingshen-";

/// The bids extension (bid statistics and details), at the release the
/// repository vendors in `tests/vectors/ocds` for offline validation.
pub const BID_EXTENSION_URL: &str =
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_bid_extension/v1.1.5/extension.json";

/// The licence the data is published under. A centre states its own.
pub const LICENSE: &str = "https://creativecommons.org/licenses/by/4.0/";

/// At most this many winning candidates (中标候选人) are recommended and
/// published (《招标投标法实施条例》第五十三条: 不超过3个，并标明排序).
pub const MAX_CANDIDATES: u32 = 3;

/// The OCID of a project.
pub fn ocid(project_id: &str) -> String {
    format!("{OCID_PREFIX}{project_id}")
}

/// Why a package cannot be published.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OcdsError {
    /// The evaluation is not finished: the result is not final, or not every
    /// sitting expert has signed the report. Nothing is published before.
    #[error("{0}")]
    Unfinished(String),
    /// The package cannot be read (a payload that does not decode, an
    /// amount that has no exact JSON number).
    #[error("{0}")]
    BadPackage(String),
}

impl OcdsError {
    /// The stable error code (`evaluation_unfinished`, `bad_package`).
    pub fn code(&self) -> &'static str {
        match self {
            OcdsError::Unfinished(_) => "evaluation_unfinished",
            OcdsError::BadPackage(_) => "bad_package",
        }
    }
}

/// A bid as published: as read out at the opening, and how it came out of
/// the preliminary review.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicBid {
    pub bidder_id: String,
    pub bidder_name: String,
    /// 投标报价 as read out at the opening (元).
    pub price: Decimal,
    /// Passed the preliminary review with a valid price (in the result's
    /// `qualified`).
    pub valid: bool,
    /// The panel rejected the bid by vote as abnormally low (表决).
    pub rejected_as_abnormally_low: bool,
}

/// One ranked winning candidate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub rank: u32,
    pub bidder_id: String,
    /// The panel's aggregate: total points, or the evaluated price.
    pub key: Decimal,
}

/// What ranks the candidates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RankedBy {
    /// 综合评估法: total points, highest first.
    Points,
    /// 经评审的最低投标价法: the evaluated price (元), lowest first.
    EvaluatedPrice,
    /// 合格制: every bidder that passes qualifies; no key.
    Qualification,
}

/// A document published by its hash only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HashedDocument {
    /// SHA-256, lowercase hex.
    pub sha256: String,
    pub date: OffsetDateTime,
}

/// Everything a release package is made from: only what may be public once
/// the evaluation is finished.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evaluation {
    pub project_id: String,
    pub project_name: String,
    pub lot: String,
    /// The trading centre (公共资源交易中心): the publisher.
    pub centre: String,
    /// The tenderer (招标人): buyer and procuring entity.
    pub tenderer: String,
    pub opening_time: OffsetDateTime,
    /// 最高投标限价 (元).
    pub ceiling_price: Decimal,
    /// In the order read out at the opening.
    pub bids: Vec<PublicBid>,
    pub ranked_by: RankedBy,
    /// Best first, at most [`MAX_CANDIDATES`] ranks.
    pub candidates: Vec<Candidate>,
    /// The rules in force (评标办法) and their version.
    pub rules: HashedDocument,
    pub rules_version: u32,
    /// The evaluation report (评标报告), dated by the last sitting expert's
    /// signature (the platform's receipt): the evaluation finished then.
    pub report: HashedDocument,
}

/// Where and by whom the package is published.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Publication {
    /// The package's own URI: where this package is served.
    pub uri: String,
}

/// Where the platform serves a project's release package
/// (`GET /api/v1/projects/{id}/ocds`) under `platform_url`: the package's
/// `uri`, the same for the platform and for `pingshen export ocds`.
pub fn package_uri(platform_url: &str, project_id: &str) -> String {
    format!(
        "{}{}/projects/{project_id}/ocds",
        platform_url.trim_end_matches('/'),
        pingshen_api::API_PREFIX
    )
}
