//! `pingshen rules check|explain|aggregate`.
use clap::Subcommand;

#[derive(Subcommand)]
pub enum RulesCommand {
    /// Validate a rules file.
    Check { file: std::path::PathBuf },
}

pub fn run(_c: RulesCommand) -> anyhow::Result<u8> {
    anyhow::bail!("not built yet")
}
