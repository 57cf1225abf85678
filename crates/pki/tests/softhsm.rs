//! PKCS#11 end to end on SoftHSM2 (standing in for a USB key): RSA and P-256
//! keys imported with softhsm2-util, certificates written with pkcs11-tool,
//! then signing envelopes, unwrapping cache keys, proof of possession and PIN
//! errors; an SM2 key on the token is refused with `unsupported_algorithm`.
//! SoftHSM2 and its tools are required (scripts/setup installs them): when
//! missing, the test fails and says so.

#[path = "it/common/mod.rs"]
mod common;

use common::{key, now, TestCa};
use pingshen_pki::issue::{issue_cert, KeyKind};
use pingshen_pki::{
    prove_possession, sign_json, verify_envelope, wrap_key_for, Algorithm, DataKey, Signer,
    TokenConfig, TokenSigner, VerifyOptions, Zeroizing,
};
use std::path::{Path, PathBuf};

use pingshen_testkit::softhsm::{SoftHsm, Token, MODULE};
const LABEL: &str = "expert-token";
const PIN: &str = "123456";

fn cfg(id: &[u8]) -> TokenConfig {
    TokenConfig {
        module: PathBuf::from(MODULE),
        token_label: LABEL.into(),
        key_id: id.to_vec(),
    }
}

fn pin(p: &str) -> Zeroizing<String> {
    Zeroizing::new(p.to_string())
}

/// One test function: SoftHSM2 reads SOFTHSM2_CONF once per process.
#[test]
fn token_signing_unwrapping_and_errors() {
    let dir = tempfile::tempdir().unwrap();
    // Set before the module is first initialised in this process; no other test here touches it.
    let hsm = SoftHsm::new(dir.path());
    let token = hsm.init_token(LABEL, "87654321", PIN);

    let ca = TestCa::new(KeyKind::Rsa(2048), "湖北CA");
    let mut ids = Vec::new();
    for (id, kind, alg) in [
        ("01", KeyKind::Rsa(2048), Algorithm::Rs256),
        ("02", KeyKind::P256, Algorithm::Es256),
    ] {
        let k = key(kind, 2);
        let cert = issue_cert(&ca.leaf_spec("令牌用户"), &k, Some(&ca.issuer())).unwrap();
        let key_pem = dir.path().join(format!("{id}.key.pem"));
        let cert_der = dir.path().join(format!("{id}.der"));
        std::fs::write(&key_pem, k.private_key_to_pem_pkcs8().unwrap()).unwrap();
        std::fs::write(&cert_der, cert.to_der().unwrap()).unwrap();
        if alg == Algorithm::Rs256 {
            hsm.tool(
                "softhsm2-util",
                &[
                    "--import",
                    key_pem.to_str().unwrap(),
                    "--token",
                    LABEL,
                    "--label",
                    id,
                    "--id",
                    id,
                    "--pin",
                    PIN,
                ],
            );
        } else {
            // softhsm2-util imports EC keys without CKA_DERIVE; ECDH unwrapping needs it.
            token.write(
                Path::new(key_pem.to_str().unwrap()),
                "privkey",
                id,
                &["--usage-sign", "--usage-derive"],
            );
        }
        token.write(Path::new(cert_der.to_str().unwrap()), "cert", id, &[]);
        ids.push((hex::decode(id).unwrap(), alg, cert));
    }
    // The intermediate on the token too, so the chain comes out complete.
    let inter_der = dir.path().join("inter.der");
    std::fs::write(&inter_der, ca.inter.to_der().unwrap()).unwrap();
    token.write(Path::new(inter_der.to_str().unwrap()), "cert", "10", &[]);

    let store = ca.store();
    for (id, alg, cert) in &ids {
        let signer = TokenSigner::open(&cfg(id), pin(PIN))
            .unwrap_or_else(|e| panic!("{alg}: {} {}", e.code(), e.message_zh()));
        assert_eq!(signer.algorithm(), *alg);
        assert_eq!(
            signer.certificate().to_der().unwrap(),
            cert.to_der().unwrap()
        );
        assert_eq!(
            signer.chain().len(),
            2,
            "leaf and intermediate from the token"
        );

        let env = sign_json(
            &signer,
            "pingshen.declaration+json",
            br#"{"recusal":false}"#,
            now(),
        )
        .unwrap();
        let v = verify_envelope(&store, env.to_json().as_bytes(), &VerifyOptions::default())
            .unwrap_or_else(|e| panic!("{alg}: {} {}", e.code(), e.message_zh()));
        assert_eq!(v.algorithm, *alg);
        assert_eq!(v.signer.subject_cn.as_deref(), Some("令牌用户"));

        let data = DataKey::random().unwrap();
        let wrapped = wrap_key_for(cert, &data).unwrap();
        assert_eq!(
            signer.unwrap_key(&wrapped).unwrap().expose(),
            data.expose(),
            "{alg}"
        );
        prove_possession(&signer, cert).unwrap();
    }

    // The PKCS#11 key cannot unwrap for the other certificate.
    let rsa = TokenSigner::open(&cfg(&ids[0].0), pin(PIN)).unwrap();
    let for_ec = wrap_key_for(&ids[1].2, &DataKey::random().unwrap()).unwrap();
    assert_eq!(rsa.unwrap_key(&for_ec).unwrap_err().code(), "unwrap_failed");
    assert_eq!(
        prove_possession(&rsa, &ids[1].2).unwrap_err().code(),
        "key_mismatch"
    );
    drop(rsa);

    let missing = TokenSigner::open(&cfg(&[0x99]), pin(PIN)).err().unwrap();
    assert_eq!(missing.code(), "key_not_found");
    let mut other = cfg(&ids[0].0);
    other.token_label = "no-such-token".into();
    assert_eq!(
        TokenSigner::open(&other, pin(PIN)).err().unwrap().code(),
        "token_not_found"
    );
    let wrong = TokenSigner::open(&cfg(&ids[0].0), pin("000000"))
        .err()
        .unwrap();
    assert_eq!(wrong.code(), "pin_incorrect");

    sm2_key_on_the_token_is_refused(dir.path(), &token);
}

/// An SM2 key and its certificate on the token: standard PKCS#11 (and so
/// SoftHSM2) has no SM2 signature mechanism, so the signer refuses it when
/// it opens, with `unsupported_algorithm`, before any signing is attempted.
/// Neither softhsm2-util nor pkcs11-tool can import an SM2 key ("Cannot
/// handle this algorithm", "Unsupported key type"): the key object is
/// created here through PKCS#11 itself, as an EC key on the SM2 curve.
fn sm2_key_on_the_token_is_refused(dir: &Path, token: &Token) {
    use cryptoki::context::{CInitializeArgs, CInitializeFlags, Pkcs11};
    use cryptoki::error::{Error as CkError, RvError};
    use cryptoki::object::{Attribute, KeyType, ObjectClass};
    use cryptoki::session::UserType;
    use cryptoki::types::AuthPin;

    const ID: &str = "03";
    // DER of the SM2 curve's OID 1.2.156.10197.1.301 (CKA_EC_PARAMS).
    const SM2_CURVE: &[u8] = &[0x06, 0x08, 0x2a, 0x81, 0x1c, 0xcf, 0x55, 0x01, 0x82, 0x2d];

    let ca = TestCa::new(KeyKind::Sm2, "SM-CA");
    let (cert, k) = ca.leaf("令牌用户SM2");
    let scalar = k.ec_key().unwrap().private_key().to_vec_padded(32).unwrap();
    let ctx = Pkcs11::new(MODULE).unwrap();
    match ctx.initialize(CInitializeArgs::new(CInitializeFlags::OS_LOCKING_OK)) {
        Ok(()) | Err(CkError::Pkcs11(RvError::CryptokiAlreadyInitialized, _)) => {}
        Err(e) => panic!("C_Initialize: {e}"),
    }
    let slot = ctx
        .get_slots_with_token()
        .unwrap()
        .into_iter()
        .find(|s| ctx.get_token_info(*s).unwrap().label().trim() == LABEL)
        .unwrap();
    let session = ctx.open_rw_session(slot).unwrap();
    match session.login(UserType::User, Some(&AuthPin::new(PIN.into()))) {
        Ok(()) | Err(CkError::Pkcs11(RvError::UserAlreadyLoggedIn, _)) => {}
        Err(e) => panic!("C_Login: {e}"),
    }
    session
        .create_object(&[
            Attribute::Class(ObjectClass::PRIVATE_KEY),
            Attribute::KeyType(KeyType::EC),
            Attribute::EcParams(SM2_CURVE.to_vec()),
            Attribute::Value(scalar),
            Attribute::Token(true),
            Attribute::Private(true),
            Attribute::Sensitive(true),
            Attribute::Sign(true),
            Attribute::Id(hex::decode(ID).unwrap()),
            Attribute::Label(ID.as_bytes().to_vec()),
        ])
        .expect("SoftHSM2 stores an EC key on the SM2 curve");
    let cert_der = dir.join("03.der");
    std::fs::write(&cert_der, cert.to_der().unwrap()).unwrap();
    token.write(Path::new(cert_der.to_str().unwrap()), "cert", ID, &[]);
    let err = TokenSigner::open(&cfg(&hex::decode(ID).unwrap()), pin(PIN))
        .err()
        .expect("an SM2 key on a standard PKCS#11 token is refused");
    assert_eq!(err.code(), "unsupported_algorithm");
    assert_eq!(
        err.message_zh(),
        "不支持的算法或密钥：标准 PKCS#11 不支持 SM2，需使用证书介质厂商的专用机制"
    );
}
