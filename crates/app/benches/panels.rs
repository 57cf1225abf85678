//! Many panels sitting at once across a province (issue 16, item 3): 40
//! projects × 5 experts = 200 concurrent expert clients against (a) the
//! real sandbox platform in this process (127.0.0.1:0, a temp SQLite data
//! dir), then (b) two release `pingshen-platform serve` processes sharing
//! one PostgreSQL database (a throw-away cluster from
//! `pingshen_testkit::postgres`) and one data folder, every client
//! alternating between them request by request (the login's challenge
//! from one, its session opened at the other), and one table with both
//! runs side by side. Each expert is its own task with its own
//! `PlatformClient`, its own certificate (a third RSA, a third P-256 from
//! the Hubei demo CA, a third SM2 from the SM demo CA, issued with the demo
//! PKI at start-up) and its own encrypted desktop store, and lives one
//! evaluation day, every step timed:
//!
//! 1. login — the real handshake: challenge, signature, session;
//! 2. declaration — signed, queued durably, sent through the outbox;
//! 3. sync — `sync::sync_project` as the desktop runs it: signed manifest
//!    fetched and verified, the project's document downloaded, checked
//!    (SHA-256, SM3) and encrypted into the cache;
//! 4. sheet — full marks typed into the drafts, then click to receipt:
//!    validate, sign, queue, send, verify the platform's receipt;
//! 5. report — once the panel's five sheets are in: the report's status,
//!    the signature over its hash, sent through the outbox.
//!
//! Text extraction (which runs in a worker process on each expert's own
//! computer) is left out: the worker here is `/bin/false`, so the sync
//! records the file as unreadable at once instead of spending two shared
//! cores on 200 PDF extractions the platform never sees.
//!
//! Errors are counted by step and code, never retried by the bench; the
//! outbox is drained again, as the desktop's sender does, while it holds a
//! transient failure (those re-sends are counted too).
//!
//! Run: `cargo build --release -p pingshen-platform` (the serve processes
//! are that binary, beside this bench), then `cargo bench -p pingshen-app
//! --bench panels`. Sizes: `PINGSHEN_BENCH_CLIENTS` (default 200; a
//! multiple of 5); `PINGSHEN_BENCH_ENGINE=sqlite|postgres` runs one.

use pingshen_api::{DeclarationDecision, NewBidder, NewProject, Person, Role, Stage, RULES_TYP};
use pingshen_app::evaluation::{self, RulesInForce};
use pingshen_app::outbox;
use pingshen_app::sync::{sync_project, ProgressFn, SyncContext};
use pingshen_app::PlatformTrust;
use pingshen_client::{sign_challenge, sign_document, PlatformClient};
use pingshen_pki::demo::{DemoAlg, DemoCa, DemoOptions, DemoPeople, DemoPerson};
use pingshen_pki::{Pkcs12Signer, Signer};
use pingshen_platform::{demo, AppState, Config, Database, RunningPlatform};
use pingshen_rules::cells::Cell;
use pingshen_rules::Rules;
use pingshen_testkit::ServeProcess;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

mod common;
use common::{cpu_seconds, env_num, percentile};

const PANEL: usize = 5;
const STEPS: [&str; 5] = ["login", "declaration", "sync", "sheet", "report"];
/// HTTP requests of one expert-day: challenge + session, declaration,
/// manifest + one file, sheet, report status + report signature.
const REQUESTS_PER_DAY: usize = 8;

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn alg_name(alg: DemoAlg) -> &'static str {
    match alg {
        DemoAlg::Rsa => "RS256",
        DemoAlg::P256 => "ES256",
        DemoAlg::Sm2 => "SM2SM3",
    }
}

/// What every expert task reports back.
#[derive(Default)]
struct Tally {
    /// (step, algorithm) → latencies of the successful steps.
    latencies: BTreeMap<(&'static str, &'static str), Vec<Duration>>,
    /// (step, error code) → count.
    errors: BTreeMap<(&'static str, String), usize>,
    /// Outbox drains repeated after a transient failure, as the sender does.
    resends: usize,
    days_completed: usize,
    /// Experts who could not sign because a panel member's day failed.
    waiting_on_panel: usize,
}

struct Expert {
    id: String,
    alg: DemoAlg,
    signer: Arc<Pkcs12Signer>,
    store: Arc<Mutex<pingshen_store::Store>>,
    _dir: tempfile::TempDir,
}

struct Shared {
    /// The platform's instances: one on SQLite, two on PostgreSQL.
    urls: Vec<String>,
    trust: Arc<PlatformTrust>,
    platform_id: String,
    rules: Rules,
    rules_version: u32,
    rules_sha256: String,
    bidders: Vec<String>,
    cells: Vec<Cell>,
    extractor: Arc<pingshen_docs::Extractor>,
    tally: Mutex<Tally>,
}

/// Where the platform keeps its records in one run.
#[derive(Clone, Copy, PartialEq)]
enum Engine {
    /// The in-process platform on one SQLite file (item 3(a)).
    Sqlite,
    /// Two `pingshen-platform serve` processes on one PostgreSQL database
    /// and one data folder (item 3(b)).
    Postgres,
}

impl Engine {
    fn name(self) -> &'static str {
        match self {
            Engine::Sqlite => "sqlite",
            Engine::Postgres => "postgres",
        }
    }

    fn title(self) -> &'static str {
        match self {
            Engine::Sqlite => "SQLite, 1 in process",
            Engine::Postgres => "PostgreSQL, 2 processes",
        }
    }
}

/// What the runs share: the demo PKI with every bench expert.
struct Setup {
    clients: usize,
    projects: usize,
    assets: std::path::PathBuf,
    pki_dir: std::path::PathBuf,
    pki: pingshen_pki::demo::DemoPki,
    bench_people: Vec<DemoPerson>,
}

/// What one engine's run measured.
struct Run {
    engine: Engine,
    load_before: String,
    days_completed: usize,
    wall: f64,
    requests: usize,
    errors: usize,
    error_detail: String,
    resends: usize,
    /// step → (p50, p95, p99, max) in ms.
    steps: BTreeMap<&'static str, [f64; 4]>,
    /// Core-seconds: this process (clients, and the platform on SQLite),
    /// the platform processes, PostgreSQL's server, the whole machine.
    cpu_bench: f64,
    cpu_instances: f64,
    cpu_postgres: f64,
    cpu_machine: f64,
    sm2_requests: usize,
    sheet_p95: Option<Duration>,
}

fn main() {
    // The sync may hand files to a worker process: this binary.
    pingshen_docs::worker::run_if_requested();
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
        .block_on(run());
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .unwrap_or_default()
        .split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ")
}

async fn run() {
    let clients = env_num("PINGSHEN_BENCH_CLIENTS", 200).max(PANEL) / PANEL * PANEL;
    let projects = clients / PANEL;
    let engines = match std::env::var("PINGSHEN_BENCH_ENGINE").as_deref() {
        Ok("sqlite") => vec![Engine::Sqlite],
        Ok("postgres") => vec![Engine::Postgres],
        Ok("") | Err(_) => vec![Engine::Sqlite, Engine::Postgres],
        Ok(other) => panic!("PINGSHEN_BENCH_ENGINE={other}: sqlite, postgres or unset (both)"),
    };
    let setup = Instant::now();

    // The demo people plus the bench experts, from one demo PKI (its two
    // CAs are what the platform trusts), shared by both runs.
    let assets = demo::default_assets_dir();
    let mut people = DemoPeople::from_project_toml(
        &std::fs::read_to_string(assets.join("demo/project.toml")).unwrap(),
    )
    .unwrap();
    let algs = [DemoAlg::Rsa, DemoAlg::P256, DemoAlg::Sm2];
    let mut bench_people = Vec::new();
    for i in 0..clients {
        let alg = algs[i % 3];
        let p = DemoPerson {
            id: format!("EX{:03}", i + 1),
            name: format!("压测专家{:03}", i + 1),
            role: "expert".into(),
            ca: if alg == DemoAlg::Sm2 {
                DemoCa::SmCa
            } else {
                DemoCa::HubeiCa
            },
            alg,
        };
        bench_people.push(p.clone());
        people.people.push(p);
    }
    let pki_dir = pingshen_platform::running::test_dir("panels-pki").unwrap();
    let pki = pingshen_pki::demo::init_with(&pki_dir, &people, &DemoOptions::default()).unwrap();
    println!(
        "panels: demo PKI with {clients} experts {:.1} s; engines: {}",
        setup.elapsed().as_secs_f64(),
        engines
            .iter()
            .map(|e| e.title())
            .collect::<Vec<_>>()
            .join(", ")
    );
    let setup = Setup {
        clients,
        projects,
        assets,
        pki_dir,
        pki,
        bench_people,
    };

    let mut runs = Vec::new();
    for engine in engines {
        runs.push(run_on(engine, &setup).await);
    }
    side_by_side(clients, &runs);

    // The SM2 references, measured after the runs (not during them).
    let signer = experts_sm2_signer(&setup.pki, &setup.bench_people);
    let (raw, speed) = common::sm2_verify_rates(&signer);
    for r in &runs {
        sm2_cost(r, raw, speed);
    }
    let probe = tempfile::tempdir().unwrap();
    fsync_bound(probe.path());
}

/// user + system seconds of process `pid` (0 when it is gone).
fn proc_cpu(pid: u32) -> f64 {
    proc_stat(pid).map_or(0.0, |(_, cpu)| cpu)
}

/// (parent pid, user + system seconds) of `pid`.
fn proc_stat(pid: u32) -> Option<(u32, f64)> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let rest = &stat[stat.rfind(')')? + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    // state 3, ppid 4, utime 14, stime 15 (fields after the name from 3).
    let ppid = f.get(1)?.parse().ok()?;
    let cpu = f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?;
    Some((ppid, cpu / 100.0))
}

/// CPU seconds of the PostgreSQL server listening on `port`: its
/// postmaster and every process it started (backends, writers).
fn postgres_cpu(port: &str) -> f64 {
    let pids: Vec<u32> = std::fs::read_dir("/proc")
        .map(|d| {
            d.flatten()
                .filter_map(|e| e.file_name().to_str()?.parse().ok())
                .collect()
        })
        .unwrap_or_default();
    let postmaster = pids.iter().copied().find(|pid| {
        let Ok(cmd) = std::fs::read(format!("/proc/{pid}/cmdline")) else {
            return false;
        };
        let args: Vec<&[u8]> = cmd.split(|b| *b == 0).collect();
        args.first().is_some_and(|a| a.ends_with(b"postgres"))
            && args
                .windows(2)
                .any(|w| w[0] == b"-p" && w[1] == port.as_bytes())
    });
    let Some(pm) = postmaster else {
        return 0.0;
    };
    pids.iter()
        .filter_map(|&pid| proc_stat(pid).map(|(ppid, cpu)| (pid, ppid, cpu)))
        .filter(|&(pid, ppid, _)| pid == pm || ppid == pm)
        .map(|(_, _, cpu)| cpu)
        .sum()
}

/// Busy CPU seconds of the whole machine (every core), from /proc/stat.
fn machine_busy() -> f64 {
    let stat = std::fs::read_to_string("/proc/stat").unwrap_or_default();
    let Some(line) = stat.lines().next() else {
        return 0.0;
    };
    let v: Vec<f64> = line
        .split_whitespace()
        .skip(1)
        .filter_map(|x| x.parse().ok())
        .collect();
    // user nice system idle iowait irq softirq steal: busy = all but idle, iowait.
    let busy: f64 = v
        .iter()
        .take(8)
        .enumerate()
        .filter(|(i, _)| *i != 3 && *i != 4)
        .map(|(_, x)| x)
        .sum();
    busy / 100.0
}

async fn run_on(engine: Engine, setup: &Setup) -> Run {
    let clients = setup.clients;
    let started = Instant::now();
    let data = tempfile::tempdir().unwrap();
    let (database, pg_url) = match engine {
        Engine::Sqlite => (Database::Sqlite, None),
        Engine::Postgres => {
            let url = pingshen_testkit::postgres::database();
            (Database::Postgres(url.clone()), Some(url))
        }
    };
    let state = AppState::open_on(
        &Config {
            data_dir: data.path().to_path_buf(),
            pki_dir: setup.pki_dir.clone(),
            platform_name: "压测平台".into(),
            demo: true,
        },
        &database,
    )
    .unwrap();
    demo::load(&state, &setup.assets).unwrap();
    // The bench experts, registered as the demo's are.
    let now = time::OffsetDateTime::now_utc();
    state
        .db
        .with(|c| {
            for p in &setup.bench_people {
                let identity = setup.pki.people.iter().find(|i| i.id == p.id).unwrap();
                pingshen_platform::db::people::upsert_person(
                    c,
                    &Person {
                        id: p.id.clone(),
                        name: p.name.clone(),
                        role: Role::Expert,
                        city: "武汉".into(),
                    },
                )?;
                pingshen_platform::db::people::bind_cert(
                    c,
                    &p.id,
                    &identity.fingerprint_sha256,
                    &identity.subject,
                    &identity.issuer,
                    now,
                )?;
            }
            Ok(())
        })
        .unwrap();
    // The projects are set up through an in-process platform on the same
    // records; on PostgreSQL it stops before the two serve processes start.
    let platform = RunningPlatform::start_with(state).await.unwrap();
    let url = platform.url();

    // 40 projects (by default), each with the demo's bidders and rules,
    // one document, five experts, evaluating.
    let staff_signer =
        Pkcs12Signer::from_file(&platform.demo_p12("S001"), "pingshen-demo").unwrap();
    let (staff, _) = PlatformClient::new(&url)
        .unwrap()
        .login_with(&staff_signer)
        .await
        .unwrap();
    let demo_project = staff.project("JA-2026-0117").await.unwrap();
    let published = staff.rules("JA-2026-0117").await.unwrap();
    let tender = std::fs::read(setup.assets.join("demo/tender.pdf")).unwrap();
    let stored = pingshen_platform::files::put(&platform.state.data_dir, &tender).unwrap();
    let mut project_ids = Vec::new();
    for p in 0..setup.projects {
        let id = format!("PANEL-{p:03}");
        staff
            .create_project(&NewProject {
                id: id.clone(),
                name: format!("{}（并发评标 {p}）", demo_project.summary.name),
                lot: demo_project.summary.lot.clone(),
                centre: demo_project.summary.centre.clone(),
                tenderer: demo_project.summary.tenderer.clone(),
                ceiling_price: demo_project.summary.ceiling_price,
                opening_time: demo_project.summary.opening_time,
                bidders: demo_project
                    .bidders
                    .iter()
                    .map(|b| NewBidder {
                        id: b.id.clone(),
                        name: b.name.clone(),
                        bid_price: b.bid_price,
                    })
                    .collect(),
                k: demo_project.k,
            })
            .await
            .unwrap();
        let file = stored.clone().manifest_file(
            "tender".to_string(),
            None,
            pingshen_api::DocumentKind::Tender,
            format!("招标文件-{id}.pdf"),
        );
        platform
            .state
            .db
            .with(|c| pingshen_platform::db::documents::upsert(c, &id, &file, 0))
            .unwrap();
        let doc = pingshen_api::RulesDocument {
            project_id: id.clone(),
            rules_toml: published.rules_toml.clone(),
            based_on_version: None,
        };
        staff
            .publish_rules(&id, sign_document(&staff_signer, RULES_TYP, &doc).unwrap())
            .await
            .unwrap();
        for e in &setup.bench_people[p * PANEL..(p + 1) * PANEL] {
            staff.assign(&id, &e.id).await.unwrap();
        }
        staff.change_stage(&id, Stage::Evaluating).await.unwrap();
        project_ids.push(id);
    }
    let rules = Rules::from_toml(&published.rules_toml).unwrap();
    // The rules and bidders are the same on every bench project.
    let bidders: Vec<String> = demo_project.bidders.iter().map(|b| b.id.clone()).collect();
    let cells = pingshen_platform::demo_run::full_marks(&rules, &bidders);
    let platform_id = platform.state.platform_id.clone();

    // SQLite: the in-process platform serves. PostgreSQL: two release
    // `serve` processes on the same database and data folder.
    let (in_process, instances) = match &pg_url {
        None => (Some(platform), Vec::new()),
        Some(db_url) => {
            platform.stop().await;
            let bin = pingshen_testkit::cli::bin("pingshen-platform");
            let start = || ServeProcess::start(&bin, data.path(), &setup.pki_dir, db_url);
            (None, vec![start(), start()])
        }
    };
    let urls: Vec<String> = match &in_process {
        Some(p) => vec![p.url()],
        None => instances.iter().map(|i| i.url.clone()).collect(),
    };

    // Each expert's own identity and desktop store. A store stands for a
    // laptop of its own, so it lives in memory (/dev/shm): 200 clients'
    // durable writes must not queue on the platform's disk, as they never
    // would in a province. PINGSHEN_BENCH_CLIENT_DIR=/tmp puts them there.
    let client_root =
        std::env::var("PINGSHEN_BENCH_CLIENT_DIR").unwrap_or_else(|_| "/dev/shm".into());
    let mut experts = Vec::new();
    for p in &setup.bench_people {
        let signer = Arc::new(
            Pkcs12Signer::from_file(&setup.pki.p12_path(&p.id).unwrap(), "pingshen-demo").unwrap(),
        );
        let dir = tempfile::tempdir_in(&client_root).unwrap();
        let store = pingshen_store::Vault::new(dir.path())
            .open(signer.as_ref())
            .unwrap();
        experts.push(Expert {
            id: p.id.clone(),
            alg: p.alg,
            signer,
            store: Arc::new(Mutex::new(store)),
            _dir: dir,
        });
    }
    let shared = Arc::new(Shared {
        urls: urls.clone(),
        trust: Arc::new(PlatformTrust::new(
            pingshen_pki::demo::load_trust(&setup.pki_dir).unwrap(),
            pingshen_pki::demo::platform_pins(&setup.pki_dir).unwrap(),
        )),
        platform_id,
        rules,
        rules_version: published.version,
        rules_sha256: published.sha256.clone(),
        bidders,
        cells,
        extractor: Arc::new(pingshen_docs::Extractor::with_worker("/bin/false")),
        tally: Mutex::new(Tally::default()),
    });
    let e = engine.name();
    let load_before = load_average();
    println!(
        "panels: {e} set-up {:.1} s, {} projects x {PANEL} experts, client stores under {client_root}, platform {}{}, {} cores, load before: {load_before}",
        started.elapsed().as_secs_f64(),
        setup.projects,
        urls.join(" + "),
        if instances.is_empty() {
            " (in this process)".to_string()
        } else {
            format!(
                " ({} release serve processes, one PostgreSQL database of a throw-away cluster: fsync=off, synchronous_commit=off; one data folder; each client alternates request by request)",
                instances.len()
            )
        },
        std::thread::available_parallelism().map_or(0, |n| n.get()),
    );

    // Every expert at once.
    let pg_port = pg_url
        .as_deref()
        .and_then(|u| u.rsplit_once(':'))
        .and_then(|(_, rest)| rest.split('/').next())
        .unwrap_or("")
        .to_string();
    let cpu_of_instances = || {
        instances
            .iter()
            .map(|i| proc_cpu(i.child.id()))
            .sum::<f64>()
    };
    let cpu_of_postgres = || {
        if pg_port.is_empty() {
            0.0
        } else {
            postgres_cpu(&pg_port)
        }
    };
    let (cpu_before, inst_before, pg_before, machine_before) = (
        cpu_seconds(),
        cpu_of_instances(),
        cpu_of_postgres(),
        machine_busy(),
    );
    let start = Instant::now();
    let mut tasks = Vec::new();
    let mut experts = experts.into_iter().enumerate();
    for project in &project_ids {
        let barrier = Arc::new(tokio::sync::Barrier::new(PANEL));
        let sheets_in = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        for _ in 0..PANEL {
            let (k, expert) = experts.next().unwrap();
            let (shared, barrier, project, sheets_in) = (
                shared.clone(),
                barrier.clone(),
                project.clone(),
                sheets_in.clone(),
            );
            tasks.push(tokio::spawn(async move {
                expert_day(&shared, &expert, k, &project, &barrier, &sheets_in).await;
            }));
        }
    }
    for t in tasks {
        if let Err(e) = t.await {
            let mut tally = shared.tally.lock().unwrap();
            *tally.errors.entry(("task", e.to_string())).or_default() += 1;
        }
    }
    let wall = start.elapsed().as_secs_f64();
    let cpu_bench = cpu_seconds() - cpu_before;
    let cpu_instances = cpu_of_instances() - inst_before;
    let cpu_postgres = cpu_of_postgres() - pg_before;
    let cpu_machine = machine_busy() - machine_before;

    // Every task has ended: the tally is taken, no lock held from here on.
    let tally = std::mem::take(&mut *shared.tally.lock().unwrap());
    let requests: usize = tally
        .latencies
        .iter()
        .map(|((step, _), v)| {
            v.len()
                * match *step {
                    "login" | "sync" | "report" => 2,
                    _ => 1,
                }
        })
        .sum::<usize>();
    let errors: usize = tally.errors.values().sum();
    println!(
        "panels: {e} {clients} clients, {} of {clients} expert-days completed in {wall:.2} s; {requests} requests = {:.1} requests/s ({REQUESTS_PER_DAY} a day), {:.2} expert-days/s",
        tally.days_completed,
        requests as f64 / wall,
        tally.days_completed as f64 / wall
    );
    println!(
        "panels: {e} cpu, core-s in {wall:.1} s: this process {cpu_bench:.1} ({}{clients} clients), platform processes {cpu_instances:.1}, PostgreSQL server {cpu_postgres:.1}; whole machine {cpu_machine:.1} = {:.2} of 2 cores (other engineers' work included)",
        if engine == Engine::Sqlite { "platform and " } else { "" },
        cpu_machine / wall
    );
    let mut steps = BTreeMap::new();
    for step in STEPS {
        let mut all: Vec<Duration> = tally
            .latencies
            .iter()
            .filter(|((s, _), _)| *s == step)
            .flat_map(|(_, v)| v.iter().copied())
            .collect();
        if all.is_empty() {
            println!("panels: {e} {step:11} no successful step");
            continue;
        }
        all.sort();
        let mut by_alg = String::new();
        for alg in ["RS256", "ES256", "SM2SM3"] {
            if let Some(v) = tally.latencies.get(&(step, alg)) {
                let mut v = v.clone();
                v.sort();
                by_alg.push_str(&format!("  {alg} p50 {:.0}", ms(percentile(&v, 0.5))));
            }
        }
        let figures = [
            ms(percentile(&all, 0.5)),
            ms(percentile(&all, 0.95)),
            ms(percentile(&all, 0.99)),
            ms(*all.last().unwrap()),
        ];
        println!(
            "panels: {e} {step:11} n {:3}  p50 {:7.1} ms  p95 {:7.1} ms  p99 {:7.1} ms  max {:7.1} ms ({})",
            all.len(),
            figures[0],
            figures[1],
            figures[2],
            figures[3],
            by_alg.trim()
        );
        steps.insert(step, figures);
    }
    let sheet_p95 = {
        let mut v: Vec<Duration> = tally
            .latencies
            .iter()
            .filter(|((s, _), _)| *s == "sheet")
            .flat_map(|(_, v)| v.iter().copied())
            .collect();
        v.sort();
        (!v.is_empty()).then(|| percentile(&v, 0.95))
    };
    let error_detail = tally
        .errors
        .iter()
        .map(|((step, code), n)| format!("{step} {code}: {n}"))
        .collect::<Vec<_>>()
        .join(", ");
    println!(
        "panels: {e} errors {errors}{}; outbox drains repeated after a transient failure {}",
        if errors == 0 {
            String::new()
        } else {
            format!(" ({error_detail})")
        },
        tally.resends
    );
    if tally.waiting_on_panel > 0 {
        println!(
            "panels: {e} {} experts left without a report to sign because a panel member's day failed (not counted as errors)",
            tally.waiting_on_panel
        );
    }
    let sm2_requests = tally
        .latencies
        .iter()
        .filter(|((s, a), _)| *a == "SM2SM3" && *s != "sync")
        .map(|(_, v)| v.len())
        .sum::<usize>();
    let run = Run {
        engine,
        load_before,
        days_completed: tally.days_completed,
        wall,
        requests,
        errors,
        error_detail,
        resends: tally.resends,
        steps,
        cpu_bench,
        cpu_instances,
        cpu_postgres,
        cpu_machine,
        sm2_requests,
        sheet_p95,
    };
    if let Some(p) = in_process {
        p.stop().await;
    }
    drop(instances);
    run
}

/// The figures of every engine's run, one column each.
fn side_by_side(clients: usize, runs: &[Run]) {
    let row = |label: &str, cell: &dyn Fn(&Run) -> String| {
        let mut line = format!("panels: | {label:38} |");
        for r in runs {
            line.push_str(&format!(" {:>32} |", cell(r)));
        }
        println!("{line}");
    };
    row(&format!("{clients} clients"), &|r| {
        r.engine.title().to_string()
    });
    row("load average before", &|r| r.load_before.clone());
    row("expert-days completed", &|r| {
        format!("{} of {clients}", r.days_completed)
    });
    row("wall s / requests/s / expert-days/s", &|r| {
        format!(
            "{:.1} / {:.1} / {:.2}",
            r.wall,
            r.requests as f64 / r.wall,
            r.days_completed as f64 / r.wall
        )
    });
    for step in STEPS {
        let label = if step == "sheet" {
            "sheet click-to-receipt p50/p95/p99 ms".to_string()
        } else {
            format!("{step} p50/p95/p99 ms")
        };
        row(&label, &|r| match r.steps.get(step) {
            Some(f) => format!("{:.0} / {:.0} / {:.0}", f[0], f[1], f[2]),
            None => "-".into(),
        });
    }
    row("errors (outbox re-drains)", &|r| {
        if r.errors == 0 {
            format!("0 ({})", r.resends)
        } else {
            format!("{} ({}) ({})", r.errors, r.error_detail, r.resends)
        }
    });
    row("cpu core-s: bench / platform / pg", &|r| {
        format!(
            "{:.1} / {:.1} / {:.1}",
            r.cpu_bench, r.cpu_instances, r.cpu_postgres
        )
    });
    row("machine busy, of 2 cores", &|r| {
        format!("{:.2}", r.cpu_machine / r.wall)
    });
    row("targets: 0 errors; sheet p95 < 200 ms", &|r| {
        format!(
            "{}; {}",
            if r.errors == 0 { "met" } else { "MISSED" },
            match r.sheet_p95 {
                Some(p) if p < Duration::from_millis(200) => format!("met ({:.1} ms)", ms(p)),
                Some(p) => format!("MISSED ({:.0} ms)", ms(p)),
                None => "MISSED (no sheet)".into(),
            }
        )
    });
}

/// 4 KiB append + fdatasync per second in the temp dir, where the SQLite
/// run's platform file lives (as a WAL commit with synchronous=FULL
/// does): the platform writes through one connection, so its commits
/// queue behind each other.
fn fsync_bound(dir: &std::path::Path) {
    let rate = common::fsync_rate(dir);
    println!("panels: bounds: 4 KiB append+fdatasync {rate:.0} /s in the temp dir (the SQLite file's disk); each client saves its sheet's cells to its own store, each in its own commit, before the click");
}

fn experts_sm2_signer(pki: &pingshen_pki::demo::DemoPki, people: &[DemoPerson]) -> Pkcs12Signer {
    let p = people.iter().find(|p| p.alg == DemoAlg::Sm2).unwrap();
    Pkcs12Signer::from_file(&pki.p12_path(&p.id).unwrap(), "pingshen-demo").unwrap()
}

/// The SM2 verify rate in this process and `openssl speed sm2` in the same
/// run; what the signed SM2 requests of a run cost the platform in
/// verifies (signature, leaf certificate and intermediate: three each).
fn sm2_cost(r: &Run, raw: f64, speed: Option<f64>) {
    let verify_us = 1e6 / raw;
    let per_request_us = 3.0 * verify_us;
    let platform_cpu = match r.engine {
        Engine::Sqlite => r.cpu_bench,
        Engine::Postgres => r.cpu_instances,
    };
    let core_s = r.sm2_requests as f64 * per_request_us / 1e6;
    println!(
        "panels: {} SM2 verify {verify_us:.0} µs in process ({raw:.0} /s), openssl speed sm2 verify {} ; per signed SM2 request ~3 verifies = {per_request_us:.0} µs; {} signed SM2 requests = {core_s:.2} core-s = {:.1}% of the platform's cpu ({platform_cpu:.1} core-s{}), {:.1}% of the machine's ({:.1} core-s in {:.1} s)",
        r.engine.name(),
        speed.map_or("?".to_string(), |v| format!("{:.0} µs ({v:.0} /s)", 1e6 / v)),
        r.sm2_requests,
        100.0 * core_s / platform_cpu.max(1e-9),
        if r.engine == Engine::Sqlite {
            ", with the clients: one process"
        } else {
            ""
        },
        100.0 * core_s / r.cpu_machine.max(1e-9),
        r.cpu_machine,
        r.wall
    );
}

/// One expert's evaluation day. Errors are recorded, never retried; an
/// expert whose day failed still meets the panel (so the others are not
/// held up) and signs nothing.
async fn expert_day(
    shared: &Shared,
    expert: &Expert,
    k: usize,
    project: &str,
    barrier: &tokio::sync::Barrier,
    sheets_in: &std::sync::atomic::AtomicUsize,
) {
    let alg = alg_name(expert.alg);
    let record = |step: &'static str, d: Duration| {
        shared
            .tally
            .lock()
            .unwrap()
            .latencies
            .entry((step, alg))
            .or_default()
            .push(d);
    };
    let fail = |step: &'static str, code: String| {
        *shared
            .tally
            .lock()
            .unwrap()
            .errors
            .entry((step, code))
            .or_default() += 1;
    };
    let before_panel = async {
        // 1. Login.
        let t = Instant::now();
        let chain: Vec<Vec<u8>> = expert
            .signer
            .chain()
            .iter()
            .map(|c| c.to_der().unwrap())
            .collect();
        // The challenge from one instance, the session opened at the next
        // (the same one on SQLite); every later request goes to the next
        // instance in turn, so no instance holds anything of this expert.
        let n = shared.urls.len();
        let login_err = |e: pingshen_client::ClientError| ("login", e.code().to_string());
        let asked = PlatformClient::new(&shared.urls[k % n]).map_err(login_err)?;
        let challenge = asked.request_challenge(&chain).await.map_err(login_err)?;
        let opened = if n == 1 {
            asked
        } else {
            asked
                .with_base_url(&shared.urls[(k + 1) % n])
                .map_err(login_err)?
        };
        let signed = sign_challenge(expert.signer.as_ref(), &challenge).map_err(login_err)?;
        let session = opened.open_session(signed).await.map_err(login_err)?;
        let at = opened.with_session(&session);
        let mut instances = Vec::new();
        for i in 0..n {
            instances.push(if i == (k + 1) % n {
                at.clone()
            } else {
                at.with_base_url(&shared.urls[i]).map_err(login_err)?
            });
        }
        record("login", t.elapsed());
        let mut turn = k + 2;
        let mut next = move || {
            turn += 1;
            instances[(turn - 1) % n].clone()
        };

        // 2. Declaration through the outbox.
        let t = Instant::now();
        {
            let st = expert.store.lock().unwrap();
            evaluation::declare(
                &st,
                expert.signer.as_ref(),
                project,
                &expert.id,
                DeclarationDecision::NoConflict,
                None,
            )
            .map_err(|e| ("declaration", e.code.to_string()))?;
        }
        deliver(shared, expert, &next(), "declaration").await?;
        record("declaration", t.elapsed());

        // 3. Sync: signed manifest, the document, verified and cached.
        let t = Instant::now();
        let ctx = SyncContext::new(
            expert.store.clone(),
            next(),
            shared.trust.clone(),
            shared.platform_id.clone(),
        );
        let progress: ProgressFn = Arc::new(|_| {});
        let report = sync_project(&ctx, project, shared.extractor.clone(), progress)
            .await
            .map_err(|e| ("sync", e.code.to_string()))?;
        if let Some(f) = report.failed.first() {
            return Err(("sync", f.code.to_string()));
        }
        if report.verified != 1 {
            return Err(("sync", format!("{} files verified", report.verified)));
        }
        record("sync", t.elapsed());

        // 4. The cells typed, then click to receipt.
        {
            let st = expert.store.lock().unwrap();
            for c in &shared.cells {
                evaluation::save_cell(&st, project, c)
                    .map_err(|e| ("sheet", e.code.to_string()))?;
            }
        }
        let t = Instant::now();
        {
            let st = expert.store.lock().unwrap();
            let rif = RulesInForce {
                rules: &shared.rules,
                version: shared.rules_version,
                sha256: &shared.rules_sha256,
            };
            evaluation::submit_sheet(
                &st,
                expert.signer.as_ref(),
                project,
                &expert.id,
                &rif,
                &shared.bidders,
            )
            .map_err(|e| ("sheet", e.code.to_string()))?;
        }
        deliver(shared, expert, &next(), "sheet").await?;
        record("sheet", t.elapsed());
        Ok::<_, (&'static str, String)>(next)
    };
    let ready = before_panel.await;
    match &ready {
        Ok(_) => {
            sheets_in.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        }
        Err((step, code)) => fail(step, code.clone()),
    }
    // The panel's five sheets are in (or someone's day failed).
    barrier.wait().await;
    let Ok(mut next) = ready else {
        return;
    };
    if sheets_in.load(std::sync::atomic::Ordering::SeqCst) < PANEL {
        // No report without every sheet: a consequence of another
        // member's failure, counted apart from the errors.
        shared.tally.lock().unwrap().waiting_on_panel += 1;
        return;
    }

    // 5. The report: its hash, signed, through the outbox.
    let t = Instant::now();
    let signed = async {
        let status = next()
            .report_status(project)
            .await
            .map_err(|e| ("report", e.code().to_string()))?;
        {
            let st = expert.store.lock().unwrap();
            evaluation::sign_report(
                &st,
                expert.signer.as_ref(),
                project,
                &expert.id,
                &status.sha256,
            )
            .map_err(|e| ("report", e.code.to_string()))?;
        }
        deliver(shared, expert, &next(), "report").await
    };
    match signed.await {
        Ok(()) => {
            record("report", t.elapsed());
            shared.tally.lock().unwrap().days_completed += 1;
        }
        Err((step, code)) => fail(step, code),
    }
}

/// Drains the expert's outbox until the entry just queued is delivered:
/// again while it holds a transient failure (as the desktop's sender does,
/// once its back-off has passed), an error once it is refused.
async fn deliver(
    shared: &Shared,
    expert: &Expert,
    client: &PlatformClient,
    step: &'static str,
) -> Result<(), (&'static str, String)> {
    let give_up = Instant::now() + Duration::from_secs(60);
    loop {
        let report = outbox::drain(&expert.store, client, &shared.trust)
            .await
            .map_err(|e| (step, e.code.to_string()))?;
        if !report.delivered.is_empty() {
            return Ok(());
        }
        if let Some((_, code, _)) = report.refused.first() {
            return Err((step, code.clone()));
        }
        if Instant::now() > give_up {
            return Err((step, "undelivered after 60 s".into()));
        }
        shared.tally.lock().unwrap().resends += 1;
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}
