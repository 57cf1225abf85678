//! The update keys this build trusts (compiled in by `build.rs`) and key ids.

use crate::error::{Result, UpdateError};
use openssl::pkey::{PKey, Public};
use pingshen_pki::Algorithm;
use sha2::{Digest, Sha256};

/// The PEM bundle `build.rs` took from `PINGSHEN_UPDATE_KEYS` (or the demo key).
const COMPILED: &str = include_str!(concat!(env!("OUT_DIR"), "/update-keys.pem"));
/// The public demo key, whose private half is in the repository: anyone can
/// sign with it, so a build trusting it is for tests and the sandbox only.
const DEMO: &str = include_str!("../../../assets/update-keys/demo.pem");

/// One trusted key with its id and algorithm.
pub struct TrustedKey {
    pub id: String,
    pub algorithm: Algorithm,
    pub key: PKey<Public>,
}

/// The keys an update manifest may be signed with.
pub struct TrustedKeys {
    keys: Vec<TrustedKey>,
}

impl TrustedKeys {
    /// The keys compiled into this build.
    pub fn compiled() -> Result<Self> {
        Self::from_pem(COMPILED.as_bytes())
    }

    /// Every `PUBLIC KEY` block of `pem` (rotation: old and new key side by side).
    pub fn from_pem(pem: &[u8]) -> Result<Self> {
        let text = std::str::from_utf8(pem).map_err(|e| UpdateError::Key(e.to_string()))?;
        let mut keys = Vec::new();
        let mut rest = text;
        const BEGIN: &str = "-----BEGIN PUBLIC KEY-----";
        const END: &str = "-----END PUBLIC KEY-----";
        while let Some(start) = rest.find(BEGIN) {
            let Some(len) = rest[start..].find(END) else {
                return Err(UpdateError::Key("PEM 块不完整".into()));
            };
            let block = &rest[start..start + len + END.len()];
            let key = PKey::public_key_from_pem(block.as_bytes())
                .map_err(|e| UpdateError::Key(e.to_string()))?;
            let algorithm = Algorithm::of_key(&key).map_err(|e| UpdateError::Key(e.to_string()))?;
            keys.push(TrustedKey {
                id: key_id(&key)?,
                algorithm,
                key,
            });
            rest = &rest[start + len + END.len()..];
        }
        if keys.is_empty() {
            return Err(UpdateError::Key("没有公钥".into()));
        }
        Ok(TrustedKeys { keys })
    }

    pub fn get(&self, id: &str) -> Option<&TrustedKey> {
        self.keys.iter().find(|k| k.id == id)
    }

    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.keys.iter().map(|k| k.id.as_str())
    }

    /// Whether the public demo key is among them.
    pub fn includes_demo(&self) -> bool {
        demo_id().is_some_and(|demo| self.get(&demo).is_some())
    }
}

/// Whether `id` is the public demo key's.
pub fn is_demo_key(id: &str) -> bool {
    demo_id().is_some_and(|demo| demo == id)
}

fn demo_id() -> Option<String> {
    let key = PKey::public_key_from_pem(DEMO.as_bytes()).ok()?;
    key_id(&key).ok()
}

/// A key's id: lower-case hex SHA-256 of its SubjectPublicKeyInfo (DER).
pub fn key_id<T: openssl::pkey::HasPublic>(key: &openssl::pkey::PKeyRef<T>) -> Result<String> {
    let der = key
        .public_key_to_der()
        .map_err(|e| UpdateError::Key(e.to_string()))?;
    Ok(hex::encode(Sha256::digest(der)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_build_trusts_exactly_the_demo_key() {
        let keys = TrustedKeys::compiled().unwrap();
        // A centre's build (PINGSHEN_UPDATE_KEYS set) must not say "demo".
        if std::env::var_os("PINGSHEN_UPDATE_KEYS").is_none() {
            assert!(keys.includes_demo());
            assert_eq!(keys.ids().count(), 1);
        }
    }

    #[test]
    fn a_bundle_holds_several_keys_and_garbage_is_refused() {
        let a = pingshen_pki::sm2::generate_key().unwrap();
        let b = openssl::ec::EcKey::generate(
            &openssl::ec::EcGroup::from_curve_name(openssl::nid::Nid::X9_62_PRIME256V1).unwrap(),
        )
        .unwrap();
        let b = PKey::from_ec_key(b).unwrap();
        let mut pem = a.public_key_to_pem().unwrap();
        pem.extend(b.public_key_to_pem().unwrap());
        let keys = TrustedKeys::from_pem(&pem).unwrap();
        assert_eq!(keys.ids().count(), 2);
        assert_eq!(
            keys.get(&key_id(&a).unwrap()).unwrap().algorithm,
            Algorithm::Sm2Sm3
        );
        assert_eq!(
            keys.get(&key_id(&b).unwrap()).unwrap().algorithm,
            Algorithm::Es256
        );
        assert!(!keys.includes_demo());
        assert!(TrustedKeys::from_pem(b"no keys here").is_err());
        let cut = &pem[..40];
        assert!(TrustedKeys::from_pem(cut).is_err());
    }
}
