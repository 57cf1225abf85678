//! `pingshen export ocds PACKAGE.json`: open data (以公开促公平公正). The
//! evaluation package (评标档案包) of a finished evaluation, as the OCDS 1.1
//! release package the platform serves at `GET /projects/{id}/ocds`
//! (`pingshen_ocds`, docs/open-data.md): byte for byte the same document for
//! the same package and platform URL.
//!
//! Prints the release package on stdout (or writes it to `--out`) and exits
//! 0; when the package cannot be published prints `{ok: false, code,
//! message}` (`evaluation_unfinished`, `bad_package`) and exits 1. It does
//! not verify signatures: run `pingshen verify` on the package first.

use anyhow::Context;
use clap::{Args, Subcommand};
use pingshen_api::EvaluationPackage;
use pingshen_ocds::{Evaluation, OcdsError, Publication};
use serde_json::json;
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum ExportCommand {
    /// An evaluation package as an OCDS 1.1 release package (开放数据).
    Ocds(OcdsArgs),
}

#[derive(Args)]
pub struct OcdsArgs {
    /// The platform that publishes the package: its `uri` is
    /// URL/api/v1/projects/{id}/ocds, as the platform itself serves it.
    #[arg(
        long,
        value_name = "URL",
        env = "PINGSHEN_PLATFORM_URL",
        default_value = "http://127.0.0.1:8620"
    )]
    pub platform_url: String,
    /// Write the release package here instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// The evaluation package (pingshen-evaluation-package/2).
    pub package: PathBuf,
}

pub fn run(c: ExportCommand) -> anyhow::Result<u8> {
    match c {
        ExportCommand::Ocds(a) => ocds(a),
    }
}

fn ocds(a: OcdsArgs) -> anyhow::Result<u8> {
    let bytes = std::fs::read(&a.package)
        .with_context(|| format!("cannot read {}", a.package.display()))?;
    let published = serde_json::from_slice::<EvaluationPackage>(&bytes)
        .map_err(|e| OcdsError::BadPackage(format!("评标档案包格式错误：{e}")))
        .and_then(|p| {
            let e = Evaluation::from_package(&p)?;
            pingshen_ocds::release_package(
                &e,
                &Publication {
                    uri: pingshen_ocds::package_uri(&a.platform_url, &p.project_id),
                },
            )
        });
    match published {
        Ok(package) => {
            let text = serde_json::to_string_pretty(&package)?;
            match a.out {
                Some(path) => std::fs::write(&path, text + "\n")
                    .with_context(|| format!("cannot write {}", path.display()))?,
                None => println!("{text}"),
            }
            Ok(0)
        }
        Err(e) => {
            crate::cmd_pki::print(&json!({
                "ok": false, "code": e.code(), "message": e.to_string()
            }));
            Ok(1)
        }
    }
}
