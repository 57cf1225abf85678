//! PKCS#12 loading: modern files, legacy RC2/3DES PFX (as older Chinese CA
//! tools write them), wrong passwords and garbage.

use crate::common::{key, TestCa};
use openssl::hash::MessageDigest;
use openssl::nid::Nid;
use openssl::pkcs12::Pkcs12;
use openssl::stack::Stack;
use pingshen_pki::issue::{issue_cert, KeyKind};
use pingshen_pki::{Algorithm, Pkcs12Signer, Signer};
use std::process::Command;

fn identity(
    kind: KeyKind,
) -> (
    TestCa,
    openssl::pkey::PKey<openssl::pkey::Private>,
    openssl::x509::X509,
) {
    let ca = TestCa::new(
        if kind == KeyKind::Sm2 {
            KeyKind::Sm2
        } else {
            KeyKind::P256
        },
        "CA",
    );
    let k = key(kind, 2);
    let cert = issue_cert(&ca.leaf_spec("证书持有人"), &k, Some(&ca.issuer())).unwrap();
    (ca, k, cert)
}

#[test]
fn legacy_rc2_3des_pfx_made_by_openssl_cli_loads() {
    let (ca, k, cert) = identity(KeyKind::Rsa(2048));
    let dir = tempfile::tempdir().unwrap();
    let key_pem = dir.path().join("key.pem");
    let cert_pem = dir.path().join("cert.pem");
    let chain_pem = dir.path().join("chain.pem");
    let pfx = dir.path().join("legacy.pfx");
    std::fs::write(&key_pem, k.private_key_to_pem_pkcs8().unwrap()).unwrap();
    std::fs::write(&cert_pem, cert.to_pem().unwrap()).unwrap();
    std::fs::write(&chain_pem, ca.inter.to_pem().unwrap()).unwrap();
    let out = Command::new("openssl")
        .args(["pkcs12", "-export", "-legacy", "-inkey"])
        .arg(&key_pem)
        .arg("-in")
        .arg(&cert_pem)
        .arg("-certfile")
        .arg(&chain_pem)
        .args(["-passout", "pass:老密码123", "-out"])
        .arg(&pfx)
        .output()
        .expect("openssl CLI");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // It really is legacy: RC2 or 3DES shows up in the file's description.
    let info = Command::new("openssl")
        .args([
            "pkcs12",
            "-info",
            "-noout",
            "-legacy",
            "-passin",
            "pass:老密码123",
            "-in",
        ])
        .arg(&pfx)
        .output()
        .unwrap();
    let text =
        String::from_utf8_lossy(&info.stderr).to_string() + &String::from_utf8_lossy(&info.stdout);
    assert!(
        text.contains("RC2") || text.contains("3DES") || text.contains("TripleDES"),
        "{text}"
    );

    let signer = Pkcs12Signer::from_file(&pfx, "老密码123").unwrap();
    assert_eq!(signer.algorithm(), Algorithm::Rs256);
    assert_eq!(signer.chain().len(), 2);
    assert_eq!(
        Pkcs12Signer::from_file(&pfx, "wrong").err().unwrap().code(),
        "wrong_password"
    );
}

#[test]
fn legacy_pfx_built_with_3des_keys_and_rc2_certs_loads() {
    for kind in [KeyKind::P256, KeyKind::Sm2] {
        let (ca, k, cert) = identity(kind);
        pingshen_pki::providers::ensure_legacy();
        let mut cas = Stack::new().unwrap();
        cas.push(ca.inter.clone()).unwrap();
        let mut b = Pkcs12::builder();
        b.name("legacy")
            .pkey(&k)
            .cert(&cert)
            .ca(cas)
            .key_algorithm(Nid::PBE_WITHSHA1AND3_KEY_TRIPLEDES_CBC)
            .cert_algorithm(Nid::PBE_WITHSHA1AND40BITRC2_CBC)
            .mac_md(MessageDigest::sha1());
        let der = b.build2("pw").unwrap().to_der().unwrap();
        let signer = Pkcs12Signer::from_der(&der, "pw").unwrap();
        assert_eq!(
            signer.certificate().to_der().unwrap(),
            cert.to_der().unwrap()
        );
        let sig = signer.sign(b"data").unwrap();
        let public = cert.public_key().unwrap();
        assert!(pingshen_pki::sig::verify(signer.algorithm(), &public, b"data", &sig).unwrap());
    }
}

#[test]
fn garbage_and_truncated_files_are_malformed() {
    assert_eq!(
        Pkcs12Signer::from_der(b"not pkcs12", "x")
            .err()
            .unwrap()
            .code(),
        "malformed"
    );
    let (_, k, cert) = identity(KeyKind::P256);
    let der = Pkcs12::builder()
        .pkey(&k)
        .cert(&cert)
        .build2("pw")
        .unwrap()
        .to_der()
        .unwrap();
    assert_eq!(
        Pkcs12Signer::from_der(&der[..der.len() - 40], "pw")
            .err()
            .unwrap()
            .code(),
        "malformed"
    );
    assert!(Pkcs12Signer::from_der(&der, "pw").is_ok());
}
