//! SM2 with SM3 and the distinguishing identifier (GB/T 32918.2, GM/T 0009).
//!
//! The openssl crate's `Signer`/`Verifier` sign SM2 with an empty ID, which
//! other SM2 implementations reject; here every SM2 operation goes through an
//! EVP_PKEY_CTX that carries the default ID `1234567812345678`.

use crate::error::{PkiError, Result};
use crate::ffi;
use foreign_types::ForeignTypeRef;
use openssl::error::ErrorStack;
use openssl::pkey::{HasPublic, Id, PKey, PKeyRef, Private};
use openssl::pkey_ctx::PkeyCtx;
use openssl::x509::{X509CrlRef, X509Ref};
use std::ptr;

/// OpenSSL's NID for the `SM2-with-SM3` signature algorithm (OID 1.2.156.10197.1.501).
pub const NID_SM2_WITH_SM3: openssl::nid::Nid = openssl::nid::Nid::from_raw(1204);

/// The default distinguishing identifier of GM/T 0009 (ASCII, 16 bytes).
pub const SM2_DEFAULT_ID: &[u8; 16] = b"1234567812345678";

/// True if the key is an SM2 key (OpenSSL 3 reports `id() == -1` for them).
pub fn is_sm2<T>(pkey: &PKeyRef<T>) -> bool {
    unsafe { openssl_sys::EVP_PKEY_is_a(pkey.as_ptr(), c"SM2".as_ptr()) == 1 }
}

/// Builds an SM2 public key from affine coordinates (big-endian, 32 bytes each).
/// The key goes through its SubjectPublicKeyInfo so OpenSSL types it as SM2.
pub fn public_key_from_coordinates(x: &[u8], y: &[u8]) -> Result<PKey<openssl::pkey::Public>> {
    use openssl::bn::{BigNum, BigNumContext};
    use openssl::ec::{EcGroup, EcKey, EcPoint};
    let map = |e| PkiError::malformed("SM2 公钥", e);
    let group = EcGroup::from_curve_name(openssl::nid::Nid::SM2).map_err(map)?;
    let mut point = EcPoint::new(&group).map_err(map)?;
    let mut ctx = BigNumContext::new().map_err(map)?;
    let (x, y) = (
        BigNum::from_slice(x).map_err(map)?,
        BigNum::from_slice(y).map_err(map)?,
    );
    point
        .set_affine_coordinates_gfp(&group, &x, &y, &mut ctx)
        .map_err(map)?;
    let ec = EcKey::from_public_key(&group, &point).map_err(map)?;
    ec.check_key().map_err(map)?;
    let der = ec.public_key_to_der().map_err(map)?;
    let key = PKey::public_key_from_der(&der).map_err(map)?;
    if !is_sm2(&key) {
        return Err(PkiError::UnsupportedAlgorithm {
            detail: "OpenSSL 未将该密钥识别为 SM2".to_string(),
        });
    }
    Ok(key)
}

/// Generates a fresh SM2 key pair.
pub fn generate_key() -> Result<PKey<Private>> {
    let mut ctx = PkeyCtx::new_id(Id::SM2).map_err(|e| PkiError::crypto("SM2 keygen", e))?;
    ctx.keygen_init()
        .map_err(|e| PkiError::crypto("SM2 keygen", e))?;
    ctx.keygen().map_err(|e| PkiError::crypto("SM2 keygen", e))
}

/// An EVP_MD_CTX whose key context carries the SM2 ID; frees both on drop.
struct IdDigestCtx {
    md: *mut openssl_sys::EVP_MD_CTX,
    pkey_ctx: *mut openssl_sys::EVP_PKEY_CTX,
}

impl Drop for IdDigestCtx {
    fn drop(&mut self) {
        // The MD_CTX does not own the PKEY_CTX (EVP_MD_CTX_set_pkey_ctx), so free both.
        unsafe {
            openssl_sys::EVP_MD_CTX_free(self.md);
            openssl_sys::EVP_PKEY_CTX_free(self.pkey_ctx);
        }
    }
}

fn check(r: std::os::raw::c_int) -> std::result::Result<(), ErrorStack> {
    if r <= 0 {
        Err(ErrorStack::get())
    } else {
        Ok(())
    }
}

impl IdDigestCtx {
    fn new<T>(key: &PKeyRef<T>) -> std::result::Result<Self, ErrorStack> {
        unsafe {
            let pkey_ctx = openssl_sys::EVP_PKEY_CTX_new(key.as_ptr(), ptr::null_mut());
            if pkey_ctx.is_null() {
                return Err(ErrorStack::get());
            }
            let md = openssl_sys::EVP_MD_CTX_new();
            if md.is_null() {
                openssl_sys::EVP_PKEY_CTX_free(pkey_ctx);
                return Err(ErrorStack::get());
            }
            let ctx = IdDigestCtx { md, pkey_ctx };
            check(ffi::EVP_PKEY_CTX_set1_id(
                pkey_ctx,
                SM2_DEFAULT_ID.as_ptr().cast(),
                SM2_DEFAULT_ID.len() as _,
            ))?;
            ffi::EVP_MD_CTX_set_pkey_ctx(md, pkey_ctx);
            Ok(ctx)
        }
    }

    fn for_signing(key: &PKeyRef<Private>) -> std::result::Result<Self, ErrorStack> {
        let ctx = Self::new(key)?;
        unsafe {
            check(openssl_sys::EVP_DigestSignInit(
                ctx.md,
                ptr::null_mut(),
                openssl_sys::EVP_sm3(),
                ptr::null_mut(),
                key.as_ptr(),
            ))?;
        }
        Ok(ctx)
    }
}

/// Signs `msg` with SM2/SM3 and the default ID; the signature is DER `SEQUENCE {r, s}`.
pub fn sign_der(key: &PKeyRef<Private>, msg: &[u8]) -> Result<Vec<u8>> {
    let run = || -> std::result::Result<Vec<u8>, ErrorStack> {
        let ctx = IdDigestCtx::for_signing(key)?;
        unsafe {
            let mut len = 0usize;
            check(openssl_sys::EVP_DigestSign(
                ctx.md,
                ptr::null_mut(),
                &mut len,
                msg.as_ptr(),
                msg.len(),
            ))?;
            let mut sig = vec![0u8; len];
            check(openssl_sys::EVP_DigestSign(
                ctx.md,
                sig.as_mut_ptr(),
                &mut len,
                msg.as_ptr(),
                msg.len(),
            ))?;
            sig.truncate(len);
            Ok(sig)
        }
    };
    run().map_err(|e| PkiError::crypto("SM2 sign", e))
}

/// Verifies a DER SM2/SM3 signature made with the default ID.
/// `Ok(false)` for a signature that does not verify (or is not valid DER).
pub fn verify_der<T: HasPublic>(key: &PKeyRef<T>, msg: &[u8], sig: &[u8]) -> Result<bool> {
    let ctx = IdDigestCtx::new(key).map_err(|e| PkiError::crypto("SM2 verify", e))?;
    unsafe {
        check(openssl_sys::EVP_DigestVerifyInit(
            ctx.md,
            ptr::null_mut(),
            openssl_sys::EVP_sm3(),
            ptr::null_mut(),
            key.as_ptr(),
        ))
        .map_err(|e| PkiError::crypto("SM2 verify", e))?;
        let r =
            openssl_sys::EVP_DigestVerify(ctx.md, sig.as_ptr(), sig.len(), msg.as_ptr(), msg.len());
        if r == 1 {
            Ok(true)
        } else {
            // Drain the queue so stale errors do not leak into later messages.
            let _ = ErrorStack::get();
            Ok(false)
        }
    }
}

/// Attaches the default ID to an SM2 certificate so OpenSSL verifies its signature correctly.
/// Without it, verification of SM2-signed certificates fails. No-op semantics for other keys
/// are not needed: callers only call this for certificates signed by SM2 keys.
pub fn attach_distinguishing_id(cert: &X509Ref) -> Result<()> {
    unsafe {
        let os = openssl_sys::ASN1_OCTET_STRING_new();
        if os.is_null() {
            return Err(PkiError::crypto("SM2 ID", ErrorStack::get()));
        }
        if openssl_sys::ASN1_OCTET_STRING_set(
            os,
            SM2_DEFAULT_ID.as_ptr(),
            SM2_DEFAULT_ID.len() as _,
        ) <= 0
        {
            openssl_sys::ASN1_OCTET_STRING_free(os);
            return Err(PkiError::crypto("SM2 ID", ErrorStack::get()));
        }
        // Takes ownership of `os` (frees any previous ID).
        ffi::X509_set0_distinguishing_id(cert.as_ptr(), os);
    }
    Ok(())
}

/// Re-signs a certificate with an SM2 key using SM3 and the default ID.
pub fn resign_cert(cert: &X509Ref, key: &PKeyRef<Private>) -> Result<()> {
    let ctx = IdDigestCtx::for_signing(key).map_err(|e| PkiError::crypto("SM2 cert sign", e))?;
    unsafe { check(ffi::X509_sign_ctx(cert.as_ptr(), ctx.md)) }
        .map_err(|e| PkiError::crypto("SM2 cert sign", e))
}

/// Re-signs a CRL with an SM2 key using SM3 and the default ID.
pub fn resign_crl(crl: &X509CrlRef, key: &PKeyRef<Private>) -> Result<()> {
    let ctx = IdDigestCtx::for_signing(key).map_err(|e| PkiError::crypto("SM2 CRL sign", e))?;
    unsafe { check(ffi::X509_CRL_sign_ctx(crl.as_ptr(), ctx.md)) }
        .map_err(|e| PkiError::crypto("SM2 CRL sign", e))
}

/// Z_A of GB/T 32918.2 §5.5 for `key` and the default ID:
/// SM3(ENTL ‖ ID ‖ a ‖ b ‖ x_G ‖ y_G ‖ x_A ‖ y_A). It depends only on the
/// public key, so a verifier that keeps a certificate's key keeps its Z_A too
/// and each signature then costs one SM3 over the message and one point check.
pub fn z_a<T: HasPublic>(key: &PKeyRef<T>) -> Result<[u8; 32]> {
    let (x, y) = public_coordinates(key)?;
    let curve = curve_constants()?;
    let mut input = Vec::with_capacity(2 + SM2_DEFAULT_ID.len() + 6 * 32);
    input.extend_from_slice(&((SM2_DEFAULT_ID.len() * 8) as u16).to_be_bytes());
    input.extend_from_slice(SM2_DEFAULT_ID);
    input.extend_from_slice(&curve);
    input.extend_from_slice(&x);
    input.extend_from_slice(&y);
    let digest = openssl::hash::hash(openssl::hash::MessageDigest::sm3(), &input)
        .map_err(|e| PkiError::crypto("SM3", e))?;
    let mut out = [0u8; 32];
    out.copy_from_slice(&digest);
    Ok(out)
}

/// Verifies a DER SM2/SM3 signature given the signer's precomputed
/// [`z_a`]: e = SM3(Z_A ‖ msg), then the SM2 check on e. Same answers as
/// [`verify_der`], without rebuilding a digest context per call.
pub fn verify_der_with_z_a<T: HasPublic>(
    key: &PKeyRef<T>,
    z_a: &[u8; 32],
    msg: &[u8],
    sig: &[u8],
) -> Result<bool> {
    let map = |e| PkiError::crypto("SM2 verify", e);
    let mut hasher =
        openssl::hash::Hasher::new(openssl::hash::MessageDigest::sm3()).map_err(map)?;
    hasher.update(z_a).map_err(map)?;
    hasher.update(msg).map_err(map)?;
    let e = hasher.finish().map_err(map)?;
    let mut ctx = PkeyCtx::new(key).map_err(map)?;
    ctx.verify_init().map_err(map)?;
    match ctx.verify(&e, sig) {
        Ok(ok) => Ok(ok),
        Err(_) => Ok(false),
    }
}

/// a ‖ b ‖ x_G ‖ y_G of the SM2 curve, 32 bytes each, computed once.
fn curve_constants() -> Result<[u8; 128]> {
    static CONSTANTS: std::sync::OnceLock<Option<[u8; 128]>> = std::sync::OnceLock::new();
    let computed = CONSTANTS.get_or_init(|| {
        use openssl::bn::{BigNum, BigNumContext};
        use openssl::ec::EcGroup;
        let group = EcGroup::from_curve_name(openssl::nid::Nid::SM2).ok()?;
        let mut ctx = BigNumContext::new().ok()?;
        let (mut p, mut a, mut b) = (
            BigNum::new().ok()?,
            BigNum::new().ok()?,
            BigNum::new().ok()?,
        );
        group
            .components_gfp(&mut p, &mut a, &mut b, &mut ctx)
            .ok()?;
        let (mut gx, mut gy) = (BigNum::new().ok()?, BigNum::new().ok()?);
        group
            .generator_opt()?
            .affine_coordinates_gfp(&group, &mut gx, &mut gy, &mut ctx)
            .ok()?;
        let mut out = [0u8; 128];
        for (i, n) in [a, b, gx, gy].iter().enumerate() {
            out[i * 32..(i + 1) * 32].copy_from_slice(&n.to_vec_padded(32).ok()?);
        }
        Some(out)
    });
    computed.ok_or_else(|| PkiError::UnsupportedAlgorithm {
        detail: "OpenSSL 未提供 SM2 曲线参数".to_string(),
    })
}

/// The public point (x, y) of an SM2 key, read from its SubjectPublicKeyInfo
/// (an uncompressed point `04 ‖ x ‖ y` ends the DER).
fn public_coordinates<T: HasPublic>(key: &PKeyRef<T>) -> Result<([u8; 32], [u8; 32])> {
    let der = key
        .public_key_to_der()
        .map_err(|e| PkiError::malformed("SM2 公钥", e))?;
    let point = der
        .len()
        .checked_sub(65)
        .map(|start| &der[start..])
        .filter(|p| {
            p[0] == 0x04
                && der.len() >= 68
                && der[der.len() - 68..der.len() - 65] == [0x03, 0x42, 0x00]
        })
        .ok_or_else(|| PkiError::malformed("SM2 公钥", "不是未压缩的曲线点"))?;
    let mut x = [0u8; 32];
    let mut y = [0u8; 32];
    x.copy_from_slice(&point[1..33]);
    y.copy_from_slice(&point[33..65]);
    Ok((x, y))
}
