//! The entry hash that links the chain: SHA-256 over the RFC 8785 canonical
//! JSON of the signed envelope, i.e. the bytes
//! `{"payload":"…","protected":"…","signature":"…"}` (members sorted, no
//! whitespace). The envelope's members are base64url, which JSON never
//! escapes, so those bytes are fixed by the three strings alone: re-indenting
//! or reordering an exported envelope does not change its hash, while any
//! change to the header, the payload or the signature does.

use crate::error::EntryError;
use pingshen_api::SignedEnvelope;
use sha2::{Digest, Sha256};

/// `prev_hash` of the first entry: 64 zeros (no SHA-256 output is known to be this).
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The canonical JSON bytes of an envelope (what is hashed, stored and
/// receipted). Refuses members that are empty or not base64url.
pub fn canonical_envelope(env: &SignedEnvelope) -> Result<Vec<u8>, EntryError> {
    for (name, value) in [
        ("payload", &env.payload),
        ("protected", &env.protected),
        ("signature", &env.signature),
    ] {
        if value.is_empty()
            || !value
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_')
        {
            return Err(EntryError::BadEnvelope(format!(
                "{name} 应为非空的 base64url（无填充）"
            )));
        }
    }
    let mut out =
        Vec::with_capacity(44 + env.payload.len() + env.protected.len() + env.signature.len());
    out.extend_from_slice(b"{\"payload\":\"");
    out.extend_from_slice(env.payload.as_bytes());
    out.extend_from_slice(b"\",\"protected\":\"");
    out.extend_from_slice(env.protected.as_bytes());
    out.extend_from_slice(b"\",\"signature\":\"");
    out.extend_from_slice(env.signature.as_bytes());
    out.extend_from_slice(b"\"}");
    Ok(out)
}

/// The entry hash of a signed entry: lowercase hex SHA-256 of
/// [`canonical_envelope`].
pub fn entry_hash(env: &SignedEnvelope) -> Result<String, EntryError> {
    Ok(sha256_hex(&canonical_envelope(env)?))
}

pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// 64 lowercase hex digits.
pub fn is_sha256_hex(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(&c))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(p: &str, h: &str, s: &str) -> SignedEnvelope {
        SignedEnvelope {
            protected: h.into(),
            payload: p.into(),
            signature: s.into(),
        }
    }

    #[test]
    fn canonical_form_sorts_members_and_matches_serde_json_of_sorted_map() {
        let e = env("eyJhIjoxfQ", "eyJhbGciOiJFUzI1NiJ9", "c2ln-_x");
        let bytes = canonical_envelope(&e).unwrap();
        assert_eq!(
            std::str::from_utf8(&bytes).unwrap(),
            r#"{"payload":"eyJhIjoxfQ","protected":"eyJhbGciOiJFUzI1NiJ9","signature":"c2ln-_x"}"#
        );
        // serde_json's Value keeps object members sorted: the same bytes.
        let v = serde_json::to_value(&e).unwrap();
        assert_eq!(serde_json::to_vec(&v).unwrap(), bytes);
    }

    #[test]
    fn hash_is_sha256_of_the_canonical_bytes() {
        // SHA-256 of the canonical bytes of this envelope, computed independently
        // with `printf %s '{"payload":"cA","protected":"aA","signature":"cw"}' | sha256sum`.
        let h = entry_hash(&env("cA", "aA", "cw")).unwrap();
        assert_eq!(
            h,
            "52ff4fb5b084cd10caafe5b9e175e8af6193998a4dc1706580aefcb81f95fb19"
        );
        assert!(is_sha256_hex(&h));
        assert_ne!(h, entry_hash(&env("cA", "aA", "cx")).unwrap());
    }

    #[test]
    fn non_base64url_members_are_refused() {
        for bad in [env("", "a", "b"), env("a\"", "a", "b"), env("a", "a=", "b")] {
            assert_eq!(canonical_envelope(&bad).unwrap_err().code(), "bad_envelope");
        }
    }

    #[test]
    fn genesis_is_64_zeros() {
        assert!(is_sha256_hex(GENESIS_HASH));
        assert!(GENESIS_HASH.bytes().all(|c| c == b'0'));
    }
}
