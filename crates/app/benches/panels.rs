//! Many panels sitting at once across a province (issue 16, item 3, the
//! SQLite half): 40 projects × 5 experts = 200 concurrent expert clients
//! against the real sandbox platform in this process (127.0.0.1:0, a temp
//! SQLite data dir). Each expert is its own task with its own
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
//! Run: `cargo bench -p pingshen-app --bench panels`. Sizes:
//! `PINGSHEN_BENCH_CLIENTS` (default 200; a multiple of 5).

use pingshen_api::{DeclarationDecision, NewBidder, NewProject, Person, Role, Stage, RULES_TYP};
use pingshen_app::evaluation::{self, RulesInForce};
use pingshen_app::outbox;
use pingshen_app::sync::{sync_project, ProgressFn, SyncContext};
use pingshen_app::PlatformTrust;
use pingshen_client::{sign_challenge, sign_document, PlatformClient};
use pingshen_pki::demo::{DemoAlg, DemoCa, DemoOptions, DemoPeople, DemoPerson};
use pingshen_pki::{Pkcs12Signer, Signer};
use pingshen_platform::{demo, AppState, Config, RunningPlatform};
use pingshen_rules::cells::Cell;
use pingshen_rules::Rules;
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
    url: String,
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

async fn run() {
    let clients = env_num("PINGSHEN_BENCH_CLIENTS", 200).max(PANEL) / PANEL * PANEL;
    let projects = clients / PANEL;
    let setup = Instant::now();

    // The demo people plus the bench experts, from one demo PKI (its two
    // CAs are what the platform trusts).
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
    let pki_secs = setup.elapsed().as_secs_f64();

    let data = tempfile::tempdir().unwrap();
    let state = AppState::open(&Config {
        data_dir: data.path().to_path_buf(),
        pki_dir: pki_dir.clone(),
        platform_name: "压测平台".into(),
        demo: true,
    })
    .unwrap();
    demo::load(&state, &assets).unwrap();
    // The bench experts, registered as the demo's are.
    let now = time::OffsetDateTime::now_utc();
    state
        .db
        .with(|c| {
            for p in &bench_people {
                let identity = pki.people.iter().find(|i| i.id == p.id).unwrap();
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
    let tender = std::fs::read(assets.join("demo/tender.pdf")).unwrap();
    let stored = pingshen_platform::files::put(&platform.state.data_dir, &tender).unwrap();
    let mut project_ids = Vec::new();
    for p in 0..projects {
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
        for e in &bench_people[p * PANEL..(p + 1) * PANEL] {
            staff.assign(&id, &e.id).await.unwrap();
        }
        staff.change_stage(&id, Stage::Evaluating).await.unwrap();
        project_ids.push(id);
    }
    let rules = Rules::from_toml(&published.rules_toml).unwrap();
    // The rules and bidders are the same on every bench project.
    let bidders: Vec<String> = demo_project.bidders.iter().map(|b| b.id.clone()).collect();
    let cells = pingshen_platform::demo_run::full_marks(&rules, &bidders);

    // Each expert's own identity and desktop store. A store stands for a
    // laptop of its own, so it lives in memory (/dev/shm): 200 clients'
    // durable writes must not queue on the platform's disk, as they never
    // would in a province. PINGSHEN_BENCH_CLIENT_DIR=/tmp puts them there.
    let client_root =
        std::env::var("PINGSHEN_BENCH_CLIENT_DIR").unwrap_or_else(|_| "/dev/shm".into());
    println!("panels: client stores under {client_root}");
    let mut experts = Vec::new();
    for p in &bench_people {
        let signer = Arc::new(
            Pkcs12Signer::from_file(&pki.p12_path(&p.id).unwrap(), "pingshen-demo").unwrap(),
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
        url: url.clone(),
        trust: Arc::new(PlatformTrust::new(
            pingshen_pki::demo::load_trust(&pki_dir).unwrap(),
            pingshen_pki::demo::platform_pins(&pki_dir).unwrap(),
        )),
        platform_id: platform.state.platform_id.clone(),
        rules,
        rules_version: published.version,
        rules_sha256: published.sha256.clone(),
        bidders,
        cells,
        extractor: Arc::new(pingshen_docs::Extractor::with_worker("/bin/false")),
        tally: Mutex::new(Tally::default()),
    });
    println!(
        "panels: set-up {:.1} s (demo PKI with {clients} experts {pki_secs:.1} s), {projects} projects x {PANEL} experts, sandbox platform {url}, {} cores, load before: {}",
        setup.elapsed().as_secs_f64(),
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        std::fs::read_to_string("/proc/loadavg")
            .unwrap_or_default()
            .split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    );

    // Every expert at once.
    let cpu_before = cpu_seconds();
    let start = Instant::now();
    let mut tasks = Vec::new();
    let mut experts = experts.into_iter();
    for project in &project_ids {
        let barrier = Arc::new(tokio::sync::Barrier::new(PANEL));
        let sheets_in = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        for _ in 0..PANEL {
            let expert = experts.next().unwrap();
            let (shared, barrier, project, sheets_in) = (
                shared.clone(),
                barrier.clone(),
                project.clone(),
                sheets_in.clone(),
            );
            tasks.push(tokio::spawn(async move {
                expert_day(&shared, &expert, &project, &barrier, &sheets_in).await;
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
    let cpu = cpu_seconds() - cpu_before;

    let tally = shared.tally.lock().unwrap();
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
        "panels: {clients} clients, {} of {clients} expert-days completed in {wall:.2} s; {requests} requests = {:.1} requests/s ({REQUESTS_PER_DAY} a day), {:.2} expert-days/s",
        tally.days_completed,
        requests as f64 / wall,
        tally.days_completed as f64 / wall
    );
    println!(
        "panels: cpu {cpu:.1} core-s in {wall:.1} s = {:.2} of 2 cores (platform and {clients} clients together)",
        cpu / wall
    );
    for step in STEPS {
        let mut all: Vec<Duration> = tally
            .latencies
            .iter()
            .filter(|((s, _), _)| *s == step)
            .flat_map(|(_, v)| v.iter().copied())
            .collect();
        if all.is_empty() {
            println!("panels: {step:11} no successful step");
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
        println!(
            "panels: {step:11} n {:3}  p50 {:7.1} ms  p95 {:7.1} ms  p99 {:7.1} ms  max {:7.1} ms ({})",
            all.len(),
            ms(percentile(&all, 0.5)),
            ms(percentile(&all, 0.95)),
            ms(percentile(&all, 0.99)),
            ms(*all.last().unwrap()),
            by_alg.trim()
        );
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
    println!(
        "panels: errors {errors}{}; outbox drains repeated after a transient failure {}",
        if errors == 0 {
            String::new()
        } else {
            format!(
                " ({})",
                tally
                    .errors
                    .iter()
                    .map(|((step, code), n)| format!("{step} {code}: {n}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        },
        tally.resends
    );
    if tally.waiting_on_panel > 0 {
        println!(
            "panels: {} experts left without a report to sign because a panel member's day failed (not counted as errors)",
            tally.waiting_on_panel
        );
    }
    println!(
        "panels: targets: 0 errors {}, p95 click-to-receipt < 200 ms {}",
        if errors == 0 { "met" } else { "MISSED" },
        match sheet_p95 {
            Some(p) if p < Duration::from_millis(200) => format!("met ({:.1} ms)", ms(p)),
            Some(p) => format!("MISSED ({:.1} ms)", ms(p)),
            None => "MISSED (no sheet)".into(),
        }
    );
    let sm2_requests = tally
        .latencies
        .iter()
        .filter(|((s, a), _)| *a == "SM2SM3" && *s != "sync")
        .map(|(_, v)| v.len())
        .sum::<usize>();
    drop(tally);
    sm2_cost(
        &experts_sm2_signer(&pki, &bench_people),
        sm2_requests,
        wall,
        cpu,
    );
    fsync_bound(&platform.state.data_dir, &data_dir_cells(&shared));
    platform.stop().await;
}

fn data_dir_cells(shared: &Shared) -> String {
    format!(
        "{} cells per sheet, each saved to the expert's store in its own commit before the click",
        shared.cells.len()
    )
}

/// One durable commit's cost where the platform's SQLite lives (append +
/// fdatasync, as a WAL commit with synchronous=FULL does): the platform
/// writes through one connection, so its commits queue behind each other.
/// The experts' stores (also synchronous=FULL) share the same disk here.
fn fsync_bound(data_dir: &std::path::Path, cells: &str) {
    let rate = common::fsync_rate(data_dir);
    println!("panels: bounds: 4 KiB append+fdatasync {rate:.0} /s on the data disk; {cells}");
}

fn experts_sm2_signer(pki: &pingshen_pki::demo::DemoPki, people: &[DemoPerson]) -> Pkcs12Signer {
    let p = people.iter().find(|p| p.alg == DemoAlg::Sm2).unwrap();
    Pkcs12Signer::from_file(&pki.p12_path(&p.id).unwrap(), "pingshen-demo").unwrap()
}

/// The SM2 verify rate in this process and `openssl speed sm2` in the same
/// run; what the signed SM2 requests of the run cost the platform in
/// verifies (signature, leaf certificate and intermediate: three each).
fn sm2_cost(s: &Pkcs12Signer, sm2_requests: usize, wall: f64, cpu: f64) {
    let (raw, speed) = common::sm2_verify_rates(s);
    let verify_us = 1e6 / raw;
    let per_request_us = 3.0 * verify_us;
    println!(
        "panels: SM2 verify {verify_us:.0} µs in process ({raw:.0} /s), openssl speed sm2 verify {} ; per signed SM2 request ~3 verifies = {per_request_us:.0} µs; {sm2_requests} signed SM2 requests = {:.2} core-s = {:.1}% of the run's cpu ({cpu:.1} core-s in {wall:.1} s)",
        speed.map_or("?".to_string(), |v| format!("{:.0} µs ({v:.0} /s)", 1e6 / v)),
        sm2_requests as f64 * per_request_us / 1e6,
        100.0 * sm2_requests as f64 * per_request_us / 1e6 / cpu.max(1e-9)
    );
}

/// One expert's evaluation day. Errors are recorded, never retried; an
/// expert whose day failed still meets the panel (so the others are not
/// held up) and signs nothing.
async fn expert_day(
    shared: &Shared,
    expert: &Expert,
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
        let client = PlatformClient::new(&shared.url)
            .map_err(|e| ("login", e.code().to_string()))?
            .login(&chain, |c| sign_challenge(expert.signer.as_ref(), c))
            .await
            .map_err(|e| ("login", e.code().to_string()))?
            .0;
        record("login", t.elapsed());

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
        deliver(shared, expert, &client, "declaration").await?;
        record("declaration", t.elapsed());

        // 3. Sync: signed manifest, the document, verified and cached.
        let t = Instant::now();
        let ctx = SyncContext::new(
            expert.store.clone(),
            client.clone(),
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
        deliver(shared, expert, &client, "sheet").await?;
        record("sheet", t.elapsed());
        Ok::<_, (&'static str, String)>(client)
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
    let Ok(client) = ready else {
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
        let status = client
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
        deliver(shared, expert, &client, "report").await
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
