//! `pingshen cert verify`, `pingshen sign`, `pingshen verify`.
use clap::{Args, Subcommand};

#[derive(Subcommand)]
pub enum CertCommand {
    /// Validate a certificate against a trust directory.
    Verify(CertVerifyArgs),
}

#[derive(Args)]
pub struct CertVerifyArgs {
    pub cert: std::path::PathBuf,
}

#[derive(Args)]
pub struct SignArgs {
    pub input: std::path::PathBuf,
    pub output: std::path::PathBuf,
}

#[derive(Args)]
pub struct VerifyArgs {
    pub input: std::path::PathBuf,
}

pub fn cert(_c: CertCommand) -> anyhow::Result<u8> {
    anyhow::bail!("not built yet")
}
pub fn sign(_a: SignArgs) -> anyhow::Result<u8> {
    anyhow::bail!("not built yet")
}
pub fn verify(_a: VerifyArgs) -> anyhow::Result<u8> {
    anyhow::bail!("not built yet")
}
