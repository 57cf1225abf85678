//! `pingshen cert verify`, `pingshen sign`, `pingshen verify`.
//!
//! Each prints one JSON object on stdout and exits 0 only on success; a
//! certificate or envelope that does not validate exits 1 with `ok: false`
//! and a stable `code`. Secrets come from environment variables, never from
//! arguments, and are zeroised after use.

use anyhow::{bail, Context};
use clap::{Args, Subcommand};
use pingshen_pki::cert::{parse_certs, CertInfo};
use pingshen_pki::envelope::VerifyOptions;
use pingshen_pki::{
    parse_rfc3339, sign_json, verify_envelope, OffsetDateTime, Pkcs12Signer, PkiError,
    PlatformPins, Signer, TokenConfig, TokenSigner, TrustStore, Zeroizing, X509,
};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

#[derive(Subcommand)]
pub enum CertCommand {
    /// Validate a certificate against a trust directory (证书验证).
    Verify(CertVerifyArgs),
}

/// Trust options shared by `cert verify` and `verify`.
#[derive(Args)]
pub struct TrustArgs {
    /// Folder of PEM roots and intermediates of the recognised CAs (and optional .crl files).
    #[arg(long, value_name = "DIR")]
    pub trust: PathBuf,
    /// A CRL file (PEM or DER); may be repeated.
    #[arg(long = "crl", value_name = "FILE")]
    pub crls: Vec<PathBuf>,
    /// Fail with `revocation_unknown` when an issuer has no (current) CRL.
    #[arg(long)]
    pub require_crl: bool,
    /// Validation time, RFC 3339 (default: now for certificates, the signing time for envelopes).
    #[arg(long, value_name = "RFC3339")]
    pub at: Option<String>,
}

#[derive(Args)]
pub struct CertVerifyArgs {
    #[command(flatten)]
    pub trust: TrustArgs,
    /// Extra (untrusted) intermediates, PEM.
    #[arg(long, value_name = "PEM")]
    pub chain: Option<PathBuf>,
    /// Environment variable holding the password of a .p12/.pfx CERT.
    #[arg(long, value_name = "VAR")]
    pub password_env: Option<String>,
    /// Certificate: PEM, DER, or PKCS#12 (.p12/.pfx, with --password-env).
    pub cert: PathBuf,
}

#[derive(Args)]
pub struct SignArgs {
    /// PKCS#12 file with the signing key.
    #[arg(long, value_name = "FILE", conflicts_with = "pkcs11_module")]
    pub p12: Option<PathBuf>,
    /// Environment variable holding the PKCS#12 password.
    #[arg(long, value_name = "VAR", requires = "p12")]
    pub password_env: Option<String>,
    /// PKCS#11 module (e.g. /usr/lib/softhsm/libsofthsm2.so).
    #[arg(long, value_name = "LIB", requires_all = ["token", "key_id", "pin_env"])]
    pub pkcs11_module: Option<PathBuf>,
    /// Token label.
    #[arg(long, value_name = "LABEL")]
    pub token: Option<String>,
    /// CKA_ID of the key and certificate, hex.
    #[arg(long, value_name = "HEX")]
    pub key_id: Option<String>,
    /// Environment variable holding the token PIN.
    #[arg(long, value_name = "VAR")]
    pub pin_env: Option<String>,
    /// Document kind for the `typ` header.
    #[arg(long, default_value = "pingshen.document+json")]
    pub typ: String,
    /// JSON document to sign.
    pub input: PathBuf,
    /// Where to write the envelope.
    pub output: PathBuf,
}

#[derive(Args)]
pub struct VerifyArgs {
    #[command(flatten)]
    pub trust: TrustArgs,
    /// Require this document kind (`typ`).
    #[arg(long)]
    pub typ: Option<String>,
    /// Print the signed payload too.
    #[arg(long)]
    pub payload: bool,
    /// The platform's signing certificate: its SHA-256 fingerprint (hex) or
    /// a PEM/DER file. Required for evaluation packages and witness-log
    /// exports, whose platform documents are accepted only from it; may be
    /// repeated (a certificate renewed during the evaluation).
    #[arg(long = "platform-cert", value_name = "FP|PEM")]
    pub platform_certs: Vec<String>,
    /// The envelope (JWS JSON, flattened).
    pub input: PathBuf,
}

/// Reads a secret from an environment variable into a zeroising buffer.
pub(crate) fn secret_from_env(var: &str) -> anyhow::Result<Zeroizing<String>> {
    let value =
        std::env::var(var).with_context(|| format!("environment variable {var} is not set"))?;
    Ok(Zeroizing::new(value))
}

pub(crate) fn print(v: &Value) {
    println!(
        "{}",
        serde_json::to_string_pretty(v).expect("JSON values serialise")
    );
}

fn failure(e: &PkiError) -> Value {
    json!({ "ok": false, "code": e.code(), "message": e.message_zh() })
}

/// The pinned platform certificates from `--platform-cert` values.
fn platform_pins(args: &[String]) -> Result<PlatformPins, PkiError> {
    let mut pins = PlatformPins::none();
    for a in args {
        pins.add_arg(a)?;
    }
    Ok(pins)
}

fn load_trust(t: &TrustArgs) -> Result<TrustStore, PkiError> {
    let mut store = TrustStore::from_dir(&t.trust)?;
    for crl in &t.crls {
        store.load_crl_file(crl)?;
    }
    store.set_require_crl(t.require_crl);
    Ok(store)
}

fn at(t: &TrustArgs) -> Result<Option<OffsetDateTime>, PkiError> {
    t.at.as_deref().map(parse_rfc3339).transpose()
}

fn is_p12(path: &Path) -> bool {
    matches!(
        path.extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref(),
        Some("p12" | "pfx")
    )
}

/// Loads CERT and the chain that came with it (PKCS#12 CA certificates, or PEM blocks after the first).
fn load_cert(a: &CertVerifyArgs) -> anyhow::Result<Result<(X509, Vec<X509>), PkiError>> {
    let bytes = match std::fs::read(&a.cert) {
        Ok(b) => b,
        Err(e) => {
            return Ok(Err(PkiError::Io {
                path: a.cert.clone(),
                source: e,
            }))
        }
    };
    if is_p12(&a.cert) {
        let Some(var) = &a.password_env else {
            bail!("{} is PKCS#12: give --password-env VAR", a.cert.display());
        };
        let password = secret_from_env(var)?;
        let loaded = Pkcs12Signer::from_der(&bytes, &password);
        drop(password);
        return Ok(loaded.map(|s| (s.certificate().clone(), s.chain()[1..].to_vec())));
    }
    Ok(parse_certs(&bytes).map(|mut certs| {
        let leaf = certs.remove(0);
        (leaf, certs)
    }))
}

pub fn cert(c: CertCommand) -> anyhow::Result<u8> {
    let CertCommand::Verify(a) = c;
    let (leaf, mut extra) = match load_cert(&a)? {
        Ok(v) => v,
        Err(e) => {
            print(&failure(&e));
            return Ok(1);
        }
    };
    let outcome = (|| {
        if let Some(chain) = &a.chain {
            let bytes = std::fs::read(chain).map_err(|e| PkiError::Io {
                path: chain.clone(),
                source: e,
            })?;
            extra.extend(parse_certs(&bytes)?);
        }
        let store = load_trust(&a.trust)?;
        let when = at(&a.trust)?.unwrap_or_else(OffsetDateTime::now_utc);
        store.validate(&leaf, &extra, when)
    })();
    let info = CertInfo::of(&leaf).ok();
    let mut out = match &outcome {
        Ok(_) => json!({ "ok": true, "code": "ok", "message": "证书有效" }),
        Err(e) => failure(e),
    };
    out["subject"] = json!(info.as_ref().map(|i| &i.subject));
    out["issuer"] = json!(info.as_ref().map(|i| &i.issuer));
    out["alg"] = json!(info
        .as_ref()
        .and_then(|i| i.algorithm)
        .map(|a| a.jws_name()));
    out["not_after"] = json!(info
        .as_ref()
        .map(|i| pingshen_pki::envelope::format_time(i.not_after)));
    out["person_id"] = json!(info.as_ref().and_then(|i| i.person_id.clone()));
    out["fingerprint_sha256"] = json!(info.as_ref().map(|i| &i.fingerprint_sha256));
    if let Ok(v) = &outcome {
        out["revocation_checked"] = json!(v.revocation_checked);
    }
    print(&out);
    Ok(if outcome.is_ok() { 0 } else { 1 })
}

fn open_signer(a: &SignArgs) -> anyhow::Result<Result<Box<dyn Signer>, PkiError>> {
    if let Some(p12) = &a.p12 {
        let Some(var) = &a.password_env else {
            bail!("--p12 needs --password-env VAR");
        };
        let password = secret_from_env(var)?;
        let signer = Pkcs12Signer::from_file(p12, &password);
        drop(password);
        return Ok(signer.map(|s| Box::new(s) as Box<dyn Signer>));
    }
    let (Some(module), Some(token), Some(key_id), Some(pin_var)) =
        (&a.pkcs11_module, &a.token, &a.key_id, &a.pin_env)
    else {
        bail!("give either --p12 FILE --password-env VAR, or --pkcs11-module LIB --token LABEL --key-id HEX --pin-env VAR");
    };
    let key_id = decode_hex(key_id).context("--key-id must be hex")?;
    let cfg = TokenConfig {
        module: module.clone(),
        token_label: token.clone(),
        key_id,
    };
    let pin = secret_from_env(pin_var)?;
    Ok(TokenSigner::open(&cfg, pin).map(|s| Box::new(s) as Box<dyn Signer>))
}

fn decode_hex(s: &str) -> anyhow::Result<Vec<u8>> {
    let s = s.trim_start_matches("0x");
    if s.is_empty() || s.len() % 2 != 0 {
        bail!("odd or empty hex string");
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).context("not hex"))
        .collect()
}

pub fn sign(a: SignArgs) -> anyhow::Result<u8> {
    let signer = match open_signer(&a)? {
        Ok(s) => s,
        Err(e) => {
            print(&failure(&e));
            return Ok(1);
        }
    };
    let input =
        std::fs::read(&a.input).with_context(|| format!("reading {}", a.input.display()))?;
    let envelope = match sign_json(signer.as_ref(), &a.typ, &input, OffsetDateTime::now_utc()) {
        Ok(e) => e,
        Err(e) => {
            print(&failure(&e));
            return Ok(1);
        }
    };
    std::fs::write(&a.output, envelope.to_json() + "\n")
        .with_context(|| format!("writing {}", a.output.display()))?;
    let info = CertInfo::of(signer.certificate()).ok();
    print(&json!({
        "ok": true,
        "code": "ok",
        "alg": signer.algorithm().jws_name(),
        "typ": a.typ,
        "subject": info.as_ref().map(|i| &i.subject),
        "output": a.output,
    }));
    Ok(0)
}

pub fn verify(a: VerifyArgs) -> anyhow::Result<u8> {
    let bytes =
        std::fs::read(&a.input).with_context(|| format!("reading {}", a.input.display()))?;
    // An exported witness log is verified as a whole (见证记录).
    // An evaluation package is re-verified and recomputed (评标档案包).
    if crate::cmd_package::is_evaluation_package(&bytes) {
        return crate::cmd_package::verify_package_file(
            &bytes,
            load_trust(&a.trust),
            platform_pins(&a.platform_certs),
        );
    }
    if crate::cmd_witness::is_witness_export(&bytes) {
        return crate::cmd_witness::verify_export_file(
            &bytes,
            load_trust(&a.trust),
            at(&a.trust),
            platform_pins(&a.platform_certs),
        );
    }
    let outcome = (|| {
        let store = load_trust(&a.trust)?;
        let opts = VerifyOptions {
            at: at(&a.trust)?,
            expected_typ: a.typ.clone(),
        };
        verify_envelope(&store, &bytes, &opts)
    })();
    let out = match &outcome {
        Ok(v) => {
            let mut out = json!({
                "ok": true,
                "code": "ok",
                "message": "签名有效",
                "subject": v.signer.subject,
                "subject_cn": v.signer.subject_cn,
                "person_id": v.signer.person_id,
                "issuer": v.signer.issuer,
                "alg": v.algorithm.jws_name(),
                "typ": v.typ,
                "signed_at": pingshen_pki::envelope::format_time(v.signed_at),
                "not_after": pingshen_pki::envelope::format_time(v.signer.not_after),
                "fingerprint_sha256": v.signer.fingerprint_sha256,
                "revocation_checked": v.chain.revocation_checked,
            });
            if a.payload {
                out["payload"] = v.payload.clone();
            }
            out
        }
        Err(e) => failure(e),
    };
    print(&out);
    Ok(if outcome.is_ok() { 0 } else { 1 })
}
