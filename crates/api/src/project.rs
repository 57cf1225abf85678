use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// Where a project is in the evaluation state machine. The platform enforces
/// the order; clients only display it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// 评标准备: rules are being configured, documents uploaded.
    Preparing,
    /// 评标中: experts declare, review and score.
    Evaluating,
    /// 汇总: all sheets are in; the panel leader summarises.
    Summary,
    /// 评标结束: the report is signed; no sheet may change.
    Closed,
    /// 已归档: the archive is sealed; clients purge their copies.
    Archived,
}

impl Stage {
    /// Chinese label for display.
    pub fn label_zh(self) -> &'static str {
        match self {
            Stage::Preparing => "评标准备",
            Stage::Evaluating => "评标中",
            Stage::Summary => "汇总",
            Stage::Closed => "评标结束",
            Stage::Archived => "已归档",
        }
    }
}

/// One line of the project list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProjectSummary {
    /// Project code, e.g. `JA-2026-0117`.
    pub id: String,
    /// Project name, e.g. 解放大道……市政道路改造工程施工.
    pub name: String,
    /// Lot (标段), e.g. 第一标段.
    pub lot: String,
    /// Trading centre running the tender.
    pub centre: String,
    /// Tenderer (招标人).
    pub tenderer: String,
    pub stage: Stage,
    /// 最高投标限价 in yuan, a decimal string.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "28600000.00"))]
    pub ceiling_price: Decimal,
    /// Bid opening time (RFC 3339).
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub opening_time: OffsetDateTime,
    pub bidder_count: u32,
}

/// A bidder (投标人) of a project, with the price read out at opening.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Bidder {
    /// Bidder code within the project, e.g. `B01`.
    pub id: String,
    pub name: String,
    /// 投标报价 in yuan, as read out at bid opening.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "27365000.00"))]
    pub bid_price: Decimal,
}

/// A project with its bidders.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProjectDetail {
    #[serde(flatten)]
    pub summary: ProjectSummary,
    pub bidders: Vec<Bidder>,
    /// 下浮系数 K drawn at opening, once drawn.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub k: Option<Decimal>,
}

/// Body of `POST /api/v1/projects`: staff register a project after opening.
/// Idempotent on `id`: the same body again is accepted, a different one is a
/// conflict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewProject {
    pub id: String,
    pub name: String,
    pub lot: String,
    pub centre: String,
    pub tenderer: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub ceiling_price: Decimal,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub opening_time: OffsetDateTime,
    pub bidders: Vec<NewBidder>,
    /// The coefficient K drawn at the opening (开标时抽取), for methods whose
    /// benchmark price needs it; absent for the others.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub k: Option<Decimal>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewBidder {
    pub id: String,
    pub name: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub bid_price: Decimal,
}

/// Body of `POST /api/v1/projects/{id}/stage`: staff move a project forward.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct StageChange {
    pub stage: Stage,
}

/// Body of `POST /api/v1/projects/{id}/assignments`: staff assign a drawn
/// expert or a witness to a project (抽取结果登记).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Assignment {
    pub person_id: String,
}
