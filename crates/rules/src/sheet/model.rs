//! One expert's score sheet (评分表), as it crosses the wire and is signed.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExpertSheet {
    pub expert: String,
    pub bidders: Vec<BidderSheet>,
}

/// The expert's review of one bidder.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BidderSheet {
    pub bidder: String,
    /// 初步评审: one verdict per criterion.
    #[serde(default)]
    pub preliminary: Vec<CriterionVerdict>,
    /// 详细评审: one entry per factor (except the price factor).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub factors: Vec<FactorScore>,
    /// 价格折算 quantities (经评审的最低投标价法); absent means 0.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub adjustments: Vec<AdjustmentEntry>,
    /// Written reasons for scores far from the panel mean.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deviation_reasons: Vec<DeviationReason>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CriterionVerdict {
    pub criterion: String,
    pub pass: bool,
    /// Required when `pass` is false.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// Points for one factor. Which field carries the score depends on the
/// factor's kind: `points` (range), `option` (options), `deductions`
/// (deductions) or `pass` (pass_fail). `points` may accompany the others
/// and must then equal what they give.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FactorScore {
    pub factor: String,
    #[serde(
        default,
        with = "crate::dec::opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub points: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub option: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deductions: Vec<DeductionHit>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pass: Option<bool>,
    /// Required when the points are below the factor's maximum.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl FactorScore {
    /// An empty entry for `factor`, to fill in.
    pub fn new(factor: &str) -> Self {
        FactorScore {
            factor: factor.to_string(),
            points: None,
            option: None,
            deductions: Vec::new(),
            pass: None,
            reason: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeductionHit {
    pub item: String,
    #[serde(default = "one")]
    pub times: u32,
}

fn one() -> u32 {
    1
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdjustmentEntry {
    pub adjustment: String,
    #[serde(with = "crate::dec")]
    pub quantity: Decimal,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeviationReason {
    pub factor: String,
    pub reason: String,
}

impl BidderSheet {
    /// Whether this expert passes the bidder on every criterion given.
    pub fn passes_preliminary(&self) -> bool {
        self.preliminary.iter().all(|v| v.pass)
    }

    pub fn factor(&self, id: &str) -> Option<&FactorScore> {
        self.factors.iter().find(|f| f.factor == id)
    }

    pub fn deviation_reason(&self, factor: &str) -> Option<&str> {
        self.deviation_reasons
            .iter()
            .find(|r| r.factor == factor && !r.reason.trim().is_empty())
            .map(|r| r.reason.as_str())
    }
}

impl ExpertSheet {
    pub fn bidder(&self, id: &str) -> Option<&BidderSheet> {
        self.bidders.iter().find(|b| b.bidder == id)
    }
}
