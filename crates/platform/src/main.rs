//! `pingshen-platform`: the sandbox trading platform.

use anyhow::Context;
use clap::{Parser, Subcommand};
use pingshen_platform::{demo, AppState, Config};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "pingshen-platform", version, about = "Pingshen 沙箱交易平台")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the platform API.
    Serve(ServeArgs),
    /// Write the OpenAPI document to stdout.
    Openapi,
    /// Demo PKI commands.
    #[command(subcommand)]
    Pki(PkiCommand),
}

#[derive(Subcommand)]
enum PkiCommand {
    /// Create two demo CAs (RSA and SM2), a platform signing certificate and
    /// PKCS#12 identities for the demo people in DIR (demo password
    /// `pingshen-demo`). Refuses a non-empty DIR.
    Init {
        dir: PathBuf,
        /// Folder holding `demo/project.toml` (defaults to this source tree's `assets/`).
        #[arg(long, value_name = "DIR")]
        assets: Option<PathBuf>,
    },
}

#[derive(clap::Args)]
struct ServeArgs {
    /// Directory holding the platform's SQLite file and stored documents.
    #[arg(long, value_name = "DIR")]
    data: PathBuf,
    /// Address to listen on, e.g. 127.0.0.1:8620 (port 0 picks a free one).
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8620")]
    listen: SocketAddr,
    /// Load the demo project, bidders and people (creating the demo PKI in
    /// the PKI directory when it is missing).
    #[arg(long)]
    demo: bool,
    /// PKI directory: trust/, crl/, platform/platform.p12 (default DATA/pki).
    #[arg(long, value_name = "DIR")]
    pki: Option<PathBuf>,
    /// Folder holding `demo/` (defaults to this source tree's `assets/`).
    #[arg(long, value_name = "DIR")]
    assets: Option<PathBuf>,
    /// Display name reported by /health.
    #[arg(long, default_value = "武汉市公共资源交易中心（沙箱）")]
    name: String,
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,tower_http=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Serve(args) => serve(args),
        Command::Openapi => openapi(),
        Command::Pki(PkiCommand::Init { dir, assets }) => pki_init(dir, assets),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("错误：{e:#}");
            ExitCode::FAILURE
        }
    }
}

fn openapi() -> anyhow::Result<()> {
    let doc = pingshen_platform::openapi::document();
    println!("{}", serde_json::to_string_pretty(&doc)?);
    Ok(())
}

fn pki_init(dir: PathBuf, assets: Option<PathBuf>) -> anyhow::Result<()> {
    let assets = assets.unwrap_or_else(demo::default_assets_dir);
    let text = std::fs::read_to_string(assets.join("demo/project.toml"))
        .context("无法读取 demo/project.toml")?;
    let people = pingshen_pki::demo::DemoPeople::from_project_toml(&text)
        .map_err(|e| anyhow::anyhow!(e.message_zh()))?;
    let pki =
        pingshen_pki::demo::init(&dir, &people).map_err(|e| anyhow::anyhow!(e.message_zh()))?;
    println!(
        "演示证书已生成：{}（{} 人，密码 pingshen-demo，仅供演示）",
        pki.dir.display(),
        pki.people.len()
    );
    Ok(())
}

fn serve(args: ServeArgs) -> anyhow::Result<()> {
    // Refuse an unusable data directory before creating anything in it.
    pingshen_platform::db::Db::check_data_dir(&args.data)?;
    let pki_dir = args.pki.clone().unwrap_or_else(|| args.data.join("pki"));
    let assets = args.assets.clone().unwrap_or_else(demo::default_assets_dir);
    if args.demo {
        demo::ensure_pki(&pki_dir, &assets).context("生成演示证书失败")?;
    }
    let state = AppState::open(&Config {
        data_dir: args.data.clone(),
        pki_dir,
        platform_name: args.name,
    })?;
    if args.demo {
        demo::load(&state, &assets).context("加载演示数据失败")?;
    }
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(args.listen)
            .await
            .with_context(|| format!("无法监听 {}", args.listen))?;
        let addr = listener.local_addr()?;
        // Tests and the run script read this line to learn the port.
        println!("pingshen-platform listening on http://{addr}");
        tracing::info!(data = %args.data.display(), "platform started");
        pingshen_platform::serve(listener, state, shutdown_signal()).await?;
        tracing::info!("platform stopped");
        Ok(())
    })
}

async fn shutdown_signal() {
    use tokio::signal::unix::{signal, SignalKind};
    let mut term = signal(SignalKind::terminate()).expect("SIGTERM handler");
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {},
        _ = term.recv() => {},
    }
}
