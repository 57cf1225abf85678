//! Signing identity on a PKCS#11 token (a USB key; SoftHSM2 in tests).
//! RSA and P-256 only: standard PKCS#11 has no SM2 mechanisms (real Chinese
//! tokens expose SM2 through vendor-defined ones).

use super::{order_chain, Signer};
use crate::alg::Algorithm;
use crate::cert::{parse_der, prepare};
use crate::error::{PkiError, Result};
use crate::keywrap::{self, DataKey, WrapAlg, WrappedKey};
use cryptoki::context::{CInitializeArgs, CInitializeFlags, Pkcs11};
use cryptoki::error::{Error as CkError, RvError};
use cryptoki::mechanism::elliptic_curve::{EcKdf, Ecdh1DeriveParams};
use cryptoki::mechanism::rsa::{PkcsMgfType, PkcsOaepParams, PkcsOaepSource};
use cryptoki::mechanism::{Mechanism, MechanismType};
use cryptoki::object::{Attribute, AttributeType, KeyType, ObjectClass, ObjectHandle};
use cryptoki::session::{Session, UserType};
use cryptoki::types::AuthPin;
use openssl::hash::{hash, MessageDigest};
use openssl::x509::X509;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};
use zeroize::Zeroizing;

/// Where the key is: module, token label, key id (CKA_ID).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenConfig {
    /// Path of the PKCS#11 module, e.g. `/usr/lib/softhsm/libsofthsm2.so`.
    pub module: PathBuf,
    /// Token label as shown by `pkcs11-tool -L`.
    pub token_label: String,
    /// CKA_ID shared by the private key and its certificate.
    pub key_id: Vec<u8>,
}

/// A logged-in session on a token, bound to one key and its certificate.
pub struct TokenSigner {
    session: Session,
    key: ObjectHandle,
    chain: Vec<X509>,
    alg: Algorithm,
}

/// One initialised context per module per process: C_Initialize may run only once.
fn context(module: &Path) -> Result<Pkcs11> {
    static CONTEXTS: OnceLock<Mutex<HashMap<PathBuf, Pkcs11>>> = OnceLock::new();
    let map = CONTEXTS.get_or_init(|| Mutex::new(HashMap::new()));
    let mut map = map.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(ctx) = map.get(module) {
        return Ok(ctx.clone());
    }
    let ctx = Pkcs11::new(module).map_err(|e| PkiError::Token {
        detail: format!("无法加载 PKCS#11 模块 {}：{e}", module.display()),
    })?;
    match ctx.initialize(CInitializeArgs::new(CInitializeFlags::OS_LOCKING_OK)) {
        Ok(()) | Err(CkError::Pkcs11(RvError::CryptokiAlreadyInitialized, _)) => {}
        Err(e) => return Err(token_err(e)),
    }
    map.insert(module.to_path_buf(), ctx.clone());
    Ok(ctx)
}

fn token_err(e: CkError) -> PkiError {
    match e {
        CkError::Pkcs11(RvError::PinIncorrect, _) => PkiError::PinIncorrect,
        CkError::Pkcs11(RvError::PinLocked, _) => PkiError::PinLocked,
        other => PkiError::Token {
            detail: other.to_string(),
        },
    }
}

impl TokenSigner {
    /// Opens a session on the token, logs in with `pin` (dropped and zeroised
    /// right after login) and finds the key and certificate with `key_id`.
    pub fn open(cfg: &TokenConfig, pin: Zeroizing<String>) -> Result<Self> {
        let ctx = context(&cfg.module)?;
        let slots = ctx.get_slots_with_token().map_err(token_err)?;
        let slot = slots
            .into_iter()
            .find(|s| {
                ctx.get_token_info(*s)
                    .map(|i| i.label().trim() == cfg.token_label)
                    .unwrap_or(false)
            })
            .ok_or_else(|| PkiError::TokenNotFound {
                label: cfg.token_label.clone(),
            })?;
        let session = ctx.open_ro_session(slot).map_err(token_err)?;
        {
            let auth = AuthPin::new(pin.as_str().into());
            drop(pin);
            match session.login(UserType::User, Some(&auth)) {
                Ok(()) | Err(CkError::Pkcs11(RvError::UserAlreadyLoggedIn, _)) => {}
                Err(e) => return Err(token_err(e)),
            }
        }
        let id_hex = hex::encode(&cfg.key_id);
        let not_found = || PkiError::KeyNotFound { id: id_hex.clone() };
        let key = *session
            .find_objects(&[
                Attribute::Class(ObjectClass::PRIVATE_KEY),
                Attribute::Id(cfg.key_id.clone()),
            ])
            .map_err(token_err)?
            .first()
            .ok_or_else(not_found)?;
        let cert_handle = *session
            .find_objects(&[
                Attribute::Class(ObjectClass::CERTIFICATE),
                Attribute::Id(cfg.key_id.clone()),
            ])
            .map_err(token_err)?
            .first()
            .ok_or_else(not_found)?;
        let leaf = parse_der(&cert_value(&session, cert_handle)?)?;
        let mut pool = Vec::new();
        for h in session
            .find_objects(&[Attribute::Class(ObjectClass::CERTIFICATE)])
            .map_err(token_err)?
        {
            if h != cert_handle {
                if let Ok(c) = parse_der(&cert_value(&session, h)?) {
                    pool.push(c);
                }
            }
        }
        let public = leaf
            .public_key()
            .map_err(|e| PkiError::malformed("证书公钥", e))?;
        let alg = Algorithm::of_key(&public)?;
        let key_type = session
            .get_attributes(key, &[AttributeType::KeyType])
            .map_err(token_err)?;
        let expected = match alg {
            Algorithm::Rs256 => KeyType::RSA,
            Algorithm::Es256 => KeyType::EC,
            Algorithm::Sm2Sm3 => {
                return Err(PkiError::UnsupportedAlgorithm {
                    detail: "标准 PKCS#11 不支持 SM2，需使用证书介质厂商的专用机制".to_string(),
                })
            }
        };
        if !key_type
            .iter()
            .any(|a| matches!(a, Attribute::KeyType(t) if *t == expected))
        {
            return Err(PkiError::KeyMismatch);
        }
        let chain = order_chain(leaf, &pool);
        for c in &chain {
            prepare(c)?;
        }
        Ok(TokenSigner {
            session,
            key,
            chain,
            alg,
        })
    }
}

fn cert_value(session: &Session, handle: ObjectHandle) -> Result<Vec<u8>> {
    let attrs = session
        .get_attributes(handle, &[AttributeType::Value])
        .map_err(token_err)?;
    attrs
        .into_iter()
        .find_map(|a| match a {
            Attribute::Value(v) => Some(v),
            _ => None,
        })
        .ok_or_else(|| PkiError::malformed("令牌中的证书", "缺少 CKA_VALUE"))
}

impl Signer for TokenSigner {
    fn algorithm(&self) -> Algorithm {
        self.alg
    }

    fn chain(&self) -> &[X509] {
        &self.chain
    }

    fn sign(&self, data: &[u8]) -> Result<Vec<u8>> {
        match self.alg {
            Algorithm::Rs256 => self
                .session
                .sign(&Mechanism::Sha256RsaPkcs, self.key, data)
                .map_err(token_err),
            Algorithm::Es256 => {
                // SoftHSM2 has no CKM_ECDSA_SHA256: hash here, sign the digest with CKM_ECDSA.
                let digest = hash(MessageDigest::sha256(), data)
                    .map_err(|e| PkiError::crypto("SHA-256", e))?;
                let raw = self
                    .session
                    .sign(&Mechanism::Ecdsa, self.key, &digest)
                    .map_err(token_err)?;
                if raw.len() != 64 {
                    return Err(PkiError::Token {
                        detail: format!("ECDSA 签名长度为 {} 字节，应为 64", raw.len()),
                    });
                }
                Ok(raw)
            }
            Algorithm::Sm2Sm3 => Err(PkiError::UnsupportedAlgorithm {
                detail: "令牌不支持 SM2".to_string(),
            }),
        }
    }

    fn unwrap_key(&self, wrapped: &WrappedKey) -> Result<DataKey> {
        keywrap::check_recipient(wrapped, &self.chain[0])?;
        match (self.alg, wrapped.alg) {
            (Algorithm::Rs256, WrapAlg::RsaOaep256) => {
                let ct = keywrap::ciphertext(wrapped)?;
                let params = PkcsOaepParams::new(
                    MechanismType::SHA256,
                    PkcsMgfType::MGF1_SHA256,
                    PkcsOaepSource::empty(),
                );
                let unwrap_err = |e: CkError| PkiError::UnwrapFailed {
                    detail: e.to_string(),
                };
                match self
                    .session
                    .decrypt(&Mechanism::RsaPkcsOaep(params), self.key, &ct)
                {
                    Ok(pt) => keywrap::data_key_from_plaintext(pt),
                    // No OAEP with SHA-256 on this token (SoftHSM2 2.6 has SHA-1 only):
                    // decrypt raw on the token, check the OAEP padding here.
                    Err(CkError::Pkcs11(
                        RvError::ArgumentsBad
                        | RvError::MechanismParamInvalid
                        | RvError::MechanismInvalid,
                        _,
                    )) => {
                        let em = Zeroizing::new(
                            self.session
                                .decrypt(&Mechanism::RsaX509, self.key, &ct)
                                .map_err(unwrap_err)?,
                        );
                        let modulus_len = self.chain[0]
                            .public_key()
                            .map_err(|e| PkiError::malformed("证书公钥", e))?
                            .size();
                        keywrap::oaep_sha256_unpad(&em, modulus_len)
                    }
                    Err(e) => Err(unwrap_err(e)),
                }
            }
            (Algorithm::Es256, WrapAlg::EcdhEsA256Gcm) => {
                let peer = keywrap::ecdh_peer_point(wrapped)?;
                let params = Ecdh1DeriveParams::new(EcKdf::null(), &peer);
                let template = [
                    Attribute::Class(ObjectClass::SECRET_KEY),
                    Attribute::KeyType(KeyType::GENERIC_SECRET),
                    Attribute::ValueLen(32.into()),
                    Attribute::Token(false),
                    Attribute::Sensitive(false),
                    Attribute::Extractable(true),
                ];
                let derived = self
                    .session
                    .derive_key(&Mechanism::Ecdh1Derive(params), self.key, &template)
                    .map_err(|e| PkiError::UnwrapFailed {
                        detail: e.to_string(),
                    })?;
                let value = self
                    .session
                    .get_attributes(derived, &[AttributeType::Value])
                    .map_err(token_err);
                // The shared secret must not linger on the token.
                let _ = self.session.destroy_object(derived);
                let shared = Zeroizing::new(
                    value?
                        .into_iter()
                        .find_map(|a| match a {
                            Attribute::Value(v) => Some(v),
                            _ => None,
                        })
                        .ok_or_else(|| PkiError::UnwrapFailed {
                            detail: "令牌未返回共享密钥".to_string(),
                        })?,
                );
                keywrap::finish_ecdh(&shared, wrapped)
            }
            _ => Err(PkiError::UnwrapFailed {
                detail: "封装算法与密钥类型不符".to_string(),
            }),
        }
    }
}
