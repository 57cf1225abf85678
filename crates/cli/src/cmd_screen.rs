//! `pingshen screen`.
use clap::Args;

#[derive(Args)]
pub struct ScreenArgs {
    #[arg(long)]
    pub tender: std::path::PathBuf,
}

pub fn run(_a: ScreenArgs) -> anyhow::Result<u8> {
    anyhow::bail!("not built yet")
}
