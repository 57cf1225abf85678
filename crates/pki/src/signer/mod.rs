//! A signing identity: a certificate chain plus a private key that stays in a
//! PKCS#12 file's memory image or on a PKCS#11 token.

mod chain_order;
pub mod p12;
pub mod pkcs11;

pub use chain_order::order_chain;
pub use p12::Pkcs12Signer;
pub use pkcs11::{TokenConfig, TokenSigner};

use crate::alg::Algorithm;
use crate::error::Result;
use crate::keywrap::{DataKey, WrappedKey};
use openssl::x509::X509;

/// What the rest of the system signs with.
pub trait Signer: Send {
    /// The algorithm this key signs with.
    fn algorithm(&self) -> Algorithm;
    /// The certificate chain, leaf first (intermediates follow when known).
    fn chain(&self) -> &[X509];
    /// The signer's own certificate.
    fn certificate(&self) -> &X509 {
        &self.chain()[0]
    }
    /// Signs `data` in the envelope encoding of `algorithm()` (RS256: PKCS#1 v1.5;
    /// ES256 and SM2SM3: r||s).
    fn sign(&self, data: &[u8]) -> Result<Vec<u8>>;
    /// Unwraps a 32-byte data key wrapped to this signer's certificate
    /// (see [`crate::keywrap::wrap_key_for`]).
    fn unwrap_key(&self, wrapped: &WrappedKey) -> Result<DataKey>;
}
