//! `pingshen doc extract`.
use clap::Subcommand;

#[derive(Subcommand)]
pub enum DocCommand {
    /// Extract per-page text and metadata from a PDF.
    Extract { file: std::path::PathBuf },
}

pub fn run(_c: DocCommand) -> anyhow::Result<u8> {
    anyhow::bail!("not built yet")
}
