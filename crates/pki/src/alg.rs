//! The three signature algorithms and how a key maps to one.

use crate::error::{PkiError, Result};
use crate::sm2;
use openssl::nid::Nid;
use openssl::pkey::{HasPublic, Id, PKeyRef};
use serde::{Deserialize, Serialize};

/// Smallest RSA modulus accepted, in bits.
pub const MIN_RSA_BITS: u32 = 2048;

/// A signature algorithm, named as in the envelope's `alg` header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Algorithm {
    /// RSASSA-PKCS1-v1_5 with SHA-256, RSA 2048 bits or more.
    #[serde(rename = "RS256")]
    Rs256,
    /// ECDSA on P-256 with SHA-256; signature is r||s (64 bytes).
    #[serde(rename = "ES256")]
    Es256,
    /// SM2 with SM3 and the default ID 1234567812345678; signature is r||s (64 bytes).
    #[serde(rename = "SM2SM3")]
    Sm2Sm3,
}

impl Algorithm {
    /// The JWS `alg` name.
    pub fn jws_name(self) -> &'static str {
        match self {
            Algorithm::Rs256 => "RS256",
            Algorithm::Es256 => "ES256",
            Algorithm::Sm2Sm3 => "SM2SM3",
        }
    }

    /// Parses a JWS `alg` name; `None` for anything else (e.g. `none`, `HS256`).
    pub fn from_jws_name(name: &str) -> Option<Self> {
        match name {
            "RS256" => Some(Algorithm::Rs256),
            "ES256" => Some(Algorithm::Es256),
            "SM2SM3" => Some(Algorithm::Sm2Sm3),
            _ => None,
        }
    }

    /// Short key description for messages: `RSA`, `P-256`, `SM2`.
    pub fn key_label(self) -> &'static str {
        match self {
            Algorithm::Rs256 => "RSA",
            Algorithm::Es256 => "P-256",
            Algorithm::Sm2Sm3 => "SM2",
        }
    }

    /// The algorithm a public key signs with, or `unsupported_algorithm`
    /// (RSA under 2048 bits, curves other than P-256/SM2, DSA, Ed25519, ...).
    pub fn of_key<T: HasPublic>(key: &PKeyRef<T>) -> Result<Self> {
        if sm2::is_sm2(key) {
            return Ok(Algorithm::Sm2Sm3);
        }
        match key.id() {
            Id::RSA => {
                if key.bits() < MIN_RSA_BITS {
                    return Err(PkiError::UnsupportedAlgorithm {
                        detail: format!("RSA {} 位密钥过短（至少 {MIN_RSA_BITS} 位）", key.bits()),
                    });
                }
                Ok(Algorithm::Rs256)
            }
            Id::EC => {
                let ec = key.ec_key().map_err(|e| PkiError::crypto("EC key", e))?;
                match ec.group().curve_name() {
                    Some(Nid::X9_62_PRIME256V1) => Ok(Algorithm::Es256),
                    Some(Nid::SM2) => Ok(Algorithm::Sm2Sm3),
                    other => Err(PkiError::UnsupportedAlgorithm {
                        detail: format!(
                            "椭圆曲线 {}",
                            other.and_then(|n| n.short_name().ok()).unwrap_or("unknown")
                        ),
                    }),
                }
            }
            other => Err(PkiError::UnsupportedAlgorithm {
                detail: format!("密钥类型 {other:?}"),
            }),
        }
    }
}

impl std::fmt::Display for Algorithm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.jws_name())
    }
}
