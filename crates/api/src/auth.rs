//! Certificate login: challenge–response, then a short-lived bearer token.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// A flattened JWS (RFC 7515 §7.2.2) as it crosses the wire: the signed
/// envelope every assertion travels in. Format: `docs/envelope.md`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SignedEnvelope {
    pub protected: String,
    pub payload: String,
    pub signature: String,
}

/// Body of `POST /api/v1/auth/challenge`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ChallengeRequest {
    /// The caller's certificate chain, leaf first, standard base64 of DER.
    pub chain: Vec<String>,
}

/// What the client signs to log in, exactly as the platform issued it. The
/// client signs it as an envelope of type [`LOGIN_TYP`]; the platform checks
/// every field against what it stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Challenge {
    /// Always [`LOGIN_PURPOSE`]: a login signature can never be mistaken for
    /// another document.
    pub purpose: String,
    /// Single-use random nonce, base64url.
    pub nonce: String,
    /// The platform the login is for; a challenge of another platform is refused.
    pub platform_id: String,
    /// SHA-256 of the leaf certificate the challenge was issued to.
    pub cert_fingerprint: String,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub issued_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub expires_at: OffsetDateTime,
}

pub const LOGIN_PURPOSE: &str = "pingshen-login";
/// Envelope `typ` of a signed login challenge.
pub const LOGIN_TYP: &str = "pingshen.login+json";

/// Body of `POST /api/v1/auth/session`: the challenge, signed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SessionRequest {
    pub envelope: SignedEnvelope,
}

/// A person's role on the platform.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 评标专家
    Expert,
    /// 见证专家
    Witness,
    /// 交易中心工作人员
    Staff,
    /// 投标人: signs only its answers to the panel's clarification
    /// questions, with its own CA certificate; never logs in.
    Bidder,
    /// The platform itself, in receipts for what it issues under the
    /// published rules (the abnormal-price review it opens). Nobody holds
    /// this role: its documents verify by the pinned platform certificate.
    Platform,
}

impl Role {
    pub fn label_zh(self) -> &'static str {
        match self {
            Role::Expert => "评标专家",
            Role::Witness => "见证专家",
            Role::Staff => "工作人员",
            Role::Bidder => "投标人",
            Role::Platform => "交易平台",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Expert => "expert",
            Role::Witness => "witness",
            Role::Staff => "staff",
            Role::Bidder => "bidder",
            Role::Platform => "platform",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "expert" => Some(Role::Expert),
            "witness" => Some(Role::Witness),
            "staff" => Some(Role::Staff),
            "bidder" => Some(Role::Bidder),
            "platform" => Some(Role::Platform),
            _ => None,
        }
    }
}

/// A registered person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Person {
    pub id: String,
    pub name: String,
    pub role: Role,
    /// Home city of the expert pool (远程异地评标 shows who sits where).
    pub city: String,
}

/// The certificate a session was opened with, as shown to the person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CertSummary {
    pub subject: String,
    pub issuer: String,
    /// `RS256`, `ES256` or `SM2SM3`.
    pub alg: String,
    pub fingerprint: String,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub not_after: OffsetDateTime,
}

/// Answer of `POST /api/v1/auth/session`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Session {
    /// Bearer token for `Authorization: Bearer …`. Short-lived.
    pub token: String,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub expires_at: OffsetDateTime,
    pub person: Person,
    pub certificate: CertSummary,
}
