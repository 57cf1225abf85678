//! Many panels sitting at once across a province (issue 16, item 3): 40
//! projects × 5 experts = 200 concurrent expert clients against (a) the
//! real sandbox platform in this process (127.0.0.1:0, a temp SQLite data
//! dir), then (b) two release `pingshen-platform serve` processes sharing
//! one PostgreSQL database (a throw-away cluster from
//! `pingshen_testkit::postgres`) and one data folder, every client
//! alternating between them request by request (the login's challenge
//! from one, its session opened at the other), and one table with every
//! run side by side. Each expert is its own task with its own
//! `PlatformClient`, its own certificate (a third RSA, a third P-256 from
//! the Hubei demo CA, a third SM2 from the SM demo CA, issued with the demo
//! PKI at start-up) and its own encrypted desktop store, and lives an
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
//! Two modes, on the same platform, each on its own 40 projects:
//!
//! - **burst** (saturation): all 200 expert-days start at once with no
//!   think time — every client logs in, declares, syncs, fills and submits
//!   its sheet and signs the report as fast as it can. No evaluation day
//!   produces this; on two shared cores its latency is mostly queueing
//!   behind the other 199 simulated desktops (each hashing, encrypting,
//!   signing and verifying in this process, where each expert really has
//!   a computer of their own).
//! - **paced**: the 200 experts log in first (real handshakes, spread at
//!   seeded random moments over `PINGSHEN_BENCH_LOGIN_S`, default 20 s)
//!   and hold their sessions for the whole run. Then, in a window of W
//!   seconds, each expert's four steps (declaration, sync, sheet, report)
//!   come at four seeded random offsets, uniform in [0, W) and taken in
//!   order: 800 arrivals spread uniformly over W, i.e. roughly Poisson at
//!   200 × 4 / W steps/s (200 / W sheets/s). An expert whose previous step
//!   is still running starts the next one late (the lag behind the
//!   schedule is reported); the report waits for the panel's five sheets
//!   as in burst. The model: a compressed evaluation day. A real panel
//!   scores for hours and its five sheets arrive minutes apart; 200
//!   experts all submitting within W = 60 s (the default) is already far
//!   burstier than any real day across a province. Each step's latency is
//!   timed from its actual start, as in burst.
//!
//!   After the default window, a short search for the highest arrival
//!   rate at which sheet click-to-receipt p95 stays under 200 ms with 0
//!   errors: when W met the target, the smaller windows of
//!   `PINGSHEN_BENCH_LADDER` (default `120,60,45,30,15`) are tried in turn
//!   until one misses; when it missed, the larger ones until one meets.
//!   Each window runs on fresh projects with the same sessions.
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
//! --bench panels`. Environment:
//!
//! - `PINGSHEN_BENCH_CLIENTS` — experts (default 200; a multiple of 5);
//! - `PINGSHEN_BENCH_ENGINE=sqlite|postgres` — one engine (unset: both);
//! - `PINGSHEN_BENCH_MODE=burst|paced` — one mode (unset: both);
//! - `PINGSHEN_BENCH_WINDOW_S` — the paced run's window W (default 60);
//! - `PINGSHEN_BENCH_LADDER` — the windows the search may try, seconds,
//!   comma-separated (default `120,60,45,30,15`; empty: no search);
//! - `PINGSHEN_BENCH_LOGIN_S` — the paced logins' spread (default 20);
//! - `PINGSHEN_BENCH_SEED` — the offsets' seed (default 16).
//!
//! The default invocation takes about 4–5½ minutes an engine on the
//! 2-core VM, under 10 for both: the PKI and set-up (~40 s), the burst (10–40 s),
//! 20 s of logins, then paced windows of 60 s and, as the search goes,
//! 45, 30 and 15 s (while they meet) or 120 s (when 60 s missed).

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
use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

mod common;
use common::{cpu_seconds, env_num, percentile};

const PANEL: usize = 5;
const STEPS: [&str; 5] = ["login", "declaration", "sync", "sheet", "report"];
/// The paced steps of one expert in a window, in order.
const PACED_STEPS: usize = 4;
/// HTTP requests of one expert-day: challenge + session, declaration,
/// manifest + one file, sheet, report status + report signature.
const REQUESTS_PER_DAY: usize = 8;
/// The target: sheet click-to-receipt p95 under this, with 0 errors.
const TARGET_P95: Duration = Duration::from_millis(200);

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

type StepError = (&'static str, String);

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
    /// When each step started (paced: the arrivals).
    starts: Vec<Instant>,
    /// Paced: how late a step started behind its offset (its expert's
    /// previous step still running), reports apart (they wait for the panel).
    lags: Vec<Duration>,
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

impl Shared {
    fn fail(&self, (step, code): StepError) {
        *self
            .tally
            .lock()
            .unwrap()
            .errors
            .entry((step, code))
            .or_default() += 1;
    }
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

/// What the runs share: the demo PKI with every bench expert, and the plan.
struct Setup {
    clients: usize,
    projects: usize,
    assets: std::path::PathBuf,
    pki_dir: std::path::PathBuf,
    pki: pingshen_pki::demo::DemoPki,
    bench_people: Vec<DemoPerson>,
    burst: bool,
    paced: bool,
    /// The paced run's window, seconds.
    window: f64,
    /// The windows the search may try, seconds.
    ladder: Vec<f64>,
    login_spread: f64,
    seed: u64,
}

/// What one run (one mode, one window, one engine) measured.
struct Run {
    engine: Engine,
    /// "burst" or "paced W=60 s".
    mode: String,
    /// The paced window, seconds.
    window: Option<f64>,
    load_before: String,
    days_completed: usize,
    wall: f64,
    requests: usize,
    errors: usize,
    error_detail: String,
    resends: usize,
    waiting_on_panel: usize,
    /// step → (p50, p95, p99, max) in ms.
    steps: BTreeMap<&'static str, [f64; 4]>,
    /// Paced: steps started per second over the span of their starts.
    arrivals_per_s: Option<f64>,
    /// Paced: p95 and max of the lag behind schedule, ms.
    lag: Option<[f64; 2]>,
    /// Core-seconds: this process (clients, and the platform on SQLite),
    /// the platform processes, PostgreSQL's server, the whole machine.
    cpu_bench: f64,
    cpu_instances: f64,
    cpu_postgres: f64,
    cpu_machine: f64,
    sm2_requests: usize,
    sheet_p95: Option<Duration>,
}

impl Run {
    fn meets_target(&self) -> bool {
        self.errors == 0
            && self.waiting_on_panel == 0
            && self.sheet_p95.is_some_and(|p| p < TARGET_P95)
    }

    fn planned_per_s(&self, clients: usize) -> Option<f64> {
        self.window.map(|w| (clients * PACED_STEPS) as f64 / w)
    }
}

/// splitmix64: the paced offsets, reproducible from the seed.
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// `n` sorted offsets uniform in [0, window) for expert `k` in the round
/// `salt` (the window in ms, or 0 for the logins).
fn offsets(seed: u64, salt: u64, k: usize, window: f64, n: usize) -> Vec<Duration> {
    let mut rng = Rng(seed ^ salt.rotate_left(32) ^ (k as u64).wrapping_mul(0x2545_F491_4F6C_DD1D));
    let mut v: Vec<f64> = (0..n).map(|_| rng.unit() * window).collect();
    v.sort_by(f64::total_cmp);
    v.into_iter().map(Duration::from_secs_f64).collect()
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

fn env_secs(name: &str, default: f64) -> f64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.trim().parse::<f64>().ok())
        .filter(|v| *v > 0.0)
        .unwrap_or(default)
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
    let (burst, paced) = match std::env::var("PINGSHEN_BENCH_MODE").as_deref() {
        Ok("burst") => (true, false),
        Ok("paced") => (false, true),
        Ok("") | Err(_) => (true, true),
        Ok(other) => panic!("PINGSHEN_BENCH_MODE={other}: burst, paced or unset (both)"),
    };
    let window = env_secs("PINGSHEN_BENCH_WINDOW_S", 60.0);
    let ladder: Vec<f64> = std::env::var("PINGSHEN_BENCH_LADDER")
        .unwrap_or_else(|_| "120,60,45,30,15".into())
        .split(',')
        .filter_map(|w| w.trim().parse::<f64>().ok())
        .filter(|w| *w > 0.0 && (*w - window).abs() > 1e-9)
        .collect();
    let login_spread = env_secs("PINGSHEN_BENCH_LOGIN_S", 20.0);
    let seed = env_num("PINGSHEN_BENCH_SEED", 16) as u64;
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
        "panels: demo PKI with {clients} experts {:.1} s; modes: {}{}; paced: W {window} s, search {ladder:?} s, logins over {login_spread} s, seed {seed}; engines: {}",
        setup.elapsed().as_secs_f64(),
        if burst { "burst " } else { "" },
        if paced { "paced" } else { "" },
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
        burst,
        paced,
        window,
        ladder,
        login_spread,
        seed,
    };

    let mut runs = Vec::new();
    for engine in engines {
        runs.extend(run_on(engine, &setup).await);
    }
    // The burst and the paced run at the default window, side by side;
    // then every window tried, and the highest rate meeting the target.
    let main: Vec<&Run> = runs
        .iter()
        .filter(|r| r.window.is_none_or(|w| w == setup.window))
        .collect();
    side_by_side(clients, &main);
    if setup.paced {
        search_summary(clients, &runs);
    }

    // The SM2 references, measured after the runs (not during them).
    let signer = experts_sm2_signer(&setup.pki, &setup.bench_people);
    let (raw, speed) = common::sm2_verify_rates(&signer);
    for r in &main {
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

/// The CPU counters of one engine's processes.
struct Probe {
    /// The serve processes (PostgreSQL) or none (SQLite: in this process).
    pids: Vec<u32>,
    /// PostgreSQL's port, or empty.
    pg_port: String,
}

/// A run being measured: when it started, the counters then.
struct Measuring<'a> {
    probe: &'a Probe,
    load_before: String,
    start: Instant,
    cpu: [f64; 4],
}

impl Probe {
    /// This process, the platform processes, PostgreSQL, the machine.
    fn cpu(&self) -> [f64; 4] {
        [
            cpu_seconds(),
            self.pids.iter().map(|&pid| proc_cpu(pid)).sum(),
            if self.pg_port.is_empty() {
                0.0
            } else {
                postgres_cpu(&self.pg_port)
            },
            machine_busy(),
        ]
    }

    fn start(&self) -> Measuring<'_> {
        Measuring {
            probe: self,
            load_before: load_average(),
            start: Instant::now(),
            cpu: self.cpu(),
        }
    }
}

async fn run_on(engine: Engine, setup: &Setup) -> Vec<Run> {
    let clients = setup.clients;
    let started = Instant::now();
    // Fresh projects for each run: the burst's, the paced window's and
    // each window the search may try.
    let rounds = usize::from(setup.burst)
        + if setup.paced {
            1 + setup.ladder.len()
        } else {
            0
        };
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

    // 40 projects (by default) for each run, each with the demo's bidders and rules,
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
    for i in 0..rounds * setup.projects {
        let (r, p) = (i / setup.projects, i % setup.projects);
        let id = format!("PANEL-{r}-{p:03}");
        staff
            .create_project(&NewProject {
                id: id.clone(),
                name: format!("{}（并发评标 {r}-{p}）", demo_project.summary.name),
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
    println!(
        "panels: {e} set-up {:.1} s, {} projects x {PANEL} experts, client stores under {client_root}, platform {}{}, {} cores, load: {}",
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
        load_average(),
    );

    let pg_port = pg_url
        .as_deref()
        .and_then(|u| u.rsplit_once(':'))
        .and_then(|(_, rest)| rest.split('/').next())
        .unwrap_or("")
        .to_string();
    let probe = Probe {
        pids: instances.iter().map(|i| i.child.id()).collect(),
        pg_port,
    };
    let experts: Vec<Arc<Expert>> = experts.into_iter().map(Arc::new).collect();
    let mut sets = project_ids.chunks(setup.projects);
    let mut runs = Vec::new();

    // Burst: every expert-day at once.
    if setup.burst {
        let projects = sets.next().unwrap();
        let measuring = probe.start();
        let mut tasks = Vec::new();
        for (p, project) in projects.iter().enumerate() {
            let panel = Arc::new(Panel::new());
            for (k, expert) in experts.iter().enumerate().skip(p * PANEL).take(PANEL) {
                let (shared, expert, panel, project) = (
                    shared.clone(),
                    expert.clone(),
                    panel.clone(),
                    project.clone(),
                );
                tasks.push(tokio::spawn(async move {
                    expert_day(&shared, &expert, k, &project, &panel).await;
                }));
            }
        }
        join(&shared, tasks).await;
        runs.push(measuring.finish(engine, "burst".into(), None, clients, &shared));
    }
    if setup.paced {
        runs.extend(paced(engine, setup, &shared, &experts, &probe, &mut sets).await);
    }
    if let Some(p) = in_process {
        p.stop().await;
    }
    drop(instances);
    runs
}

/// Waits for every task; a task that panicked is an error.
async fn join<T>(shared: &Shared, tasks: Vec<tokio::task::JoinHandle<T>>) -> Vec<Option<T>> {
    let mut out = Vec::new();
    for t in tasks {
        match t.await {
            Ok(v) => out.push(Some(v)),
            Err(e) => {
                shared.fail(("task", e.to_string()));
                out.push(None);
            }
        }
    }
    out
}

/// Paced: the logins spread over `login_spread`, the sessions held; the
/// default window; then the search for the smallest window meeting the
/// target (see the header).
async fn paced(
    engine: Engine,
    setup: &Setup,
    shared: &Arc<Shared>,
    experts: &[Arc<Expert>],
    probe: &Probe,
    sets: &mut std::slice::Chunks<'_, String>,
) -> Vec<Run> {
    let clients = setup.clients;
    let measuring = probe.start();
    let start = Instant::now();
    let mut tasks = Vec::new();
    for (k, expert) in experts.iter().enumerate() {
        let at = start + offsets(setup.seed, 0, k, setup.login_spread, 1)[0];
        let (shared, expert) = (shared.clone(), expert.clone());
        tasks.push(tokio::spawn(async move {
            tokio::time::sleep_until(at.into()).await;
            let alg = alg_name(expert.alg);
            timed(&shared, alg, "login", login(&shared, &expert, k))
                .await
                .map_err(|e| shared.fail(e))
                .ok()
        }));
    }
    let mut sessions: Vec<Option<Session>> = join(shared, tasks)
        .await
        .into_iter()
        .map(Option::flatten)
        .collect();
    let logins = measuring.finish(
        engine,
        format!("paced logins over {} s", setup.login_spread),
        None,
        clients,
        shared,
    );

    let mut runs = Vec::new();
    let mut first = paced_window(
        engine,
        setup,
        shared,
        experts,
        &mut sessions,
        sets,
        setup.window,
        probe,
    )
    .await;
    // The logins' figures and errors go with the paced run at the default
    // window (the search's windows hold the same sessions).
    if let Some(f) = logins.steps.get("login") {
        first.steps.insert("login", *f);
    }
    if logins.errors > 0 {
        first.errors += logins.errors;
        first.error_detail = [logins.error_detail, first.error_detail.clone()]
            .into_iter()
            .filter(|d| !d.is_empty())
            .collect::<Vec<_>>()
            .join(", ");
    }
    first.resends += logins.resends;
    first.load_before = logins.load_before;
    let met = first.meets_target();
    runs.push(first);
    // Met: faster (smaller windows) until one misses; missed: slower
    // until one meets.
    let mut next: Vec<f64> = setup
        .ladder
        .iter()
        .copied()
        .filter(|w| {
            if met {
                *w < setup.window
            } else {
                *w > setup.window
            }
        })
        .collect();
    next.sort_by(|a, b| if met { b.total_cmp(a) } else { a.total_cmp(b) });
    for w in next {
        let r = paced_window(
            engine,
            setup,
            shared,
            experts,
            &mut sessions,
            sets,
            w,
            probe,
        )
        .await;
        let m = r.meets_target();
        runs.push(r);
        if m != met {
            break;
        }
    }
    runs
}

/// One paced window: each expert's four steps at seeded offsets in
/// [0, `w`) on the next set of projects, with the sessions held.
#[allow(clippy::too_many_arguments)]
async fn paced_window(
    engine: Engine,
    setup: &Setup,
    shared: &Arc<Shared>,
    experts: &[Arc<Expert>],
    sessions: &mut [Option<Session>],
    sets: &mut std::slice::Chunks<'_, String>,
    w: f64,
    probe: &Probe,
) -> Run {
    let projects = sets.next().unwrap();
    let measuring = probe.start();
    let start = Instant::now();
    let mut tasks = Vec::new();
    for (p, project) in projects.iter().enumerate() {
        let panel = Arc::new(Panel::new());
        for k in p * PANEL..(p + 1) * PANEL {
            let at = offsets(setup.seed, (w * 1e3) as u64, k, w, PACED_STEPS);
            let (shared, expert, panel, project, session) = (
                shared.clone(),
                experts[k].clone(),
                panel.clone(),
                project.clone(),
                sessions[k].take(),
            );
            tasks.push(tokio::spawn(async move {
                match session {
                    Some(s) => {
                        Some(paced_day(&shared, &expert, &project, &panel, s, start, &at).await)
                    }
                    // Its login failed (counted there): it sits out, and
                    // its panel signs no report.
                    None => {
                        panel.meet(&shared, false).await;
                        None
                    }
                }
            }));
        }
    }
    for (k, s) in join(shared, tasks).await.into_iter().enumerate() {
        sessions[k] = s.flatten();
    }
    measuring.finish(
        engine,
        format!("paced W={w} s"),
        Some(w),
        setup.clients,
        shared,
    )
}

impl Measuring<'_> {
    /// The run's figures, printed, from the tally (taken: every task has
    /// ended, no lock held from here on).
    fn finish(
        self,
        engine: Engine,
        mode: String,
        window: Option<f64>,
        clients: usize,
        shared: &Shared,
    ) -> Run {
        let wall = self.start.elapsed().as_secs_f64();
        let now = self.probe.cpu();
        let [cpu_bench, cpu_instances, cpu_postgres, cpu_machine] =
            std::array::from_fn(|i| now[i] - self.cpu[i]);
        let tally = std::mem::take(&mut *shared.tally.lock().unwrap());
        let e = format!("{} {mode}", engine.name());
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
            "panels: {e}: {clients} clients, {} of {clients} expert-days completed in {wall:.2} s; {requests} requests = {:.1} requests/s ({REQUESTS_PER_DAY} a day), {:.2} expert-days/s",
            tally.days_completed,
            requests as f64 / wall,
            tally.days_completed as f64 / wall
        );
        println!(
            "panels: {e}: cpu, core-s in {wall:.1} s: this process {cpu_bench:.1} ({}{clients} clients), platform processes {cpu_instances:.1}, PostgreSQL server {cpu_postgres:.1}; whole machine {cpu_machine:.1} = {:.2} of 2 cores (other engineers' work included)",
            if engine == Engine::Sqlite { "platform and " } else { "" },
            cpu_machine / wall
        );
        let mut arrivals_per_s = None;
        let mut lag = None;
        if let Some(w) = window {
            let mut starts = tally.starts.clone();
            starts.sort();
            // From the window's start to the last step started.
            let span = starts
                .last()
                .map_or(0.0, |b| b.duration_since(self.start).as_secs_f64());
            let achieved = if span > 0.0 {
                starts.len() as f64 / span
            } else {
                0.0
            };
            let mut lags = tally.lags.clone();
            lags.sort();
            let l = if lags.is_empty() {
                [0.0, 0.0]
            } else {
                [ms(percentile(&lags, 0.95)), ms(*lags.last().unwrap())]
            };
            println!(
                "panels: {e}: arrivals planned {:.1} steps/s ({clients} x {PACED_STEPS} in {w} s, {:.2} sheets/s), achieved {achieved:.1} steps/s ({} steps started over {span:.1} s); start behind its offset p95 {:.0} ms, max {:.0} ms",
                (clients * PACED_STEPS) as f64 / w,
                clients as f64 / w,
                starts.len(),
                l[0],
                l[1]
            );
            arrivals_per_s = Some(achieved);
            lag = Some(l);
        }
        let mut steps = BTreeMap::new();
        for step in STEPS {
            let mut all: Vec<Duration> = tally
                .latencies
                .iter()
                .filter(|((s, _), _)| *s == step)
                .flat_map(|(_, v)| v.iter().copied())
                .collect();
            if all.is_empty() {
                continue;
            }
            all.sort();
            let mut by_alg = String::new();
            for alg in ["RS256", "ES256", "SM2SM3"] {
                if let Some(v) = tally.latencies.get(&(step, alg)) {
                    let mut v = v.clone();
                    v.sort();
                    by_alg.push_str(&format!(
                        "  {alg} p50/p95 {:.0}/{:.0}",
                        ms(percentile(&v, 0.5)),
                        ms(percentile(&v, 0.95))
                    ));
                }
            }
            let figures = [
                ms(percentile(&all, 0.5)),
                ms(percentile(&all, 0.95)),
                ms(percentile(&all, 0.99)),
                ms(*all.last().unwrap()),
            ];
            println!(
                "panels: {e}: {step:11} n {:3}  p50 {:7.1} ms  p95 {:7.1} ms  p99 {:7.1} ms  max {:7.1} ms ({})",
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
            "panels: {e}: errors {errors}{}; outbox drains repeated after a transient failure {}",
            if errors == 0 {
                String::new()
            } else {
                format!(" ({error_detail})")
            },
            tally.resends
        );
        if tally.waiting_on_panel > 0 {
            println!(
                "panels: {e}: {} experts left without a report to sign because a panel member's day failed (not counted as errors)",
                tally.waiting_on_panel
            );
        }
        let sm2_requests = tally
            .latencies
            .iter()
            .filter(|((s, a), _)| *a == "SM2SM3" && *s != "sync")
            .map(|(_, v)| v.len())
            .sum::<usize>();
        Run {
            engine,
            mode,
            window,
            load_before: self.load_before,
            days_completed: tally.days_completed,
            wall,
            requests,
            errors,
            error_detail,
            resends: tally.resends,
            waiting_on_panel: tally.waiting_on_panel,
            steps,
            arrivals_per_s,
            lag,
            cpu_bench,
            cpu_instances,
            cpu_postgres,
            cpu_machine,
            sm2_requests,
            sheet_p95,
        }
    }
}

fn p95_cell(p: Option<Duration>) -> String {
    match p {
        Some(p) if p < TARGET_P95 => format!("met ({:.1} ms)", ms(p)),
        Some(p) => format!("MISSED ({:.0} ms)", ms(p)),
        None => "MISSED (no sheet)".into(),
    }
}

fn triple(r: &Run, step: &str) -> String {
    match r.steps.get(step) {
        Some(f) => format!("{:.0} / {:.0} / {:.0}", f[0], f[1], f[2]),
        None => "-".into(),
    }
}

/// The figures of every run, one column each.
fn side_by_side(clients: usize, runs: &[&Run]) {
    let row = |label: &str, cell: &dyn Fn(&Run) -> String| {
        let mut line = format!("panels: | {label:38} |");
        for r in runs {
            line.push_str(&format!(" {:>40} |", cell(r)));
        }
        println!("{line}");
    };
    row(&format!("{clients} clients"), &|r| {
        format!("{}, {}", r.engine.title(), r.mode)
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
    row(
        "steps/s planned / achieved",
        &|r| match (r.planned_per_s(clients), r.arrivals_per_s) {
            (Some(p), Some(a)) => format!("{p:.1} / {a:.1}"),
            _ => "all at once".into(),
        },
    );
    row("start behind offset p95 / max ms", &|r| match r.lag {
        Some([p, m]) => format!("{p:.0} / {m:.0}"),
        None => "-".into(),
    });
    for step in STEPS {
        let label = match step {
            "sheet" => "sheet click-to-receipt p50/p95/p99 ms".to_string(),
            "login" => "login p50/p95/p99 ms (paced: spread)".to_string(),
            _ => format!("{step} p50/p95/p99 ms"),
        };
        row(&label, &|r| triple(r, step));
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
            if r.errors == 0 && r.waiting_on_panel == 0 {
                "met"
            } else {
                "MISSED"
            },
            p95_cell(r.sheet_p95)
        )
    });
}

/// Every paced window tried, per engine, and the highest arrival rate at
/// which sheet p95 < 200 ms with 0 errors.
fn search_summary(clients: usize, runs: &[Run]) {
    for engine in [Engine::Sqlite, Engine::Postgres] {
        let mut tried: Vec<&Run> = runs
            .iter()
            .filter(|r| r.engine == engine && r.window.is_some())
            .collect();
        if tried.is_empty() {
            continue;
        }
        let e = engine.name();
        tried.sort_by(|a, b| b.window.unwrap().total_cmp(&a.window.unwrap()));
        for r in &tried {
            let w = r.window.unwrap();
            println!(
                "panels: search {e}: W {w:>5} s | steps/s planned {:5.1} achieved {:5.1} ({:.2} sheets/s) | sheet p50/p95/p99 {} ms | report p95 {:.0} ms | errors {} | busy {:.2} of 2 | load before {} | {}",
                r.planned_per_s(clients).unwrap(),
                r.arrivals_per_s.unwrap_or(0.0),
                clients as f64 / w,
                triple(r, "sheet"),
                r.steps.get("report").map_or(f64::NAN, |f| f[1]),
                r.errors,
                r.cpu_machine / r.wall,
                r.load_before,
                if r.meets_target() { "met" } else { "MISSED" }
            );
        }
        let best = tried
            .iter()
            .filter(|r| r.meets_target())
            .min_by(|a, b| a.window.unwrap().total_cmp(&b.window.unwrap()));
        match best {
            Some(r) => {
                let w = r.window.unwrap();
                let smallest = tried.iter().all(|o| o.window.unwrap() >= w);
                println!(
                    "panels: {e}: highest arrival rate meeting sheet p95 < 200 ms with 0 errors: W = {w} s = {:.1} steps/s, {:.2} sheets/s ({clients} experts){}",
                    r.planned_per_s(clients).unwrap(),
                    clients as f64 / w,
                    if smallest {
                        " — the smallest window tried; faster was not tried"
                    } else {
                        ""
                    }
                );
            }
            None => {
                let slowest = tried[0];
                println!(
                    "panels: {e}: no window tried met sheet p95 < 200 ms with 0 errors; the slowest, W = {} s: sheet p95 {:.0} ms, {} errors, start behind offset p95 {:.0} ms; cpu core-s bench {:.1} / platform {:.1} / pg {:.1}, machine busy {:.2} of 2 cores, load before {}",
                    slowest.window.unwrap(),
                    slowest.sheet_p95.map_or(f64::NAN, ms),
                    slowest.errors,
                    slowest.lag.map_or(0.0, |l| l[0]),
                    slowest.cpu_bench,
                    slowest.cpu_instances,
                    slowest.cpu_postgres,
                    slowest.cpu_machine / slowest.wall,
                    slowest.load_before
                );
            }
        }
    }
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
        "panels: {} {} SM2 verify {verify_us:.0} µs in process ({raw:.0} /s), openssl speed sm2 verify {} ; per signed SM2 request ~3 verifies = {per_request_us:.0} µs; {} signed SM2 requests = {core_s:.2} core-s = {:.1}% of the platform's cpu ({platform_cpu:.1} core-s{}), {:.1}% of the machine's ({:.1} core-s in {:.1} s)",
        r.engine.name(),
        r.mode,
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

/// A panel's five members meeting after their sheets.
struct Panel {
    barrier: tokio::sync::Barrier,
    sheets_in: AtomicUsize,
}

impl Panel {
    fn new() -> Self {
        Panel {
            barrier: tokio::sync::Barrier::new(PANEL),
            sheets_in: AtomicUsize::new(0),
        }
    }

    /// Waits for the panel's five members (their sheets in, or their day
    /// failed); whether this member may sign the report: its sheet and
    /// every other is in. An expert left without a report because another
    /// member's day failed is counted apart from the errors.
    async fn meet(&self, shared: &Shared, sheet_in: bool) -> bool {
        if sheet_in {
            self.sheets_in.fetch_add(1, Ordering::SeqCst);
        }
        self.barrier.wait().await;
        if !sheet_in {
            return false;
        }
        if self.sheets_in.load(Ordering::SeqCst) < PANEL {
            shared.tally.lock().unwrap().waiting_on_panel += 1;
            return false;
        }
        true
    }
}

/// One expert's signed-in clients, one per instance, taken in turn.
struct Session {
    instances: Vec<PlatformClient>,
    turn: usize,
}

impl Session {
    fn next(&mut self) -> PlatformClient {
        self.turn += 1;
        self.instances[(self.turn - 1) % self.instances.len()].clone()
    }
}

/// Runs one step, recording its latency and start when it succeeds.
async fn timed<T>(
    shared: &Shared,
    alg: &'static str,
    step: &'static str,
    f: impl Future<Output = Result<T, StepError>>,
) -> Result<T, StepError> {
    let t = Instant::now();
    let out = f.await?;
    let d = t.elapsed();
    let mut tally = shared.tally.lock().unwrap();
    tally.latencies.entry((step, alg)).or_default().push(d);
    tally.starts.push(t);
    Ok(out)
}

/// Sleeps until `when`; with `lag`, records how late the step starts.
async fn wait_until(shared: &Shared, when: Instant, lag: bool) {
    tokio::time::sleep_until(when.into()).await;
    if lag {
        let late = Instant::now().saturating_duration_since(when);
        shared.tally.lock().unwrap().lags.push(late);
    }
}

/// Step 1, the login handshake. The challenge from one instance, the
/// session opened at the next (the same one on SQLite); every later request goes
/// to the next instance in turn, so no instance holds anything of this
/// expert.
async fn login(shared: &Shared, expert: &Expert, k: usize) -> Result<Session, StepError> {
    let chain: Vec<Vec<u8>> = expert
        .signer
        .chain()
        .iter()
        .map(|c| c.to_der().unwrap())
        .collect();
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
    Ok(Session {
        instances,
        turn: k + 2,
    })
}

/// 2. The declaration through the outbox.
async fn declare(
    shared: &Shared,
    expert: &Expert,
    project: &str,
    s: &mut Session,
) -> Result<(), StepError> {
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
    deliver(shared, expert, &s.next(), "declaration").await
}

/// 3. Sync: signed manifest, the document, verified and cached.
async fn sync(
    shared: &Shared,
    expert: &Expert,
    project: &str,
    s: &mut Session,
) -> Result<(), StepError> {
    let ctx = SyncContext::new(
        expert.store.clone(),
        s.next(),
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
    Ok(())
}

/// The cells typed into the drafts (not timed: the expert's typing).
fn type_cells(shared: &Shared, expert: &Expert, project: &str) -> Result<(), StepError> {
    let st = expert.store.lock().unwrap();
    for c in &shared.cells {
        evaluation::save_cell(&st, project, c).map_err(|e| ("sheet", e.code.to_string()))?;
    }
    Ok(())
}

/// 4. Click to receipt: validate, sign, queue, send, verify the receipt.
async fn submit_sheet(
    shared: &Shared,
    expert: &Expert,
    project: &str,
    s: &mut Session,
) -> Result<(), StepError> {
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
    deliver(shared, expert, &s.next(), "sheet").await
}

/// 5. The report: its hash, signed, through the outbox.
async fn sign_report(
    shared: &Shared,
    expert: &Expert,
    project: &str,
    s: &mut Session,
) -> Result<(), StepError> {
    let status = s
        .next()
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
    deliver(shared, expert, &s.next(), "report").await
}

/// The report step once the panel has met, counted as a completed day.
async fn report_step(shared: &Shared, expert: &Expert, project: &str, s: &mut Session) {
    let alg = alg_name(expert.alg);
    match timed(
        shared,
        alg,
        "report",
        sign_report(shared, expert, project, s),
    )
    .await
    {
        Ok(()) => shared.tally.lock().unwrap().days_completed += 1,
        Err(e) => shared.fail(e),
    }
}

/// Burst: one expert's evaluation day, each step as soon as the last is
/// done. Errors are recorded, never retried; an expert whose day failed
/// still meets the panel (so the others are not held up) and signs
/// nothing.
async fn expert_day(shared: &Shared, expert: &Expert, k: usize, project: &str, panel: &Panel) {
    let alg = alg_name(expert.alg);
    let ready = async {
        let mut s = timed(shared, alg, "login", login(shared, expert, k)).await?;
        timed(
            shared,
            alg,
            "declaration",
            declare(shared, expert, project, &mut s),
        )
        .await?;
        timed(shared, alg, "sync", sync(shared, expert, project, &mut s)).await?;
        type_cells(shared, expert, project)?;
        timed(
            shared,
            alg,
            "sheet",
            submit_sheet(shared, expert, project, &mut s),
        )
        .await?;
        Ok::<_, StepError>(s)
    }
    .await;
    if let Err(e) = &ready {
        shared.fail(e.clone());
    }
    // The panel's five sheets are in (or someone's day failed).
    if !panel.meet(shared, ready.is_ok()).await {
        return;
    }
    if let Ok(mut s) = ready {
        report_step(shared, expert, project, &mut s).await;
    }
}

/// Paced: one expert's steps in a window, each at its offset from
/// `start` (or when the previous one is done, if later), with the session
/// held; the report waits for the panel too. Hands the session back.
async fn paced_day(
    shared: &Shared,
    expert: &Expert,
    project: &str,
    panel: &Panel,
    mut s: Session,
    start: Instant,
    at: &[Duration],
) -> Session {
    let alg = alg_name(expert.alg);
    let ready = async {
        wait_until(shared, start + at[0], true).await;
        timed(
            shared,
            alg,
            "declaration",
            declare(shared, expert, project, &mut s),
        )
        .await?;
        wait_until(shared, start + at[1], true).await;
        timed(shared, alg, "sync", sync(shared, expert, project, &mut s)).await?;
        type_cells(shared, expert, project)?;
        wait_until(shared, start + at[2], true).await;
        timed(
            shared,
            alg,
            "sheet",
            submit_sheet(shared, expert, project, &mut s),
        )
        .await?;
        Ok::<_, StepError>(())
    }
    .await;
    if let Err(e) = &ready {
        shared.fail(e.clone());
    }
    if panel.meet(shared, ready.is_ok()).await {
        wait_until(shared, start + at[3], false).await;
        report_step(shared, expert, project, &mut s).await;
    }
    s
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
