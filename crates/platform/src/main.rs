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
}

#[derive(clap::Args)]
struct ServeArgs {
    /// Directory holding the platform's SQLite file and stored documents.
    #[arg(long, value_name = "DIR")]
    data: PathBuf,
    /// Address to listen on, e.g. 127.0.0.1:8620 (port 0 picks a free one).
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8620")]
    listen: SocketAddr,
    /// Load the demo project, bidders and people.
    #[arg(long)]
    demo: bool,
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

fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let state = AppState::open(&Config {
        data_dir: args.data.clone(),
        platform_name: args.name,
    })?;
    if args.demo {
        let assets = args.assets.unwrap_or_else(demo::default_assets_dir);
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
