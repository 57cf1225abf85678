use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// Answer of `GET /api/v1/health`: the platform is up, who it is, and its
/// clock (clients show the offset to their own clock; witnesses log with it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Health {
    /// Always `ok` when the platform answers.
    pub status: String,
    /// Stable identifier of this platform; login challenges are bound to it.
    pub platform_id: String,
    /// Display name, e.g. 武汉市公共资源交易中心（沙箱）.
    pub platform_name: String,
    /// Version of the API contract the platform implements.
    pub api_version: String,
    /// The platform's current time (RFC 3339).
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub time: OffsetDateTime,
    /// SHA-256 (hex) of the certificate the platform signs receipts and
    /// records with. Unsigned, so it only helps a first contact: clients pin
    /// it then and refuse any other later until a person accepts it.
    pub signing_cert_sha256: String,
}
