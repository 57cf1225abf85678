//! `pingshen update`: what a centre's release manager runs to publish a
//! desktop update (软件更新), on the machine that keeps the update key.
//!
//! - `publish` hashes the packages, writes and signs the manifest, and lays
//!   out a publication folder: `files/<name>` first, then `manifest.json`
//!   (renamed into place, so a platform serving the folder never shows a
//!   manifest whose files are not there yet). The platform serves the
//!   folder at `<data>/updates/`; it never sees the key.
//! - `verify` checks a publication as the desktop will: the signature
//!   under the given public keys (or this build's), then every file.

use anyhow::{bail, Context};
use clap::{Args, Subcommand};
use pingshen_api::{
    ArtifactKind, SignedUpdateManifest, UpdateArtifact, UpdateManifest, UPDATE_MANIFEST_FORMAT,
    UPDATE_PRODUCT,
};
use pingshen_update::TrustedKeys;
use std::path::{Path, PathBuf};

#[derive(Subcommand)]
pub enum UpdateCommand {
    /// Sign a new version and lay out its publication folder.
    Publish(PublishArgs),
    /// Check a publication folder as the desktop will.
    Verify(VerifyArgs),
}

#[derive(Args)]
pub struct PublishArgs {
    /// The update signing key (PEM; SM2, P-256 or RSA). An encrypted key's
    /// passphrase is read from PINGSHEN_UPDATE_KEY_PASSWORD.
    #[arg(long, value_name = "KEY.pem")]
    pub key: PathBuf,
    /// The version being published (x.y.z, newer than the one experts run).
    #[arg(long)]
    pub version: String,
    /// What changed, in Chinese (a UTF-8 text file), shown before download.
    #[arg(long, value_name = "FILE")]
    pub notes: PathBuf,
    /// The AppImage of this version.
    #[arg(long, value_name = "FILE")]
    pub appimage: Option<PathBuf>,
    /// The .deb of this version.
    #[arg(long, value_name = "FILE")]
    pub deb: Option<PathBuf>,
    /// The machines the files are for (Rust's names: x86_64, aarch64).
    #[arg(long, default_value = std::env::consts::ARCH)]
    pub arch: String,
    /// The publication folder (the platform's `<data>/updates`, or a copy of it).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

#[derive(Args)]
pub struct VerifyArgs {
    /// Public keys to check with (PEM); default: the keys built into this program.
    #[arg(long, value_name = "KEYS.pem")]
    pub keys: Option<PathBuf>,
    /// The publication folder.
    pub dir: PathBuf,
}

pub fn run(c: UpdateCommand) -> anyhow::Result<u8> {
    match c {
        UpdateCommand::Publish(a) => publish(a),
        UpdateCommand::Verify(a) => verify(a),
    }
}

fn load_key(path: &Path) -> anyhow::Result<openssl::pkey::PKey<openssl::pkey::Private>> {
    let pem = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let key = match std::env::var("PINGSHEN_UPDATE_KEY_PASSWORD") {
        Ok(pass) => openssl::pkey::PKey::private_key_from_pem_passphrase(&pem, pass.as_bytes()),
        Err(_) => openssl::pkey::PKey::private_key_from_pem(&pem),
    };
    key.with_context(|| format!("{} is not a usable private key (PEM)", path.display()))
}

fn publish(a: PublishArgs) -> anyhow::Result<u8> {
    let key = load_key(&a.key)?;
    let notes = std::fs::read_to_string(&a.notes)
        .with_context(|| format!("cannot read the notes {}", a.notes.display()))?;
    let given: Vec<(ArtifactKind, &PathBuf)> = [
        (ArtifactKind::Appimage, a.appimage.as_ref()),
        (ArtifactKind::Deb, a.deb.as_ref()),
    ]
    .into_iter()
    .filter_map(|(k, p)| p.map(|p| (k, p)))
    .collect();
    if given.is_empty() {
        bail!("nothing to publish: give --appimage and/or --deb");
    }
    let mut artifacts = Vec::new();
    for (kind, path) in &given {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .with_context(|| format!("{} has no usable file name", path.display()))?
            .to_string();
        let (size, sha256) = pingshen_update::file::digest(path)?;
        artifacts.push(UpdateArtifact {
            kind: *kind,
            arch: a.arch.clone(),
            file: name,
            size,
            sha256,
        });
    }
    let manifest = UpdateManifest {
        format: UPDATE_MANIFEST_FORMAT.into(),
        product: UPDATE_PRODUCT.into(),
        version: a.version.clone(),
        published_at: time::OffsetDateTime::now_utc().replace_nanosecond(0)?,
        notes: notes.trim().to_string(),
        artifacts,
    };
    // Signed (and so checked) before anything is written.
    let signed = pingshen_update::sign_manifest(&manifest, &key)?;
    let files = a.out.join("files");
    std::fs::create_dir_all(&files)
        .with_context(|| format!("cannot create {}", files.display()))?;
    for ((_, path), x) in given.iter().zip(&manifest.artifacts) {
        let dest = files.join(&x.file);
        if dest != **path {
            std::fs::copy(path, &dest).with_context(|| {
                format!("cannot copy {} into {}", path.display(), files.display())
            })?;
        }
        // The copy is what will be served: it must be the file signed.
        if pingshen_update::file::digest(&dest)?.1 != x.sha256 {
            bail!("{} changed while it was being published", path.display());
        }
    }
    let tmp = a.out.join(".manifest.json.new");
    std::fs::write(&tmp, serde_json::to_vec_pretty(&signed)?)
        .with_context(|| format!("cannot write {}", tmp.display()))?;
    std::fs::rename(&tmp, a.out.join("manifest.json"))?;
    // Files of earlier versions are no longer served; remove them.
    for entry in std::fs::read_dir(&files)? {
        let entry = entry?;
        let name = entry.file_name();
        if !manifest.artifacts.iter().any(|x| *name == *x.file) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
    if pingshen_update::keys::is_demo_key(&signed.key_id) {
        eprintln!(
            "warning: signed with the public DEMO key: only a build made for tests trusts it"
        );
    }
    println!(
        "published {} {} (key {}) in {}",
        UPDATE_PRODUCT,
        manifest.version,
        signed.key_id,
        a.out.display()
    );
    for x in &manifest.artifacts {
        println!(
            "  {} {} {} bytes sha256 {}",
            x.kind.label_zh(),
            x.file,
            x.size,
            x.sha256
        );
    }
    Ok(0)
}

fn verify(a: VerifyArgs) -> anyhow::Result<u8> {
    let keys = match &a.keys {
        Some(p) => TrustedKeys::from_pem(
            &std::fs::read(p).with_context(|| format!("cannot read {}", p.display()))?,
        )?,
        None => TrustedKeys::compiled()?,
    };
    let path = a.dir.join("manifest.json");
    let signed: SignedUpdateManifest = serde_json::from_slice(
        &std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?,
    )
    .with_context(|| format!("{} is not a signed update manifest", path.display()))?;
    let v = pingshen_update::verify_manifest(&signed, &keys)?;
    let mut bad = 0;
    for x in &v.manifest.artifacts {
        let file = a.dir.join("files").join(&x.file);
        match pingshen_update::file::digest(&file) {
            Ok((size, sha256)) if size == x.size && sha256 == x.sha256 => {
                println!("ok   {} {}", x.kind.label_zh(), x.file)
            }
            Ok(_) => {
                bad += 1;
                println!(
                    "BAD  {} {}: not the file the manifest names",
                    x.kind.label_zh(),
                    x.file
                )
            }
            Err(e) => {
                bad += 1;
                println!("BAD  {} {}: {e}", x.kind.label_zh(), x.file)
            }
        }
    }
    println!(
        "manifest {} {} signed by {}{}",
        v.manifest.product,
        v.manifest.version,
        v.key_id,
        if keys.includes_demo() {
            " (the public DEMO key)"
        } else {
            ""
        }
    );
    Ok(if bad == 0 { 0 } else { 1 })
}
