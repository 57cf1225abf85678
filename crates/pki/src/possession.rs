//! Proof of possession: the key at hand belongs to a certificate stored
//! earlier (offline unlock: the desktop checks the inserted token or PKCS#12
//! against the certificate it remembered from the last online login).

use crate::alg::Algorithm;
use crate::error::{PkiError, Result};
use crate::sig;
use crate::signer::Signer;
use openssl::x509::X509Ref;

/// Domain separation, so a possession proof can never double as a document signature.
const CONTEXT: &[u8] = b"pingshen proof-of-possession v1\n";

/// Signs a fresh random challenge with `signer` and verifies it against
/// `stored_cert`'s public key. `key_mismatch` when the key is not that certificate's.
pub fn prove_possession(signer: &dyn Signer, stored_cert: &X509Ref) -> Result<()> {
    let mut challenge = CONTEXT.to_vec();
    let mut nonce = [0u8; 32];
    openssl::rand::rand_bytes(&mut nonce).map_err(|e| PkiError::crypto("random", e))?;
    challenge.extend_from_slice(&nonce);
    let public = stored_cert
        .public_key()
        .map_err(|e| PkiError::malformed("证书公钥", e))?;
    let alg = Algorithm::of_key(&public)?;
    if alg != signer.algorithm() {
        return Err(PkiError::KeyMismatch);
    }
    let signature = signer.sign(&challenge)?;
    if sig::verify(alg, &public, &challenge, &signature)? {
        Ok(())
    } else {
        Err(PkiError::KeyMismatch)
    }
}
