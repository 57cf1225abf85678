//! `pingshen-platform`: the sandbox trading platform.

use anyhow::Context;
use clap::{Parser, Subcommand};
use pingshen_platform::{demo, AppState, Config, Database};
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
    /// Add a document (a bid, the tender, a clarification) to a sandbox
    /// project; experts get it with their next sync.
    AddDocument(AddDocumentArgs),
    /// Run a complete demo evaluation (five experts, three algorithms, every
    /// signature) on a fresh in-process sandbox and write DIR/package.json
    /// and DIR/trust/ (the CAs' certificates and the platform certificate
    /// to pin), for `pingshen verify`.
    DemoPackage {
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// Folder holding `demo/` and `rules/` (defaults to this source tree's `assets/`).
        #[arg(long, value_name = "DIR")]
        assets: Option<PathBuf>,
    },
}

#[derive(clap::Args)]
struct AddDocumentArgs {
    /// The sandbox's data directory (the one `serve --data` uses; it may be running).
    #[arg(long, value_name = "DIR")]
    data: PathBuf,
    /// The PostgreSQL database the sandbox serves from, if not SQLite.
    #[arg(long, value_name = "URL")]
    database: Option<String>,
    /// Project id, e.g. JA-2026-0117.
    #[arg(long)]
    project: String,
    /// Stable file id within the project, e.g. bid-B01-full.
    #[arg(long)]
    file_id: String,
    /// The bidder the file belongs to (none for the tender).
    #[arg(long)]
    bidder: Option<String>,
    /// tender, bid or clarification.
    #[arg(long, default_value = "bid")]
    kind: String,
    /// Display name, e.g. 投标文件-武汉恒达建设工程有限公司.pdf
    #[arg(long)]
    name: String,
    /// The file to add.
    path: PathBuf,
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
    /// Revoke a demo person's certificate: their CA issues a new CRL listing
    /// it (demo only: a real CA publishes its own). A running platform on
    /// this PKI picks the new CRL up within a second.
    Revoke {
        /// The demo PKI directory (e.g. DATA/pki).
        #[arg(long, value_name = "DIR")]
        pki: PathBuf,
        /// The person id (certificate serialNumber), e.g. E003.
        person: String,
        /// Revocation date, RFC 3339 (default: now). A date in the past
        /// makes documents the platform accepted since then suspect.
        #[arg(long, value_name = "RFC3339")]
        since: Option<String>,
    },
}

#[derive(clap::Args)]
struct ServeArgs {
    /// Directory holding the stored documents, and the platform's SQLite
    /// file unless --database is given.
    #[arg(long, value_name = "DIR")]
    data: PathBuf,
    /// Keep the records in this PostgreSQL database (postgres://user@host:port/db)
    /// instead of DATA/platform.sqlite. Several instances may share it, and
    /// then must share --data too (the stored documents).
    #[arg(long, value_name = "URL")]
    database: Option<String>,
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
        Command::AddDocument(args) => add_document(args),
        Command::Pki(PkiCommand::Init { dir, assets }) => pki_init(dir, assets),
        Command::Pki(PkiCommand::Revoke { pki, person, since }) => pki_revoke(pki, person, since),
        Command::DemoPackage { out, assets } => demo_package(out, assets),
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

fn pki_revoke(pki: PathBuf, person: String, since: Option<String>) -> anyhow::Result<()> {
    let at = match since {
        Some(t) => pingshen_pki::parse_rfc3339(&t).map_err(|e| anyhow::anyhow!(e.message_zh()))?,
        None => time::OffsetDateTime::now_utc(),
    };
    let crl = pingshen_pki::demo::revoke(&pki, &person, at)
        .map_err(|e| anyhow::anyhow!(e.message_zh()))?;
    println!(
        "已吊销 {person} 的证书（吊销时间 {at}），新的证书吊销列表：{}",
        crl.display()
    );
    Ok(())
}

fn add_document(a: AddDocumentArgs) -> anyhow::Result<()> {
    let kind: pingshen_api::DocumentKind =
        serde_json::from_value(serde_json::Value::String(a.kind.clone())).map_err(|_| {
            anyhow::anyhow!("文件类型应为 tender、bid 或 clarification：{}", a.kind)
        })?;
    let bytes = std::fs::read(&a.path).with_context(|| format!("无法读取 {}", a.path.display()))?;
    let db = match &a.database {
        Some(url) => pingshen_platform::db::Db::open_postgres(url)?,
        None => pingshen_platform::db::Db::open_in(&a.data)?,
    };
    let doc = pingshen_platform::files::NewDocument {
        project_id: a.project.clone(),
        file_id: a.file_id,
        bidder_id: a.bidder,
        kind,
        name: a.name,
    };
    let f = pingshen_platform::files::add_document(&db, &a.data, doc, &bytes)?;
    println!(
        "已加入项目 {}：{}（{} 字节，SHA-256 {}）",
        a.project, f.name, f.size, f.sha256
    );
    Ok(())
}

fn demo_package(out: PathBuf, assets: Option<PathBuf>) -> anyhow::Result<()> {
    let assets = assets.unwrap_or_else(demo::default_assets_dir);
    std::fs::create_dir_all(&out).with_context(|| format!("无法创建 {}", out.display()))?;
    // The sandbox (and its private demo keys) lives inside OUT only while
    // the evaluation runs.
    let sandbox = out.join(".sandbox");
    let _ = std::fs::remove_dir_all(&sandbox);
    let result = (|| -> anyhow::Result<(pingshen_api::EvaluationPackage, PathBuf)> {
        let pki_dir = sandbox.join("pki");
        demo::ensure_pki(&pki_dir, &assets)?;
        let state = AppState::open(&Config {
            data_dir: sandbox.join("data"),
            pki_dir: pki_dir.clone(),
            platform_name: "演示沙箱".into(),
            demo: true,
        })?;
        demo::load(&state, &assets)?;
        let project = demo::DemoFile::read(&assets)?.project.id;
        let runtime = tokio::runtime::Runtime::new()?;
        let package = runtime.block_on(async {
            let platform = pingshen_platform::RunningPlatform::start_with(state).await?;
            let package =
                pingshen_platform::demo_run::evaluate(&platform.url(), &pki_dir, &assets, &project)
                    .await
                    .map_err(|e| anyhow::anyhow!("演示评标未能完成：{e}"))?;
            platform.stop().await;
            anyhow::Ok(package)
        })?;
        Ok((package, pki_dir))
    })();
    let written = result.and_then(|(package, pki_dir)| {
        let trust = out.join("trust");
        std::fs::create_dir_all(&trust)?;
        for entry in std::fs::read_dir(pki_dir.join("trust"))? {
            let path = entry?.path();
            if let Some(name) = path.file_name() {
                std::fs::copy(&path, trust.join(name))?;
            }
        }
        std::fs::copy(
            pki_dir.join("platform/platform.pem"),
            trust.join("platform.pem"),
        )?;
        std::fs::write(
            out.join("package.json"),
            serde_json::to_vec_pretty(&package)?,
        )?;
        Ok(package)
    });
    let _ = std::fs::remove_dir_all(&sandbox);
    let package = written?;
    println!(
        "演示评标档案包已写入 {}（项目 {}，{} 份评分表，{} 个报告签名）\n验证：pingshen verify --trust {} --platform-cert {} {}",
        out.join("package.json").display(),
        package.project_id,
        package.sheets.len(),
        package.report_signatures.len(),
        out.join("trust").display(),
        out.join("trust/platform.pem").display(),
        out.join("package.json").display(),
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
    let database = match args.database {
        Some(url) => Database::Postgres(url),
        None => Database::Sqlite,
    };
    let state = AppState::open_on(
        &Config {
            data_dir: args.data.clone(),
            pki_dir,
            platform_name: args.name,
            demo: args.demo,
        },
        &database,
    )?;
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
        // The database URL is not logged: it may hold a password.
        let engine = if database == Database::Sqlite {
            "sqlite"
        } else {
            "postgres"
        };
        tracing::info!(data = %args.data.display(), engine, "platform started");
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
