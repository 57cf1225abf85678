//! OpenSSL 3 functions that openssl-sys does not declare. They exist in every
//! OpenSSL 3.0 build with SM2 enabled (Debian 12's system library included).

use openssl_sys::{
    ASN1_OCTET_STRING, EVP_MD, EVP_MD_CTX, EVP_PKEY_CTX, X509, X509_CRL, X509_STORE_CTX,
};
use std::os::raw::{c_int, c_long, c_ulong, c_void};

extern "C" {
    /// Sets the SM2 distinguishing identifier on a key context (a macro in 1.1.1, a function in 3.x).
    pub fn EVP_PKEY_CTX_set1_id(ctx: *mut EVP_PKEY_CTX, id: *const c_void, len: c_int) -> c_int;
    /// Makes an EVP_MD_CTX use a prepared EVP_PKEY_CTX (not owned by the MD_CTX).
    pub fn EVP_MD_CTX_set_pkey_ctx(ctx: *mut EVP_MD_CTX, pctx: *mut EVP_PKEY_CTX);
    /// Attaches the SM2 distinguishing ID used when this certificate's signature is verified.
    pub fn X509_set0_distinguishing_id(x: *mut X509, d_id: *mut ASN1_OCTET_STRING);
    /// Signs a certificate with a prepared digest context (carries the SM2 ID).
    pub fn X509_sign_ctx(x: *mut X509, ctx: *mut EVP_MD_CTX) -> c_int;
    /// Signs a CRL with a prepared digest context (carries the SM2 ID).
    pub fn X509_CRL_sign_ctx(x: *mut X509_CRL, ctx: *mut EVP_MD_CTX) -> c_int;
    /// Checks and removes OAEP padding (used after a raw RSA decryption on a token).
    pub fn RSA_padding_check_PKCS1_OAEP_mgf1(
        to: *mut u8,
        tlen: c_int,
        from: *const u8,
        flen: c_int,
        num: c_int,
        param: *const u8,
        plen: c_int,
        md: *const EVP_MD,
        mgf1md: *const EVP_MD,
    ) -> c_int;
    /// Sets the verification time of one store context.
    pub fn X509_STORE_CTX_set_time(ctx: *mut X509_STORE_CTX, flags: c_ulong, t: c_long);
}
