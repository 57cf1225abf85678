//! SoftHSM2 tokens standing in for an expert's USB key.
//!
//! SoftHSM2 reads `SOFTHSM2_CONF` once per process, when the module is
//! first initialised: a test binary sets up one [`SoftHsm`] before anything
//! opens the module, and keeps to it (hence the tests that use it run in
//! their own binaries).

use pingshen_pki::TokenConfig;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Debian's SoftHSM2 module.
pub const MODULE: &str = "/usr/lib/softhsm/libsofthsm2.so";

/// Panics, naming what to install, unless SoftHSM2 and its tools are here
/// (`scripts/setup` installs them; a test never skips for want of them).
pub fn require() {
    let have = |c: &str| Command::new(c).arg("--help").output().is_ok();
    for (ok, what) in [
        (Path::new(MODULE).exists(), MODULE),
        (have("softhsm2-util"), "softhsm2-util"),
        (have("pkcs11-tool"), "pkcs11-tool"),
    ] {
        assert!(
            ok,
            "{what} is missing: install softhsm2 and opensc (scripts/setup does)"
        );
    }
}

/// A SoftHSM2 token store in a folder of its own, made this process's
/// (`SOFTHSM2_CONF`).
pub struct SoftHsm {
    pub conf: PathBuf,
}

impl SoftHsm {
    /// Checks the tools ([`require`]), writes a configuration keeping the
    /// tokens under `dir` and points this process at it.
    pub fn new(dir: &Path) -> Self {
        require();
        let tokens = dir.join("tokens");
        std::fs::create_dir_all(&tokens).unwrap();
        let conf = dir.join("softhsm2.conf");
        std::fs::write(
            &conf,
            format!(
                "directories.tokendir = {}\nobjectstore.backend = file\nlog.level = ERROR\n",
                tokens.display()
            ),
        )
        .unwrap();
        std::env::set_var("SOFTHSM2_CONF", &conf);
        SoftHsm { conf }
    }

    /// Runs `cmd ARGS…` against this token store; panics with its output if
    /// it fails.
    pub fn tool(&self, cmd: &str, args: &[&str]) {
        let out = Command::new(cmd)
            .args(args)
            .env("SOFTHSM2_CONF", &self.conf)
            .output()
            .unwrap_or_else(|e| panic!("{cmd}: {e}"));
        assert!(
            out.status.success(),
            "{cmd} {args:?}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// A fresh token `label` in the first free slot.
    pub fn init_token(&self, label: &str, so_pin: &str, pin: &str) -> Token<'_> {
        self.tool(
            "softhsm2-util",
            &[
                "--init-token",
                "--free",
                "--label",
                label,
                "--so-pin",
                so_pin,
                "--pin",
                pin,
            ],
        );
        Token {
            hsm: self,
            label: label.into(),
            pin: pin.into(),
        }
    }
}

/// One token, logged in with its user PIN for writing objects.
pub struct Token<'a> {
    hsm: &'a SoftHsm,
    pub label: String,
    pin: String,
}

impl Token<'_> {
    /// Writes the object in `file` (`kind`: `privkey`, `cert`, …) with
    /// CKA_ID and label `id` (hex), plus `extra` pkcs11-tool flags.
    pub fn write(&self, file: &Path, kind: &str, id: &str, extra: &[&str]) {
        let mut args = vec![
            "--module",
            MODULE,
            "--token-label",
            &self.label,
            "--login",
            "--pin",
            &self.pin,
            "--write-object",
            file.to_str().unwrap(),
            "--type",
            kind,
            "--id",
            id,
            "--label",
            id,
        ];
        args.extend_from_slice(extra);
        self.hsm.tool("pkcs11-tool", &args);
    }

    /// Puts a PKCS#12 identity's key (may sign and derive: the local
    /// store's key is wrapped to it by ECDH), certificate and CA chain on
    /// the token under CKA_ID `id`, as a CA issues a USB key. Files pass
    /// through `scratch` and the key file is removed at once.
    pub fn import_p12(&self, p12: &Path, password: &str, id: &str, scratch: &Path) -> TokenConfig {
        let parsed = openssl::pkcs12::Pkcs12::from_der(&std::fs::read(p12).unwrap())
            .unwrap()
            .parse2(password)
            .unwrap();
        let key_pem = scratch.join("key.pem");
        std::fs::write(
            &key_pem,
            parsed.pkey.unwrap().private_key_to_pem_pkcs8().unwrap(),
        )
        .unwrap();
        self.write(&key_pem, "privkey", id, &["--usage-sign", "--usage-derive"]);
        std::fs::remove_file(&key_pem).unwrap();
        let cert_der = scratch.join("cert.der");
        std::fs::write(&cert_der, parsed.cert.unwrap().to_der().unwrap()).unwrap();
        self.write(&cert_der, "cert", id, &[]);
        for (i, ca) in parsed.ca.into_iter().flatten().enumerate() {
            let path = scratch.join(format!("ca{i}.der"));
            std::fs::write(&path, ca.to_der().unwrap()).unwrap();
            self.write(&path, "cert", &format!("1{i}"), &[]);
        }
        self.config(id)
    }

    /// How the app finds the key `id` (hex) on this token.
    pub fn config(&self, id: &str) -> TokenConfig {
        TokenConfig {
            module: PathBuf::from(MODULE),
            token_label: self.label.clone(),
            key_id: (0..id.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(&id[i..i + 2], 16).unwrap())
                .collect(),
        }
    }
}
