//! Wrapping a 32-byte data key (the desktop's per-project cache key) to a
//! person's certificate, so that only that person's key can unwrap it, offline.
//!
//! - RSA: RSA-OAEP with SHA-256 (MGF1-SHA-256, empty label).
//! - P-256: ephemeral-static ECDH, HKDF-SHA-256, AES-256-GCM.
//! - SM2: SM2 public-key encryption (GM/T 0003.4; C1C3C2 in ASN.1, SM3).
//!   OpenSSL 3.0 has no SM4-GCM, so this is the SM2 option.

use crate::alg::Algorithm;
use crate::cert::fingerprint_sha256;
use crate::error::{PkiError, Result};
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use openssl::bn::BigNumContext;
use openssl::derive::Deriver;
use openssl::ec::{EcGroup, EcKey, EcPoint, PointConversionForm};
use openssl::md::Md;
use openssl::nid::Nid;
use openssl::pkey::{PKey, PKeyRef, Private};
use openssl::pkey_ctx::PkeyCtx;
use openssl::rsa::Padding;
use openssl::symm::{decrypt_aead, encrypt_aead, Cipher};
use openssl::x509::X509Ref;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

/// Length of a data key in bytes.
pub const DATA_KEY_LEN: usize = 32;
const GCM_IV_LEN: usize = 12;
const GCM_TAG_LEN: usize = 16;
const HKDF_INFO: &[u8] = b"pingshen keywrap v1 ECDH-ES+A256GCM";

/// A 32-byte secret key, zeroised on drop; `Debug` does not print it.
pub struct DataKey(Zeroizing<[u8; DATA_KEY_LEN]>);

impl DataKey {
    /// Wraps existing key bytes.
    pub fn new(bytes: [u8; DATA_KEY_LEN]) -> Self {
        DataKey(Zeroizing::new(bytes))
    }
    /// A fresh random key.
    pub fn random() -> Result<Self> {
        let mut k = Zeroizing::new([0u8; DATA_KEY_LEN]);
        openssl::rand::rand_bytes(k.as_mut()).map_err(|e| PkiError::crypto("random", e))?;
        Ok(DataKey(k))
    }
    /// The key bytes; keep the borrow short.
    pub fn expose(&self) -> &[u8; DATA_KEY_LEN] {
        &self.0
    }
    fn from_slice(bytes: &[u8]) -> Result<Self> {
        let arr: [u8; DATA_KEY_LEN] = bytes.try_into().map_err(|_| PkiError::UnwrapFailed {
            detail: format!("密钥长度为 {} 字节，应为 {DATA_KEY_LEN}", bytes.len()),
        })?;
        Ok(DataKey::new(arr))
    }
}

impl std::fmt::Debug for DataKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DataKey(..)")
    }
}

/// The wrapping scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum WrapAlg {
    #[serde(rename = "RSA-OAEP-256")]
    RsaOaep256,
    #[serde(rename = "ECDH-ES+HKDF-SHA256+A256GCM")]
    EcdhEsA256Gcm,
    #[serde(rename = "SM2-ENC")]
    Sm2Encrypt,
}

/// A wrapped data key, stored next to the encrypted cache (JSON). Binary
/// fields are base64url without padding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WrappedKey {
    pub alg: WrapAlg,
    /// SHA-256 fingerprint of the recipient certificate (hex).
    pub kid: String,
    /// Ephemeral public point, uncompressed (ECDH only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub epk: Option<String>,
    /// AES-GCM nonce (ECDH only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iv: Option<String>,
    /// Ciphertext.
    pub ct: String,
    /// AES-GCM tag (ECDH only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
}

fn b64(bytes: &[u8]) -> String {
    B64.encode(bytes)
}

fn unb64(field: &str, value: Option<&str>) -> Result<Vec<u8>> {
    let v = value.ok_or_else(|| PkiError::UnwrapFailed {
        detail: format!("缺少字段 {field}"),
    })?;
    B64.decode(v).map_err(|_| PkiError::UnwrapFailed {
        detail: format!("字段 {field} 不是 base64url"),
    })
}

fn wrap_err(e: openssl::error::ErrorStack) -> PkiError {
    PkiError::crypto("key wrap", e)
}

/// Wraps `key` to the public key of `cert`; needs nothing secret.
pub fn wrap_key_for(cert: &X509Ref, key: &DataKey) -> Result<WrappedKey> {
    let public = cert
        .public_key()
        .map_err(|e| PkiError::malformed("证书公钥", e))?;
    let kid = fingerprint_sha256(cert)?;
    match Algorithm::of_key(&public)? {
        Algorithm::Rs256 => {
            let mut ctx = PkeyCtx::new(&public).map_err(wrap_err)?;
            ctx.encrypt_init().map_err(wrap_err)?;
            set_oaep(&mut ctx)?;
            let mut ct = Vec::new();
            ctx.encrypt_to_vec(key.expose(), &mut ct)
                .map_err(wrap_err)?;
            Ok(WrappedKey {
                alg: WrapAlg::RsaOaep256,
                kid,
                epk: None,
                iv: None,
                ct: b64(&ct),
                tag: None,
            })
        }
        Algorithm::Es256 => {
            let group = EcGroup::from_curve_name(Nid::X9_62_PRIME256V1).map_err(wrap_err)?;
            let eph = EcKey::generate(&group).map_err(wrap_err)?;
            let mut bn = BigNumContext::new().map_err(wrap_err)?;
            let epk = eph
                .public_key()
                .to_bytes(&group, PointConversionForm::UNCOMPRESSED, &mut bn)
                .map_err(wrap_err)?;
            let eph = PKey::from_ec_key(eph).map_err(wrap_err)?;
            let mut deriver = Deriver::new(&eph).map_err(wrap_err)?;
            deriver.set_peer(&public).map_err(wrap_err)?;
            let shared = Zeroizing::new(deriver.derive_to_vec().map_err(wrap_err)?);
            let kek = hkdf_sha256(&shared, &epk)?;
            let mut iv = [0u8; GCM_IV_LEN];
            openssl::rand::rand_bytes(&mut iv).map_err(wrap_err)?;
            let mut tag = [0u8; GCM_TAG_LEN];
            let ct = encrypt_aead(
                Cipher::aes_256_gcm(),
                kek.as_ref(),
                Some(&iv),
                kid.as_bytes(),
                key.expose(),
                &mut tag,
            )
            .map_err(wrap_err)?;
            Ok(WrappedKey {
                alg: WrapAlg::EcdhEsA256Gcm,
                kid,
                epk: Some(b64(&epk)),
                iv: Some(b64(&iv)),
                ct: b64(&ct),
                tag: Some(b64(&tag)),
            })
        }
        Algorithm::Sm2Sm3 => {
            let mut ctx = PkeyCtx::new(&public).map_err(wrap_err)?;
            ctx.encrypt_init().map_err(wrap_err)?;
            let mut ct = Vec::new();
            ctx.encrypt_to_vec(key.expose(), &mut ct)
                .map_err(wrap_err)?;
            Ok(WrappedKey {
                alg: WrapAlg::Sm2Encrypt,
                kid,
                epk: None,
                iv: None,
                ct: b64(&ct),
                tag: None,
            })
        }
    }
}

fn set_oaep<T>(ctx: &mut PkeyCtx<T>) -> Result<()> {
    ctx.set_rsa_padding(Padding::PKCS1_OAEP).map_err(wrap_err)?;
    ctx.set_rsa_oaep_md(Md::sha256()).map_err(wrap_err)?;
    ctx.set_rsa_mgf1_md(Md::sha256()).map_err(wrap_err)?;
    Ok(())
}

/// HKDF-SHA-256(ikm = shared secret, salt = empty, info = label || epk) → 32 bytes.
fn hkdf_sha256(shared: &[u8], epk: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
    let mut ctx = PkeyCtx::new_id(openssl::pkey::Id::HKDF).map_err(wrap_err)?;
    ctx.derive_init().map_err(wrap_err)?;
    ctx.set_hkdf_md(Md::sha256()).map_err(wrap_err)?;
    ctx.set_hkdf_key(shared).map_err(wrap_err)?;
    ctx.add_hkdf_info(HKDF_INFO).map_err(wrap_err)?;
    ctx.add_hkdf_info(epk).map_err(wrap_err)?;
    let mut out = Zeroizing::new(vec![0u8; DATA_KEY_LEN]);
    ctx.derive(Some(out.as_mut_slice())).map_err(wrap_err)?;
    Ok(out)
}

/// Checks that `wrapped` was made for `cert`.
pub(crate) fn check_recipient(wrapped: &WrappedKey, cert: &X509Ref) -> Result<()> {
    if wrapped.kid != fingerprint_sha256(cert)? {
        return Err(PkiError::UnwrapFailed {
            detail: "该密钥不是为此证书封装的".to_string(),
        });
    }
    Ok(())
}

/// The ephemeral public point of an ECDH-wrapped key (raw uncompressed bytes).
pub(crate) fn ecdh_peer_point(wrapped: &WrappedKey) -> Result<Vec<u8>> {
    let epk = unb64("epk", wrapped.epk.as_deref())?;
    if epk.len() != 65 || epk[0] != 0x04 {
        return Err(PkiError::UnwrapFailed {
            detail: "临时公钥格式错误".to_string(),
        });
    }
    Ok(epk)
}

/// Finishes an ECDH unwrap from the shared secret (x coordinate).
pub(crate) fn finish_ecdh(shared: &[u8], wrapped: &WrappedKey) -> Result<DataKey> {
    let epk = ecdh_peer_point(wrapped)?;
    let kek = hkdf_sha256(shared, &epk)?;
    let iv = unb64("iv", wrapped.iv.as_deref())?;
    let tag = unb64("tag", wrapped.tag.as_deref())?;
    let ct = unb64("ct", Some(&wrapped.ct))?;
    let pt = decrypt_aead(
        Cipher::aes_256_gcm(),
        kek.as_ref(),
        Some(&iv),
        wrapped.kid.as_bytes(),
        &ct,
        &tag,
    )
    .map_err(|_| PkiError::UnwrapFailed {
        detail: "认证解密失败（密钥不符或数据被篡改）".to_string(),
    })?;
    let pt = Zeroizing::new(pt);
    DataKey::from_slice(&pt)
}

/// The RSA-OAEP or SM2 ciphertext.
pub(crate) fn ciphertext(wrapped: &WrappedKey) -> Result<Vec<u8>> {
    unb64("ct", Some(&wrapped.ct))
}

/// Removes OAEP (SHA-256, MGF1-SHA-256, empty label) padding from the output
/// of a raw RSA decryption, for tokens whose OAEP mechanism lacks SHA-256
/// (SoftHSM2 2.6 accepts only SHA-1). `modulus_len` is the key size in bytes.
pub(crate) fn oaep_sha256_unpad(em: &[u8], modulus_len: usize) -> Result<DataKey> {
    let fail = || PkiError::UnwrapFailed {
        detail: "OAEP 解码失败（密钥不符或数据被篡改）".to_string(),
    };
    if em.len() > modulus_len {
        return Err(fail());
    }
    // Left-pad to the modulus length: the leading zero byte may have been dropped.
    let mut full = Zeroizing::new(vec![0u8; modulus_len]);
    full[modulus_len - em.len()..].copy_from_slice(em);
    let mut out = Zeroizing::new(vec![0u8; modulus_len]);
    let n = unsafe {
        crate::ffi::RSA_padding_check_PKCS1_OAEP_mgf1(
            out.as_mut_ptr(),
            modulus_len as _,
            full.as_ptr(),
            modulus_len as _,
            modulus_len as _,
            std::ptr::null(),
            0,
            openssl_sys::EVP_sha256(),
            openssl_sys::EVP_sha256(),
        )
    };
    let _ = openssl::error::ErrorStack::get();
    if n < 0 {
        return Err(fail());
    }
    DataKey::from_slice(&out[..n as usize])
}

/// Turns decrypted bytes into a data key (zeroising the buffer).
pub(crate) fn data_key_from_plaintext(pt: Vec<u8>) -> Result<DataKey> {
    let pt = Zeroizing::new(pt);
    DataKey::from_slice(&pt)
}

/// Unwraps with a private key held in memory (PKCS#12 identities).
pub(crate) fn unwrap_with_key(
    key: &PKeyRef<Private>,
    cert: &X509Ref,
    wrapped: &WrappedKey,
) -> Result<DataKey> {
    check_recipient(wrapped, cert)?;
    let fail = |_| PkiError::UnwrapFailed {
        detail: "解密失败（密钥不符或数据被篡改）".to_string(),
    };
    let expected = match Algorithm::of_key(key)? {
        Algorithm::Rs256 => WrapAlg::RsaOaep256,
        Algorithm::Es256 => WrapAlg::EcdhEsA256Gcm,
        Algorithm::Sm2Sm3 => WrapAlg::Sm2Encrypt,
    };
    if wrapped.alg != expected {
        return Err(PkiError::UnwrapFailed {
            detail: "封装算法与密钥类型不符".to_string(),
        });
    }
    match wrapped.alg {
        WrapAlg::RsaOaep256 | WrapAlg::Sm2Encrypt => {
            let ct = ciphertext(wrapped)?;
            let mut ctx = PkeyCtx::new(key).map_err(wrap_err)?;
            ctx.decrypt_init().map_err(wrap_err)?;
            if wrapped.alg == WrapAlg::RsaOaep256 {
                set_oaep(&mut ctx)?;
            }
            let mut pt = Vec::new();
            ctx.decrypt_to_vec(&ct, &mut pt).map_err(fail)?;
            data_key_from_plaintext(pt)
        }
        WrapAlg::EcdhEsA256Gcm => {
            let epk = ecdh_peer_point(wrapped)?;
            let peer = p256_public_from_point(&epk)?;
            let mut deriver = Deriver::new(key).map_err(wrap_err)?;
            deriver.set_peer(&peer).map_err(fail)?;
            let shared = Zeroizing::new(deriver.derive_to_vec().map_err(wrap_err)?);
            finish_ecdh(&shared, wrapped)
        }
    }
}

fn p256_public_from_point(point: &[u8]) -> Result<PKey<openssl::pkey::Public>> {
    let bad = |_| PkiError::UnwrapFailed {
        detail: "临时公钥不在 P-256 曲线上".to_string(),
    };
    let group = EcGroup::from_curve_name(Nid::X9_62_PRIME256V1).map_err(wrap_err)?;
    let mut bn = BigNumContext::new().map_err(wrap_err)?;
    let p = EcPoint::from_bytes(&group, point, &mut bn).map_err(bad)?;
    let ec = EcKey::from_public_key(&group, &p).map_err(bad)?;
    ec.check_key().map_err(bad)?;
    PKey::from_ec_key(ec).map_err(wrap_err)
}
