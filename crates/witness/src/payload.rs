//! Getting the entry out of a signed envelope, and binding a freshly signed
//! envelope to the entry it was made from.

use crate::entry::WitnessEntry;
use crate::error::EntryError;
use crate::hash::canonical_envelope;
use crate::hash::sha256_hex;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use pingshen_api::SignedEnvelope;

/// Parses and validates an entry from payload bytes that a verifier has
/// already checked the signature of.
pub fn parse_entry(payload: &[u8]) -> Result<WitnessEntry, EntryError> {
    let entry: WitnessEntry =
        serde_json::from_slice(payload).map_err(|e| EntryError::NotAnEntry(e.to_string()))?;
    entry.validate()?;
    Ok(entry)
}

/// Reads the entry inside an envelope **without checking the signature**:
/// for display and for naming a damaged entry in a verification report,
/// never for trusting it.
pub fn decode_unverified(env: &SignedEnvelope) -> Result<WitnessEntry, EntryError> {
    let bytes = URL_SAFE_NO_PAD
        .decode(&env.payload)
        .map_err(|_| EntryError::BadEnvelope("payload 不是 base64url".into()))?;
    serde_json::from_slice(&bytes).map_err(|e| EntryError::NotAnEntry(e.to_string()))
}

/// A signed entry ready for the local log and the platform: the envelope,
/// its canonical bytes (store these) and its hash (the next entry's `prev_hash`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealedEntry {
    pub entry: WitnessEntry,
    pub envelope: SignedEnvelope,
    pub canonical: Vec<u8>,
    pub entry_hash: String,
}

/// Checks that `envelope` carries exactly `entry` and computes its hash.
/// The signature itself is the signer's business (and the platform's).
pub fn seal(entry: &WitnessEntry, envelope: SignedEnvelope) -> Result<SealedEntry, EntryError> {
    entry.validate()?;
    if decode_unverified(&envelope)? != *entry {
        return Err(EntryError::PayloadMismatch);
    }
    let canonical = canonical_envelope(&envelope)?;
    Ok(SealedEntry {
        entry: entry.clone(),
        entry_hash: sha256_hex(&canonical),
        canonical,
        envelope,
    })
}

impl SealedEntry {
    /// Reads back an envelope stored as canonical bytes (e.g. the desktop
    /// store's `envelope` column). Nothing is verified.
    pub fn from_canonical(bytes: &[u8]) -> Result<Self, EntryError> {
        let envelope: SignedEnvelope =
            serde_json::from_slice(bytes).map_err(|e| EntryError::BadEnvelope(e.to_string()))?;
        let entry = decode_unverified(&envelope)?;
        seal(&entry, envelope)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hash::{entry_hash, GENESIS_HASH};
    use crate::testing::{entry, fake_sign};

    #[test]
    fn seal_binds_the_envelope_to_its_entry() {
        let e = entry(1, GENESIS_HASH);
        let env = fake_sign("W001", &e);
        let sealed = seal(&e, env.clone()).unwrap();
        assert_eq!(sealed.entry_hash, entry_hash(&env).unwrap());
        assert_eq!(
            SealedEntry::from_canonical(&sealed.canonical).unwrap(),
            sealed
        );
        let mut other = e.clone();
        other.text = "另一条".into();
        assert_eq!(seal(&other, env).unwrap_err().code(), "payload_mismatch");
    }

    #[test]
    fn unknown_members_are_not_an_entry() {
        let mut v = serde_json::to_value(entry(1, GENESIS_HASH)).unwrap();
        v["extra"] = serde_json::json!(1);
        let bytes = serde_json::to_vec(&v).unwrap();
        assert_eq!(parse_entry(&bytes).unwrap_err().code(), "not_an_entry");
    }
}
