//! `pingshen`: the headless CLI for staff, auditors and scripts.
//!
//! Each command family lives in its own module; `main` only dispatches and
//! turns errors into a message on stderr and a non-zero exit code.

mod cmd_bidder;
mod cmd_doc;
mod cmd_export;
mod cmd_package;
mod cmd_pki;
mod cmd_rules;
mod cmd_screen;
mod cmd_update;
mod cmd_witness;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "pingshen",
    version,
    about = "Pingshen 评审 command line: certificates, signatures, rules, documents, screens, open data"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Certificate commands (证书).
    #[command(subcommand)]
    Cert(cmd_pki::CertCommand),
    /// Sign a JSON document into a signed envelope (签名).
    Sign(cmd_pki::SignArgs),
    /// Verify a signed envelope (验签).
    Verify(cmd_pki::VerifyArgs),
    /// Evaluation rules (评标办法).
    #[command(subcommand)]
    Rules(cmd_rules::RulesCommand),
    /// Bid documents (文件).
    #[command(subcommand)]
    Doc(cmd_doc::DocCommand),
    /// Collusion and anomaly screens (串标分析).
    Screen(cmd_screen::ScreenArgs),
    /// A bidder's side of the sandbox (投标人): answer a clarification.
    #[command(subcommand)]
    Bidder(cmd_bidder::BidderCommand),
    /// Open data (开放数据): an evaluation package as an OCDS release package.
    #[command(subcommand)]
    Export(cmd_export::ExportCommand),
    /// Desktop updates (软件更新): sign and lay out a publication, or check one.
    #[command(subcommand)]
    Update(cmd_update::UpdateCommand),
}

fn main() -> ExitCode {
    // PDF text is extracted in a child process: this binary re-executed in
    // worker mode. Returns at once unless argv asks for the worker.
    pingshen_docs::worker::run_if_requested();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Cert(c) => cmd_pki::cert(c),
        Command::Sign(a) => cmd_pki::sign(a),
        Command::Verify(a) => cmd_pki::verify(a),
        Command::Rules(c) => cmd_rules::run(c),
        Command::Doc(c) => cmd_doc::run(c),
        Command::Screen(a) => cmd_screen::run(a),
        Command::Bidder(c) => cmd_bidder::run(c),
        Command::Export(c) => cmd_export::run(c),
        Command::Update(c) => cmd_update::run(c),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}
