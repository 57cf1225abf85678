//! A flag: something the panel should look at, with its evidence. The panel
//! decides; a flag only says what was found and how strongly it stands out.

use crate::evidence::Evidence;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// What kind of finding a flag is. Serialised as its stable snake_case code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FlagKind {
    /// Near-duplicate passages between two bids that neither took from the
    /// tender document and that most bids do not share.
    TextOverlap,
    /// The same misspelling of a fixed expression in several bids.
    SharedTypo,
    /// The same personal identifier (身份证号, 手机号, 账号, e-mail) in several bids.
    SharedIdentifier,
    /// Two bid files with the same author, software, creation time or size.
    MetadataMatch,
    /// Two bids are the same file (SHA-256).
    IdenticalFile,
    /// Two bid files carry the same hardware identifier.
    SharedHardwareId,
    /// The bid prices are unusually close together (coefficient of variation).
    LowPriceDispersion,
    /// The lowest bid stands far below a tight group of the others (Imhof's relative distance).
    LowestBidGap,
    /// Bid prices in an arithmetic or geometric progression.
    PriceLadder,
    /// Several bidders quoted exactly the same price.
    IdenticalPrices,
    /// Many bids just below the ceiling price.
    CeilingCluster,
    /// A group's bids moved the trimmed-mean benchmark towards one of its members.
    BenchmarkPull,
    /// An expert's score for a bidder is far from the rest of the panel.
    ExpertOutlier,
    /// An expert gave every bidder the same scores.
    ExpertUniformScores,
    /// An expert scored a bidder whose documents they never opened.
    ExpertUnopenedScoring,
}

impl FlagKind {
    /// The stable code, as serialised.
    pub fn code(self) -> &'static str {
        match self {
            FlagKind::TextOverlap => "text_overlap",
            FlagKind::SharedTypo => "shared_typo",
            FlagKind::SharedIdentifier => "shared_identifier",
            FlagKind::MetadataMatch => "metadata_match",
            FlagKind::IdenticalFile => "identical_file",
            FlagKind::SharedHardwareId => "shared_hardware_id",
            FlagKind::LowPriceDispersion => "low_price_dispersion",
            FlagKind::LowestBidGap => "lowest_bid_gap",
            FlagKind::PriceLadder => "price_ladder",
            FlagKind::IdenticalPrices => "identical_prices",
            FlagKind::CeilingCluster => "ceiling_cluster",
            FlagKind::BenchmarkPull => "benchmark_pull",
            FlagKind::ExpertOutlier => "expert_outlier",
            FlagKind::ExpertUniformScores => "expert_uniform_scores",
            FlagKind::ExpertUnopenedScoring => "expert_unopened_scoring",
        }
    }

    /// Chinese name of the kind, for headings.
    pub fn name_zh(self) -> &'static str {
        match self {
            FlagKind::TextOverlap => "投标文件内容雷同",
            FlagKind::SharedTypo => "相同的错误表述",
            FlagKind::SharedIdentifier => "相同的人员或账户标识",
            FlagKind::MetadataMatch => "文件属性雷同",
            FlagKind::IdenticalFile => "投标文件完全相同",
            FlagKind::SharedHardwareId => "制作机器码相同",
            FlagKind::LowPriceDispersion => "报价离散度异常低",
            FlagKind::LowestBidGap => "最低报价与其余报价差距异常",
            FlagKind::PriceLadder => "报价呈规律性差异",
            FlagKind::IdenticalPrices => "报价完全相同",
            FlagKind::CeilingCluster => "报价集中于最高投标限价之下",
            FlagKind::BenchmarkPull => "联合报价影响评标基准价",
            FlagKind::ExpertOutlier => "专家评分明显偏离评委会",
            FlagKind::ExpertUniformScores => "专家对所有投标人评分相同",
            FlagKind::ExpertUnopenedScoring => "专家未打开文件即评分",
        }
    }

    /// Which family of screens produces this kind.
    pub fn family(self) -> Family {
        match self {
            FlagKind::TextOverlap | FlagKind::SharedTypo | FlagKind::SharedIdentifier => {
                Family::Text
            }
            FlagKind::MetadataMatch | FlagKind::IdenticalFile | FlagKind::SharedHardwareId => {
                Family::Metadata
            }
            FlagKind::LowPriceDispersion
            | FlagKind::LowestBidGap
            | FlagKind::PriceLadder
            | FlagKind::IdenticalPrices
            | FlagKind::CeilingCluster
            | FlagKind::BenchmarkPull => Family::Price,
            FlagKind::ExpertOutlier
            | FlagKind::ExpertUniformScores
            | FlagKind::ExpertUnopenedScoring => Family::Expert,
        }
    }
}

/// Families of screens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Family {
    Text,
    Metadata,
    Price,
    Expert,
}

/// Who a flag is about.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(tag = "role", content = "id", rename_all = "snake_case")]
pub enum Party {
    Bidder(String),
    Expert(String),
}

impl Party {
    pub fn id(&self) -> &str {
        match self {
            Party::Bidder(id) | Party::Expert(id) => id,
        }
    }
}

/// How strongly a finding stands out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Weak,
    Moderate,
    Strong,
}

impl Level {
    pub fn name_zh(self) -> &'static str {
        match self {
            Level::Weak => "弱",
            Level::Moderate => "中",
            Level::Strong => "强",
        }
    }
}

/// A level plus a score in [0, 1] (two places) to order flags of one level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Strength {
    pub level: Level,
    pub score: Decimal,
}

impl Strength {
    /// `score` is clamped to [0, 1] and rounded half-up to two places.
    pub fn new(level: Level, score: Decimal) -> Self {
        let clamped = score.clamp(Decimal::ZERO, Decimal::ONE);
        let mut score = clamped.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
        score.rescale(2);
        Strength { level, score }
    }
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Flag {
    /// Stable id derived from the kind, the parties and the evidence's key
    /// facts: the same inputs always give the same id.
    pub id: String,
    pub kind: FlagKind,
    pub title_zh: String,
    /// Sorted; bidders before experts.
    pub involved: Vec<Party>,
    pub strength: Strength,
    pub evidence: Evidence,
    pub explanation_zh: String,
}

impl Flag {
    /// Builds a flag; `key` names the facts that make this finding what it
    /// is (pages and offsets, fields, prices…) and goes into the id.
    pub fn new(
        kind: FlagKind,
        mut involved: Vec<Party>,
        strength: Strength,
        evidence: Evidence,
        key: &str,
        title_zh: String,
        explanation_zh: String,
    ) -> Self {
        involved.sort();
        involved.dedup();
        Flag {
            id: flag_id(kind, &involved, key),
            kind,
            title_zh,
            involved,
            strength,
            evidence,
            explanation_zh,
        }
    }

    /// The bidders involved, in order.
    pub fn bidders(&self) -> Vec<&str> {
        self.involved
            .iter()
            .filter_map(|p| match p {
                Party::Bidder(id) => Some(id.as_str()),
                Party::Expert(_) => None,
            })
            .collect()
    }
}

/// `f-` + the first 16 hex digits of SHA-256 over kind, parties and key,
/// each field length-prefixed so that no two inputs share a preimage.
fn flag_id(kind: FlagKind, involved: &[Party], key: &str) -> String {
    let mut hasher = Sha256::new();
    let mut field = |s: &str| {
        hasher.update((s.len() as u64).to_be_bytes());
        hasher.update(s.as_bytes());
    };
    field(kind.code());
    for party in involved {
        field(match party {
            Party::Bidder(_) => "bidder",
            Party::Expert(_) => "expert",
        });
        field(party.id());
    }
    field(key);
    let digest = hasher.finalize();
    format!("f-{}", &hex::encode(digest)[..16])
}

/// Flags in the order the panel reads them: strongest first, then by score,
/// family, kind and id (so the order never depends on the input order).
pub fn sort_flags(flags: &mut [Flag]) {
    flags.sort_by(|a, b| {
        b.strength
            .level
            .cmp(&a.strength.level)
            .then_with(|| b.strength.score.cmp(&a.strength.score))
            .then_with(|| a.kind.family().cmp(&b.kind.family()))
            .then_with(|| a.kind.cmp(&b.kind))
            .then_with(|| a.involved.cmp(&b.involved))
            .then_with(|| a.id.cmp(&b.id))
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::Evidence;

    fn flag(key: &str, parties: Vec<Party>) -> Flag {
        Flag::new(
            FlagKind::TextOverlap,
            parties,
            Strength::new(Level::Weak, Decimal::ONE),
            Evidence::SharedStrings { items: vec![] },
            key,
            String::new(),
            String::new(),
        )
    }

    #[test]
    fn ids_depend_on_content_not_on_party_order() {
        let a = flag(
            "p19",
            vec![Party::Bidder("B05".into()), Party::Bidder("B03".into())],
        );
        let b = flag(
            "p19",
            vec![Party::Bidder("B03".into()), Party::Bidder("B05".into())],
        );
        let c = flag(
            "p20",
            vec![Party::Bidder("B03".into()), Party::Bidder("B05".into())],
        );
        assert_eq!(a.id, b.id);
        assert_ne!(a.id, c.id);
        assert!(a.id.starts_with("f-") && a.id.len() == 18);
    }

    #[test]
    fn strength_serialises_with_a_decimal_string_score() {
        let s = Strength::new(Level::Strong, Decimal::new(12345, 5));
        let json = serde_json::to_string(&s).unwrap();
        assert_eq!(json, r#"{"level":"strong","score":"0.12"}"#);
        assert_eq!(
            Strength::new(Level::Weak, Decimal::TWO).score.to_string(),
            "1.00"
        );
    }

    #[test]
    fn kinds_serialise_as_their_codes() {
        for kind in [
            FlagKind::TextOverlap,
            FlagKind::BenchmarkPull,
            FlagKind::ExpertUnopenedScoring,
        ] {
            let json = serde_json::to_string(&kind).unwrap();
            assert_eq!(json, format!("\"{}\"", kind.code()));
        }
        let party = serde_json::to_string(&Party::Expert("E001".into())).unwrap();
        assert_eq!(party, r#"{"role":"expert","id":"E001"}"#);
    }
}
