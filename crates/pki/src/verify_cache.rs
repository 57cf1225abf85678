//! What a trust store remembers between verifications, so that the Nth
//! envelope from the same signer costs little more than its signature:
//!
//! - **signers**, by the exact `x5c` text: the parsed certificates, the
//!   leaf's public key and algorithm, and for SM2 the signer's Z_A;
//! - **paths**, by the DER of leaf and supplied intermediates: the chain
//!   OpenSSL built and checked, the certificates' common validity window,
//!   and which CRL speaks for each issuer (whose signature was checked).
//!
//! A remembered path is reused only for a time inside its validity window;
//! the CRL judgement (expiry of the CRL, listing, revocation time against the
//! cutoff) is redone on every call because it depends on the time. Anything
//! that changes the store's roots, intermediates or CRLs empties the cache.
//! Both maps are bounded: when full they are emptied, which costs only speed.

use crate::alg::Algorithm;
use crate::cert::CertInfo;
use crate::crl::CrlChoice;
use openssl::hash::{Hasher, MessageDigest};
use openssl::pkey::{PKey, Public};
use openssl::x509::X509;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use time::OffsetDateTime;

/// Entries kept per map before it is emptied.
const MAX_ENTRIES: usize = 4096;

pub(crate) type Key = [u8; 32];

/// A signer's certificates as parsed from one `x5c`.
pub(crate) struct ParsedSigner {
    /// Leaf first, as in `x5c`, prepared for validation.
    pub certs: Vec<X509>,
    pub public: PKey<Public>,
    pub algorithm: Algorithm,
    /// For SM2 keys: Z_A with the default ID.
    pub sm2_z_a: Option<[u8; 32]>,
    /// Key of the path cache for these certificates.
    pub path_key: Key,
}

/// A path that validated, and what is needed to judge it again at another time.
pub(crate) struct ValidPath {
    /// Leaf first, trust anchor last.
    pub chain: Vec<X509>,
    pub leaf: CertInfo,
    pub chain_info: Vec<CertInfo>,
    pub algorithm: Algorithm,
    /// Latest notBefore and earliest notAfter over the chain.
    pub valid_from: OffsetDateTime,
    pub valid_until: OffsetDateTime,
    /// One per (certificate, issuer) pair of `chain`.
    pub crl_choices: Vec<CrlChoice>,
}

impl ValidPath {
    pub fn covers(&self, at: OffsetDateTime) -> bool {
        self.valid_from <= at && at <= self.valid_until
    }
}

#[derive(Default)]
pub(crate) struct VerifyCache {
    signers: Mutex<HashMap<Key, Arc<ParsedSigner>>>,
    paths: Mutex<HashMap<Key, Arc<ValidPath>>>,
}

impl VerifyCache {
    pub fn signer(&self, key: &Key) -> Option<Arc<ParsedSigner>> {
        lock(&self.signers).get(key).cloned()
    }

    pub fn keep_signer(&self, key: Key, signer: Arc<ParsedSigner>) {
        insert_bounded(&mut lock(&self.signers), key, signer);
    }

    pub fn path(&self, key: &Key) -> Option<Arc<ValidPath>> {
        lock(&self.paths).get(key).cloned()
    }

    pub fn keep_path(&self, key: Key, path: Arc<ValidPath>) {
        insert_bounded(&mut lock(&self.paths), key, path);
    }

    /// Forgets everything (the store changed).
    pub fn clear(&self) {
        lock(&self.signers).clear();
        lock(&self.paths).clear();
    }
}

// A panic while the lock was held leaves a map that is still consistent
// (inserts and clears are single calls), so a poisoned lock is used as is.
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

fn insert_bounded<V>(map: &mut HashMap<Key, V>, key: Key, value: V) {
    if map.len() >= MAX_ENTRIES && !map.contains_key(&key) {
        map.clear();
    }
    map.insert(key, value);
}

/// SHA-256 over length-prefixed parts: distinct part lists never collide by
/// concatenation.
pub(crate) fn key_of<'a>(parts: impl IntoIterator<Item = &'a [u8]>) -> Option<Key> {
    let mut hasher = Hasher::new(MessageDigest::sha256()).ok()?;
    for part in parts {
        hasher.update(&(part.len() as u64).to_be_bytes()).ok()?;
        hasher.update(part).ok()?;
    }
    let digest = hasher.finish().ok()?;
    let mut key = [0u8; 32];
    key.copy_from_slice(&digest);
    Some(key)
}
