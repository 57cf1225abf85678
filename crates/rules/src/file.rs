//! The on-disk shape of a rules file (version 1), flat so staff can write it
//! by hand. [`crate::validate`] turns it into the typed [`Rules`]; the way
//! back is infallible.

use crate::model::{
    AbnormallyLow, Adjustment, Benchmark, Component, ComponentSource, CreditRule, Criterion,
    DeductionItem, DeviationRule, Factor, FactorKind, Group, KRule, Meta, Panel, PriceMethod,
    PriceRule, Rounding, Rules, ScoreOption, TieBreak, TrimBand, FORMAT_VERSION,
};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RulesFile {
    pub version: u32,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tie_break: Vec<TieBreak>,
    pub meta: Meta,
    #[serde(default)]
    pub rounding: Rounding,
    pub panel: Panel,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub preliminary: Vec<Criterion>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub factors: Vec<FactorFile>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price: Option<PriceFile>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub abnormally_low: Option<AbnormallyLow>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub adjustments: Vec<Adjustment>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KindName {
    Range,
    Options,
    Deductions,
    PassFail,
    Price,
    Credit,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FactorFile {
    pub id: String,
    pub name: String,
    pub group: Group,
    pub kind: KindName,
    #[serde(with = "crate::dec")]
    pub max: Decimal,
    #[serde(default)]
    pub objective: bool,
    #[serde(
        default,
        with = "crate::dec::opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub min: Option<Decimal>,
    #[serde(
        default,
        with = "crate::dec::opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub step: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guidance: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub options: Option<Vec<ScoreOption>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deductions: Option<Vec<DeductionItem>>,
    /// `kind = "credit"`: grades, deductions, look-back and cap.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credit: Option<CreditRule>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PriceMethodName {
    LowestPrice,
    Deviation,
    EvaluatedPrice,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PriceFile {
    pub method: PriceMethodName,
    #[serde(
        default,
        with = "crate::dec::opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub ceiling: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub k: Option<KRule>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deviation: Option<DeviationRule>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub benchmark: Option<BenchmarkFile>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BenchmarkKind {
    /// One component: the trimmed mean.
    TrimmedMean,
    /// Weighted components.
    Composite,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BenchmarkFile {
    pub kind: BenchmarkKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trim: Option<Vec<TrimBand>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub components: Option<Vec<Component>>,
}

impl TryFrom<RulesFile> for Rules {
    type Error = crate::RulesError;

    fn try_from(file: RulesFile) -> Result<Self, Self::Error> {
        crate::validate::build(file)
    }
}

impl From<Rules> for RulesFile {
    fn from(r: Rules) -> Self {
        RulesFile {
            version: FORMAT_VERSION,
            tie_break: r.tie_break,
            meta: r.meta,
            rounding: r.rounding,
            panel: r.panel,
            preliminary: r.preliminary,
            factors: r.factors.into_iter().map(FactorFile::from).collect(),
            price: r.price.map(PriceFile::from),
            abnormally_low: r.abnormally_low,
            adjustments: r.adjustments,
        }
    }
}

impl From<Factor> for FactorFile {
    fn from(f: Factor) -> Self {
        let mut out = FactorFile {
            id: f.id,
            name: f.name,
            group: f.group,
            kind: KindName::PassFail,
            max: f.max,
            objective: f.objective,
            min: None,
            step: None,
            guidance: f.guidance,
            options: None,
            deductions: None,
            credit: None,
        };
        match f.kind {
            FactorKind::Range { min, step } => {
                out.kind = KindName::Range;
                out.min = Some(min);
                out.step = Some(step);
            }
            FactorKind::Options(options) => {
                out.kind = KindName::Options;
                out.options = Some(options);
            }
            FactorKind::Deductions(items) => {
                out.kind = KindName::Deductions;
                out.deductions = Some(items);
            }
            FactorKind::PassFail => {}
            FactorKind::Price => out.kind = KindName::Price,
            FactorKind::Credit(rule) => {
                out.kind = KindName::Credit;
                out.credit = Some(rule);
            }
        }
        out
    }
}

impl From<PriceRule> for PriceFile {
    fn from(p: PriceRule) -> Self {
        let mut out = PriceFile {
            method: PriceMethodName::LowestPrice,
            ceiling: p.ceiling,
            k: None,
            deviation: None,
            benchmark: None,
        };
        match p.method {
            PriceMethod::LowestPrice => {}
            PriceMethod::EvaluatedPrice => out.method = PriceMethodName::EvaluatedPrice,
            PriceMethod::Deviation {
                benchmark,
                k,
                deviation,
            } => {
                out.method = PriceMethodName::Deviation;
                out.k = k;
                out.deviation = Some(deviation);
                out.benchmark = Some(BenchmarkFile::from(benchmark));
            }
        }
        out
    }
}

impl From<Benchmark> for BenchmarkFile {
    fn from(b: Benchmark) -> Self {
        let plain_trimmed = b.components.len() == 1
            && b.components[0].source == ComponentSource::TrimmedMean
            && b.components[0].weight == Decimal::ONE;
        let trim = (!b.trim.is_empty()).then_some(b.trim);
        if plain_trimmed {
            BenchmarkFile {
                kind: BenchmarkKind::TrimmedMean,
                trim,
                components: None,
            }
        } else {
            BenchmarkFile {
                kind: BenchmarkKind::Composite,
                trim,
                components: Some(b.components),
            }
        }
    }
}
