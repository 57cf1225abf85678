//! The part of the OCDS 1.1 release package schema (and of the bids
//! extension) that Pingshen publishes. Field names are the standard's;
//! absent options are left out of the JSON.

use serde::Serialize;
use time::OffsetDateTime;

time::serde::format_description!(
    ocds_date,
    OffsetDateTime,
    "[year]-[month]-[day]T[hour]:[minute]:[second][offset_hour sign:mandatory]:[offset_minute]"
);

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReleasePackage {
    pub uri: String,
    pub version: String,
    pub extensions: Vec<String>,
    #[serde(with = "ocds_date")]
    pub published_date: OffsetDateTime,
    pub publisher: Publisher,
    pub license: String,
    pub releases: Vec<Release>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Publisher {
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Release {
    pub ocid: String,
    pub id: String,
    #[serde(with = "ocds_date")]
    pub date: OffsetDateTime,
    pub tag: Vec<String>,
    pub initiation_type: String,
    pub language: String,
    pub parties: Vec<Party>,
    pub buyer: OrganizationReference,
    pub tender: Tender,
    pub bids: Bids,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub awards: Vec<Award>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrganizationReference {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Party {
    pub id: String,
    pub name: String,
    pub roles: Vec<String>,
}

/// An amount with its currency. `amount` is a JSON number made from the
/// decimal's own digits (see `map::amount`), never computed in floating point.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Value {
    pub amount: f64,
    pub currency: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Tender {
    pub id: String,
    pub title: String,
    pub description: String,
    pub status: String,
    pub value: Value,
    pub procuring_entity: OrganizationReference,
    pub procurement_method: String,
    pub procurement_method_details: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub award_criteria: Option<String>,
    pub award_criteria_details: String,
    pub submission_method: Vec<String>,
    pub tender_period: Period,
    pub number_of_tenderers: u32,
    pub tenderers: Vec<OrganizationReference>,
    pub documents: Vec<Document>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Period {
    #[serde(with = "ocds_date")]
    pub end_date: OffsetDateTime,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Document {
    pub id: String,
    pub document_type: String,
    pub title: String,
    pub description: String,
    /// The document named by its hash (RFC 6920 `ni:///sha-256;…`).
    pub url: String,
    #[serde(with = "ocds_date")]
    pub date_published: OffsetDateTime,
    pub format: String,
    pub language: String,
}

/// The bids extension's `bids`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Bids {
    pub statistics: Vec<BidsStatistic>,
    pub details: Vec<Bid>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BidsStatistic {
    pub id: String,
    pub measure: String,
    pub value: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Bid {
    pub id: String,
    /// `pending` as opened, `valid` or `disqualified` after the review.
    pub status: String,
    pub tenderers: Vec<OrganizationReference>,
    pub value: Value,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Award {
    pub id: String,
    pub title: String,
    pub description: String,
    /// `pending`: a candidate during the publicity period, not yet in force.
    pub status: String,
    #[serde(with = "ocds_date")]
    pub date: OffsetDateTime,
    pub value: Value,
    pub suppliers: Vec<OrganizationReference>,
    pub related_bid: String,
}
