//! `pingshen bidder answer`: a bidder's answer to the panel's clarification
//! question (澄清), signed with the bidder's own CA certificate and sent to
//! the platform — for the sandbox, where no bidder portal exists. A bidder
//! has no session: the signature is its credential.
//!
//! Prints `{ok, code, message, receipt}`; exits 0 when the platform
//! accepted the answer, 1 when it refused it (`deadline_passed`,
//! `unsolicited`, `already_answered`, …), 2 on a local error.

use anyhow::Context;
use clap::{Args, Subcommand};
use pingshen_api::{ClarificationAnswer, CLARIFICATION_ANSWER_TYP};
use pingshen_client::{sign_document, PlatformClient};
use pingshen_pki::Pkcs12Signer;
use serde_json::json;
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum BidderCommand {
    /// Answer a clarification question, signed (澄清答复).
    Answer(AnswerArgs),
}

#[derive(Args)]
pub struct AnswerArgs {
    /// The platform, e.g. http://127.0.0.1:8640.
    #[arg(long, value_name = "URL")]
    pub platform: String,
    /// The bidder's PKCS#12 file.
    #[arg(long, value_name = "FILE")]
    pub p12: PathBuf,
    /// Environment variable holding the PKCS#12 password.
    #[arg(long, value_name = "VAR")]
    pub password_env: String,
    /// The bidder's code in the project, e.g. B02.
    #[arg(long, value_name = "ID")]
    pub bidder: String,
    #[arg(long, value_name = "ID")]
    pub project: String,
    /// The question's id (`clarification_id`).
    #[arg(long, value_name = "ID")]
    pub clarification: String,
    /// The answer's text.
    #[arg(
        long,
        conflicts_with = "text_file",
        required_unless_present = "text_file"
    )]
    pub text: Option<String>,
    /// A UTF-8 file holding the answer's text.
    #[arg(long, value_name = "FILE")]
    pub text_file: Option<PathBuf>,
}

pub fn run(c: BidderCommand) -> anyhow::Result<u8> {
    match c {
        BidderCommand::Answer(a) => answer(a),
    }
}

fn answer(a: AnswerArgs) -> anyhow::Result<u8> {
    let text = match (&a.text, &a.text_file) {
        (Some(t), _) => t.clone(),
        (None, Some(f)) => {
            std::fs::read_to_string(f).with_context(|| format!("cannot read {}", f.display()))?
        }
        (None, None) => anyhow::bail!("give --text or --text-file"),
    };
    let password = crate::cmd_pki::secret_from_env(&a.password_env)?;
    let signer = Pkcs12Signer::from_file(&a.p12, &password)
        .map_err(|e| anyhow::anyhow!("{}（{}）", e.message_zh(), e.code()))?;
    drop(password);
    let doc = ClarificationAnswer {
        project_id: a.project.clone(),
        clarification_id: a.clarification.clone(),
        bidder_id: a.bidder.clone(),
        text,
    };
    let envelope = sign_document(&signer, CLARIFICATION_ANSWER_TYP, &doc)
        .map_err(|e| anyhow::anyhow!("签名失败：{e}"))?;
    let client = PlatformClient::new(&a.platform).map_err(|e| anyhow::anyhow!("{e}"))?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let sent =
        runtime.block_on(client.answer_clarification(&a.project, &a.clarification, envelope));
    let (out, code) = match sent {
        Ok(accepted) => (
            json!({
                "ok": true,
                "code": "accepted",
                "message": "答复已由平台签收",
                "receipt": accepted.receipt,
            }),
            0,
        ),
        Err(e) if e.is_offline() => return Err(anyhow::anyhow!("{e}（{}）", e.code())),
        Err(e) => (
            json!({ "ok": false, "code": e.code(), "message": e.to_string() }),
            1,
        ),
    };
    crate::cmd_pki::print(&out);
    Ok(code)
}
