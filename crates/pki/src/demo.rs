//! The sandbox's demo PKI (`pingshen-platform pki init DIR`): two independent
//! CAs, a platform signing certificate and one PKCS#12 identity per demo
//! person. Everything is generated at run time; nothing here is a secret.
//! Layout and password: `docs/pki.md`.

use crate::alg::Algorithm;
use crate::cert::{fingerprint_sha256, name_to_string};
use crate::error::{PkiError, Result};
use crate::issue::{generate_key, issue_cert, issue_crl, CertSpec, Issuer, KeyKind, SubjectSpec};
use crate::trust::TrustStore;
use openssl::pkcs12::Pkcs12;
use openssl::pkey::{PKey, Private};
use openssl::stack::Stack;
use openssl::symm::Cipher;
use openssl::x509::{X509Crl, X509};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use time::{Duration, OffsetDateTime};

/// The password of every demo PKCS#12 file and CA key. Demo only.
pub const DEMO_PASSWORD: &str = "pingshen-demo";

/// Which demo CA issues a person's certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DemoCa {
    /// RSA root and intermediate; issues RSA and P-256 leaves.
    #[serde(rename = "hubei-ca")]
    HubeiCa,
    /// SM2 root and intermediate; issues SM2 leaves.
    #[serde(rename = "sm-ca")]
    SmCa,
}

impl DemoCa {
    pub fn name(self) -> &'static str {
        match self {
            DemoCa::HubeiCa => "hubei-ca",
            DemoCa::SmCa => "sm-ca",
        }
    }
}

/// Key algorithm of a demo person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DemoAlg {
    Rsa,
    P256,
    Sm2,
}

/// One `[[people]]` entry of `assets/demo/project.toml` (other keys ignored).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DemoPerson {
    pub id: String,
    pub name: String,
    pub role: String,
    pub ca: DemoCa,
    pub alg: DemoAlg,
}

/// The people to issue identities for.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DemoPeople {
    #[serde(default)]
    pub people: Vec<DemoPerson>,
}

impl DemoPeople {
    /// Reads the `[[people]]` tables of a project TOML file's text.
    pub fn from_project_toml(text: &str) -> Result<Self> {
        let people: DemoPeople =
            toml::from_str(text).map_err(|e| PkiError::malformed("演示项目配置（TOML）", e))?;
        for p in &people.people {
            let ok = matches!(
                (p.ca, p.alg),
                (DemoCa::HubeiCa, DemoAlg::Rsa | DemoAlg::P256) | (DemoCa::SmCa, DemoAlg::Sm2)
            );
            if !ok {
                return Err(PkiError::malformed(
                    "演示项目配置",
                    format!("{}：hubei-ca 只签发 rsa/p256，sm-ca 只签发 sm2", p.id),
                ));
            }
        }
        Ok(people)
    }
}

/// One generated identity, as listed in `people.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DemoIdentity {
    pub id: String,
    pub name: String,
    pub role: String,
    pub ca: DemoCa,
    pub alg: Algorithm,
    pub subject: String,
    pub issuer: String,
    pub fingerprint_sha256: String,
    /// Path of the PKCS#12 file, relative to the demo directory.
    pub p12: String,
    /// Path of the leaf certificate (PEM), relative to the demo directory.
    pub cert: String,
}

/// What `init` produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoPki {
    pub dir: PathBuf,
    pub people: Vec<DemoIdentity>,
    pub platform: DemoIdentity,
}

impl DemoPki {
    pub fn trust_dir(&self) -> PathBuf {
        self.dir.join("trust")
    }
    pub fn crl_dir(&self) -> PathBuf {
        self.dir.join("crl")
    }
    pub fn p12_path(&self, id: &str) -> Option<PathBuf> {
        self.people
            .iter()
            .chain(std::iter::once(&self.platform))
            .find(|p| p.id == id)
            .map(|p| self.dir.join(&p.p12))
    }
}

/// Options for [`init_with`].
#[derive(Debug, Clone)]
pub struct DemoOptions {
    /// Replace an existing non-empty directory.
    pub overwrite: bool,
    /// "Now" for validity periods.
    pub now: OffsetDateTime,
}

impl Default for DemoOptions {
    fn default() -> Self {
        DemoOptions {
            overwrite: false,
            now: OffsetDateTime::now_utc(),
        }
    }
}

/// Creates the demo PKI in `dir`; refuses a non-empty `dir`.
pub fn init(dir: &Path, people: &DemoPeople) -> Result<DemoPki> {
    init_with(dir, people, &DemoOptions::default())
}

/// Loads the trust store of a demo directory (`trust/` and `crl/`).
pub fn load_trust(dir: &Path) -> Result<TrustStore> {
    let mut store = TrustStore::from_dir(&dir.join("trust"))?;
    store.load_dir(&dir.join("crl"))?;
    Ok(store)
}

struct Ca {
    name: &'static str,
    root: X509,
    root_key: PKey<Private>,
    inter: X509,
    inter_key: PKey<Private>,
}

fn write(path: &Path, bytes: &[u8]) -> Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| PkiError::io(parent, e))?;
    }
    std::fs::write(path, bytes).map_err(|e| PkiError::io(path, e))
}

fn dir_is_empty(dir: &Path) -> Result<bool> {
    let mut entries = std::fs::read_dir(dir).map_err(|e| PkiError::io(dir, e))?;
    Ok(entries.next().is_none())
}

/// [`init`] with options. Generates into a temporary sibling directory and
/// renames it into place, so `dir` is either complete or untouched.
pub fn init_with(dir: &Path, people: &DemoPeople, opts: &DemoOptions) -> Result<DemoPki> {
    let exists = dir.exists();
    if exists && !opts.overwrite && !dir_is_empty(dir)? {
        return Err(PkiError::AlreadyExists {
            path: dir.to_path_buf(),
        });
    }
    let parent = dir
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).map_err(|e| PkiError::io(parent, e))?;
    let base = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "pki".to_string());
    let mut tag = [0u8; 6];
    openssl::rand::rand_bytes(&mut tag).map_err(|e| PkiError::crypto("random", e))?;
    let tmp = parent.join(format!(".{base}.tmp-{}", hex::encode(tag)));
    let result = generate(&tmp, people, opts.now);
    let (ids, platform) = match result {
        Ok(v) => v,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&tmp);
            return Err(e);
        }
    };
    let swap = || -> Result<()> {
        if exists {
            if dir_is_empty(dir)? {
                std::fs::remove_dir(dir).map_err(|e| PkiError::io(dir, e))?;
            } else {
                let old = parent.join(format!(".{base}.old-{}", hex::encode(tag)));
                std::fs::rename(dir, &old).map_err(|e| PkiError::io(dir, e))?;
                std::fs::rename(&tmp, dir).map_err(|e| PkiError::io(dir, e))?;
                let _ = std::fs::remove_dir_all(&old);
                return Ok(());
            }
        }
        std::fs::rename(&tmp, dir).map_err(|e| PkiError::io(dir, e))
    };
    if let Err(e) = swap() {
        let _ = std::fs::remove_dir_all(&tmp);
        return Err(e);
    }
    Ok(DemoPki {
        dir: dir.to_path_buf(),
        people: ids,
        platform,
    })
}

fn subject(org: &str, ou: Option<&str>, cn: &str, serial: Option<&str>) -> SubjectSpec {
    SubjectSpec {
        country: Some("CN".to_string()),
        organization: Some(org.to_string()),
        org_unit: ou.map(str::to_string),
        common_name: cn.to_string(),
        serial_number: serial.map(str::to_string),
    }
}

fn make_ca(
    name: &'static str,
    kind: KeyKind,
    org: &str,
    cn: &str,
    now: OffsetDateTime,
) -> Result<Ca> {
    let root_key = generate_key(kind)?;
    let root_spec = CertSpec::ca(
        subject(org, None, &format!("{cn} 根证书（DEMO）"), None),
        now - Duration::days(1),
        now + Duration::days(365 * 10),
        None,
    );
    let root = issue_cert(&root_spec, &root_key, None)?;
    let inter_key = generate_key(kind)?;
    let inter_spec = CertSpec::ca(
        subject(org, None, &format!("{cn} 二级CA（DEMO）"), None),
        now - Duration::days(1),
        now + Duration::days(365 * 6),
        Some(0),
    );
    let inter = issue_cert(
        &inter_spec,
        &inter_key,
        Some(&Issuer {
            cert: &root,
            key: &root_key,
        }),
    )?;
    Ok(Ca {
        name,
        root,
        root_key,
        inter,
        inter_key,
    })
}

const LEAF_ORG: &str = "Pingshen 评审演示（DEMO）";

fn generate(
    tmp: &Path,
    people: &DemoPeople,
    now: OffsetDateTime,
) -> Result<(Vec<DemoIdentity>, DemoIdentity)> {
    let map = |e| PkiError::crypto("demo PKI", e);
    std::fs::create_dir_all(tmp).map_err(|e| PkiError::io(tmp, e))?;
    let hubei = make_ca(
        "hubei-ca",
        KeyKind::Rsa(2048),
        "湖北省数字证书认证中心（演示）",
        "湖北CA",
        now,
    )?;
    let sm = make_ca(
        "sm-ca",
        KeyKind::Sm2,
        "国密演示认证中心（演示）",
        "SM-CA 国密",
        now,
    )?;
    for ca in [&hubei, &sm] {
        write(
            &tmp.join("trust").join(format!("{}-root.pem", ca.name)),
            &ca.root.to_pem().map_err(map)?,
        )?;
        write(
            &tmp.join("trust")
                .join(format!("{}-intermediate.pem", ca.name)),
            &ca.inter.to_pem().map_err(map)?,
        )?;
        for (label, cert, key) in [
            ("root", &ca.root, &ca.root_key),
            ("intermediate", &ca.inter, &ca.inter_key),
        ] {
            let crl = issue_crl(
                &Issuer { cert, key },
                &[],
                now - Duration::hours(1),
                now + Duration::days(365 * 3),
                1,
            )?;
            write(
                &tmp.join("crl").join(format!("{}-{label}.crl", ca.name)),
                &crl_pem(&crl)?,
            )?;
            // Kept so that later tools can issue CRLs; encrypted with the demo password.
            let pem = key
                .private_key_to_pem_pkcs8_passphrase(
                    Cipher::aes_256_cbc(),
                    DEMO_PASSWORD.as_bytes(),
                )
                .map_err(map)?;
            write(
                &tmp.join("ca").join(format!("{}-{label}.key.pem", ca.name)),
                &pem,
            )?;
        }
    }

    let mut ids = Vec::new();
    for p in &people.people {
        let (ca, kind) = match (p.ca, p.alg) {
            (DemoCa::HubeiCa, DemoAlg::P256) => (&hubei, KeyKind::P256),
            (DemoCa::HubeiCa, _) => (&hubei, KeyKind::Rsa(2048)),
            (DemoCa::SmCa, _) => (&sm, KeyKind::Sm2),
        };
        ids.push(issue_identity(
            tmp, ca, p.ca, kind, &p.id, &p.name, &p.role, "people", now,
        )?);
    }
    let platform = issue_identity(
        tmp,
        &hubei,
        DemoCa::HubeiCa,
        KeyKind::P256,
        "platform",
        "Pingshen 沙箱平台（DEMO）",
        "platform",
        "platform",
        now,
    )?;
    let list = serde_json::to_vec_pretty(&ids).map_err(|e| PkiError::InvalidJson {
        detail: e.to_string(),
    })?;
    write(&tmp.join("people.json"), &list)?;
    write(&tmp.join("README.txt"), README.as_bytes())?;
    Ok((ids, platform))
}

const README: &str = "DEMO PKI - 演示用证书，仅供沙箱测试，切勿用于生产。\n\
Generated by pingshen-platform pki init. Every PKCS#12 file and CA key here uses\n\
the demo password \"pingshen-demo\". See docs/pki.md for the layout.\n";

#[allow(clippy::too_many_arguments)]
fn issue_identity(
    tmp: &Path,
    ca: &Ca,
    ca_id: DemoCa,
    kind: KeyKind,
    id: &str,
    name: &str,
    role: &str,
    folder: &str,
    now: OffsetDateTime,
) -> Result<DemoIdentity> {
    let map = |e| PkiError::crypto("demo PKI", e);
    let key = generate_key(kind)?;
    let spec = CertSpec::leaf(
        subject(LEAF_ORG, Some(role), name, Some(id)),
        now - Duration::days(1),
        now + Duration::days(365 * 3),
    );
    let cert = issue_cert(
        &spec,
        &key,
        Some(&Issuer {
            cert: &ca.inter,
            key: &ca.inter_key,
        }),
    )?;
    let mut cas = Stack::new().map_err(map)?;
    cas.push(ca.inter.clone()).map_err(map)?;
    cas.push(ca.root.clone()).map_err(map)?;
    let mut b = Pkcs12::builder();
    b.name(id).pkey(&key).cert(&cert).ca(cas);
    let p12 = b.build2(DEMO_PASSWORD).map_err(map)?;
    let p12_rel = format!("{folder}/{id}.p12");
    let cert_rel = format!("{folder}/{id}.pem");
    write(&tmp.join(&p12_rel), &p12.to_der().map_err(map)?)?;
    let mut chain_pem = cert.to_pem().map_err(map)?;
    chain_pem.extend(ca.inter.to_pem().map_err(map)?);
    write(&tmp.join(&cert_rel), &chain_pem)?;
    Ok(DemoIdentity {
        id: id.to_string(),
        name: name.to_string(),
        role: role.to_string(),
        ca: ca_id,
        alg: Algorithm::of_key(&key)?,
        subject: name_to_string(cert.subject_name()),
        issuer: name_to_string(cert.issuer_name()),
        fingerprint_sha256: fingerprint_sha256(&cert)?,
        p12: p12_rel,
        cert: cert_rel,
    })
}

fn crl_pem(crl: &X509Crl) -> Result<Vec<u8>> {
    crl.to_pem()
        .map_err(|e| PkiError::crypto("CRL encoding", e))
}

/// Revokes a demo person's certificate as of `at`: their CA's intermediate
/// issues a new CRL listing it besides what it listed before (demo only: a
/// real CA publishes its own lists). Answers the CRL file written, which
/// replaces the old one atomically.
pub fn revoke(dir: &Path, person: &str, at: OffsetDateTime) -> Result<PathBuf> {
    let map = |e| PkiError::crypto("demo CRL", e);
    let people: Vec<DemoIdentity> = {
        let path = dir.join("people.json");
        let bytes = std::fs::read(&path).map_err(|e| PkiError::io(&path, e))?;
        serde_json::from_slice(&bytes).map_err(|e| PkiError::InvalidJson {
            detail: e.to_string(),
        })?
    };
    let who = people
        .iter()
        .find(|p| p.id == person)
        .ok_or_else(|| PkiError::KeyNotFound {
            id: person.to_string(),
        })?;
    let read = |rel: String| -> Result<Vec<u8>> {
        let path = dir.join(rel);
        std::fs::read(&path).map_err(|e| PkiError::io(&path, e))
    };
    let cert = crate::cert::parse_certs(&read(who.cert.clone())?)?
        .into_iter()
        .next()
        .ok_or_else(|| PkiError::malformed("证书文件", "为空"))?;
    let ca = who.ca.name();
    let inter = crate::cert::parse_certs(&read(format!("trust/{ca}-intermediate.pem"))?)?
        .into_iter()
        .next()
        .ok_or_else(|| PkiError::malformed("CA 证书文件", "为空"))?;
    let key = PKey::private_key_from_pem_passphrase(
        &read(format!("ca/{ca}-intermediate.key.pem"))?,
        DEMO_PASSWORD.as_bytes(),
    )
    .map_err(map)?;
    let crl_path = dir.join("crl").join(format!("{ca}-intermediate.crl"));
    let serial_hex = |s: &openssl::asn1::Asn1IntegerRef| {
        s.to_bn()
            .and_then(|b| b.to_hex_str().map(|h| h.to_string()))
            .map_err(map)
    };
    let mut entries = Vec::new();
    if let Ok(bytes) = std::fs::read(&crl_path) {
        let old = X509Crl::from_pem(&bytes).map_err(map)?;
        for r in old.get_revoked().into_iter().flatten() {
            entries.push(crate::issue::RevokedEntry {
                serial_hex: serial_hex(r.serial_number())?,
                revoked_at: crate::cert::asn1_time_to_offset(r.revocation_date())?,
            });
        }
    }
    let serial = serial_hex(cert.serial_number())?;
    entries.retain(|e| e.serial_hex != serial);
    entries.push(crate::issue::RevokedEntry {
        serial_hex: serial,
        revoked_at: at,
    });
    let now = OffsetDateTime::now_utc();
    let crl = issue_crl(
        &Issuer {
            cert: &inter,
            key: &key,
        },
        &entries,
        now - Duration::minutes(1),
        now + Duration::days(30),
        u32::try_from(now.unix_timestamp()).unwrap_or(u32::MAX),
    )?;
    let tmp = crl_path.with_extension("crl.tmp");
    write(&tmp, &crl_pem(&crl)?)?;
    std::fs::rename(&tmp, &crl_path).map_err(|e| PkiError::io(&crl_path, e))?;
    Ok(crl_path)
}

/// The demo platform's signing certificate, pinned (`platform/platform.pem`).
pub fn platform_pins(dir: &Path) -> Result<crate::PlatformPins> {
    let mut pins = crate::PlatformPins::none();
    let path = dir.join("platform/platform.pem");
    pins.add_arg(&path.to_string_lossy())?;
    Ok(pins)
}
