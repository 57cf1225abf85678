//! Load on the real sandbox platform over loopback (in this process, on
//! 127.0.0.1:0 with a temp SQLite): complete login handshakes per second per
//! algorithm; verified score-sheet submissions per second with concurrent
//! clients (P-256 and SM2 signers); and click-to-receipt latency — validate,
//! sign, queue durably, send, verify the platform's receipt — as an expert
//! sees it; and document sync throughput (download, verify SHA-256 and SM3,
//! encrypt into the cache) against curl fetching the same files from the
//! same platform in the same run. Run:
//! `cargo bench -p pingshen-app --bench platform_load`.
//! Sizes: `PINGSHEN_BENCH_SECONDS` (default 3), `PINGSHEN_BENCH_PROJECTS`
//! (default 120).

use pingshen_api::{
    Declaration, DeclarationDecision, NewBidder, NewProject, RulesDocument, ScoreSheet, Stage,
    DECLARATION_TEXT, DECLARATION_TYP, RULES_TYP, SCORE_SHEET_TYP,
};
use pingshen_app::evaluation::{self, RulesInForce};
use pingshen_app::outbox;
use pingshen_client::{sign_challenge, sign_document, PlatformClient};
use pingshen_pki::{Pkcs12Signer, Signer};
use pingshen_platform::RunningPlatform;
use pingshen_rules::cells::build_sheet;
use pingshen_rules::Rules;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

mod common;
use common::{cpu_seconds, env_num, percentile};

const DEMO: &str = "JA-2026-0117";
const CONCURRENCY: usize = 8;

fn signer(platform: &RunningPlatform, who: &str) -> Arc<Pkcs12Signer> {
    Arc::new(Pkcs12Signer::from_file(&platform.demo_p12(who), "pingshen-demo").unwrap())
}

fn chain(s: &Pkcs12Signer) -> Vec<Vec<u8>> {
    s.chain().iter().map(|c| c.to_der().unwrap()).collect()
}

async fn login(url: &str, s: &Pkcs12Signer) -> PlatformClient {
    PlatformClient::new(url)
        .unwrap()
        .login(&chain(s), |c| sign_challenge(s, c))
        .await
        .unwrap()
        .0
}

fn main() {
    // The sync indexes what it downloads in a worker process: this binary.
    pingshen_docs::worker::run_if_requested();
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
        .block_on(run());
}

async fn run() {
    let seconds = env_num("PINGSHEN_BENCH_SECONDS", 3) as u64;
    let projects = env_num("PINGSHEN_BENCH_PROJECTS", 120);
    let dir = tempfile::tempdir().unwrap();
    let platform = RunningPlatform::start_demo(dir.path()).await.unwrap();
    let url = platform.url();
    println!(
        "sandbox platform {url}, 2 cores, {CONCURRENCY} concurrent clients, {seconds} s per login run"
    );
    // `PINGSHEN_BENCH_ONLY=sync`: the sync against curl alone (for profiling it).
    if std::env::var("PINGSHEN_BENCH_ONLY").as_deref() == Ok("sync") {
        let staff = login(&url, &signer(&platform, "S001")).await;
        let demo = staff.project(DEMO).await.unwrap();
        sync_against_curl(&platform, &staff, &demo, &url).await;
        return;
    }

    // 1. Complete login handshakes: challenge, signature, session.
    for (who, alg) in [("E001", "RS256"), ("E002", "ES256"), ("E003", "SM2SM3")] {
        let s = signer(&platform, who);
        let done = Arc::new(AtomicUsize::new(0));
        let deadline = Instant::now() + Duration::from_secs(seconds);
        let start = Instant::now();
        let tasks: Vec<_> = (0..CONCURRENCY)
            .map(|_| {
                let (s, done, url) = (s.clone(), done.clone(), url.clone());
                tokio::spawn(async move {
                    // One HTTP client per task (as the app keeps one); each
                    // round is a whole handshake: challenge, sign, session.
                    let anonymous = PlatformClient::new(&url).unwrap();
                    let chain = chain(&s);
                    while Instant::now() < deadline {
                        anonymous
                            .login(&chain, |c| sign_challenge(s.as_ref(), c))
                            .await
                            .unwrap();
                        done.fetch_add(1, Ordering::Relaxed);
                    }
                })
            })
            .collect();
        for t in tasks {
            t.await.unwrap();
        }
        let n = done.load(Ordering::Relaxed);
        println!(
            "login {alg:7} {n:6} handshakes in {:.2} s = {:8.1} /s",
            start.elapsed().as_secs_f64(),
            n as f64 / start.elapsed().as_secs_f64()
        );
    }

    // 2. Projects for the sheets: one per submission, since an expert's
    //    first version is accepted once per project.
    let staff_signer = signer(&platform, "S001");
    let staff = login(&url, &staff_signer).await;
    let demo = staff.project(DEMO).await.unwrap();
    let published = staff.rules(DEMO).await.unwrap();
    let rules = Rules::from_toml(&published.rules_toml).unwrap();
    let bidders: Vec<String> = demo.bidders.iter().map(|b| b.id.clone()).collect();
    // E004 submits SM2 sheets like E003, with the platform's SQLite set to
    // synchronous=NORMAL: what durability costs (see `submission_bounds`).
    let experts = [("E002", "ES256"), ("E003", "SM2SM3"), ("E004", "SM2SM3")];
    let latency_projects = 30;
    let total = projects * experts.len() + latency_projects;
    let setup = Instant::now();
    let mut ids = Vec::new();
    for i in 0..total {
        let id = format!("BENCH-{i:04}");
        staff
            .create_project(&NewProject {
                id: id.clone(),
                name: format!("{}（压测 {i}）", demo.summary.name),
                lot: demo.summary.lot.clone(),
                centre: demo.summary.centre.clone(),
                tenderer: demo.summary.tenderer.clone(),
                ceiling_price: demo.summary.ceiling_price,
                opening_time: demo.summary.opening_time,
                bidders: demo
                    .bidders
                    .iter()
                    .map(|b| NewBidder {
                        id: b.id.clone(),
                        name: b.name.clone(),
                        bid_price: b.bid_price,
                    })
                    .collect(),
                k: demo.k,
            })
            .await
            .unwrap();
        let doc = RulesDocument {
            project_id: id.clone(),
            rules_toml: published.rules_toml.clone(),
            based_on_version: None,
        };
        let env = sign_document(staff_signer.as_ref(), RULES_TYP, &doc).unwrap();
        staff.publish_rules(&id, env).await.unwrap();
        for (who, _) in experts {
            staff.assign(&id, who).await.unwrap();
        }
        staff.change_stage(&id, Stage::Evaluating).await.unwrap();
        ids.push(id);
    }
    let cells = pingshen_platform::demo_run::full_marks(&rules, &bidders);
    println!(
        "set-up: {total} projects in {:.1} s",
        setup.elapsed().as_secs_f64()
    );

    // 3. Verified submissions per second: sheets signed beforehand, sent by
    //    CONCURRENCY clients at once; the platform verifies the chain, the
    //    signature, role, assignment, stage and every value, stores the sheet
    //    and signs a receipt.
    let mut sm2_rates = Vec::new();
    for (n, (who, alg)) in experts.iter().enumerate() {
        let synchronous = if *who == "E004" { "NORMAL" } else { "FULL" };
        platform
            .state
            .db
            .with_sqlite(|c| c.pragma_update(None, "synchronous", synchronous))
            .unwrap();
        let s = signer(&platform, who);
        let client = login(&url, &s).await;
        let mine: Vec<String> = ids[n * projects..(n + 1) * projects].to_vec();
        let mut envelopes = Vec::new();
        for id in &mine {
            let declaration = Declaration {
                project_id: id.clone(),
                expert_id: who.to_string(),
                statement: DECLARATION_TEXT.into(),
                decision: DeclarationDecision::NoConflict,
                reason: None,
            };
            client
                .declare(
                    id,
                    sign_document(s.as_ref(), DECLARATION_TYP, &declaration).unwrap(),
                )
                .await
                .unwrap();
            let sheet = ScoreSheet {
                submission_id: uuid::Uuid::now_v7().to_string(),
                project_id: id.clone(),
                expert_id: who.to_string(),
                version: 1,
                rules_version: published.version,
                rules_sha256: published.sha256.clone(),
                sheet: build_sheet(&rules, who, &bidders, &cells),
            };
            envelopes.push((
                id.clone(),
                sign_document(s.as_ref(), SCORE_SHEET_TYP, &sheet).unwrap(),
            ));
        }
        let queue = Arc::new(Mutex::new(envelopes));
        let start = Instant::now();
        let tasks: Vec<_> = (0..CONCURRENCY)
            .map(|_| {
                let (queue, url, s) = (queue.clone(), url.clone(), s.clone());
                tokio::spawn(async move {
                    let client = login(&url, &s).await;
                    loop {
                        let Some((id, env)) = queue.lock().unwrap().pop() else {
                            break;
                        };
                        client.submit_sheet(&id, env).await.unwrap();
                    }
                })
            })
            .collect();
        for t in tasks {
            t.await.unwrap();
        }
        let secs = start.elapsed().as_secs_f64();
        println!(
            "submit {alg:7} {projects:6} verified sheets in {secs:.2} s = {:8.1} /s (synchronous={synchronous})",
            projects as f64 / secs
        );
        if *alg == "SM2SM3" {
            sm2_rates.push((synchronous, projects as f64 / secs));
        }
    }
    platform
        .state
        .db
        .with_sqlite(|c| c.pragma_update(None, "synchronous", "FULL"))
        .unwrap();
    submission_bounds(&platform, &sm2_rates);

    // 4. Click-to-receipt, one expert (P-256), sequential: validate the
    //    drafts, sign, queue durably (SQLCipher, synchronous=FULL), send,
    //    verify the platform's signed receipt and record it.
    let s = signer(&platform, "E002");
    let client = login(&url, &s).await;
    let trust = Arc::new(pingshen_app::PlatformTrust::new(
        pingshen_pki::demo::load_trust(&platform.state.pki.dir).unwrap(),
        pingshen_pki::demo::platform_pins(&platform.state.pki.dir).unwrap(),
    ));
    let app_dir = tempfile::tempdir().unwrap();
    let store = Arc::new(Mutex::new(
        pingshen_store::Vault::new(app_dir.path())
            .open(s.as_ref())
            .unwrap(),
    ));
    let rif = RulesInForce {
        rules: &rules,
        version: published.version,
        sha256: &published.sha256,
    };
    let mut latencies = Vec::new();
    for id in &ids[experts.len() * projects..] {
        {
            let st = store.lock().unwrap();
            evaluation::declare(
                &st,
                s.as_ref(),
                id,
                "E002",
                DeclarationDecision::NoConflict,
                None,
            )
            .unwrap();
        }
        outbox::drain(&store, &client, &trust).await.unwrap();
        {
            let st = store.lock().unwrap();
            for c in &cells {
                evaluation::save_cell(&st, id, c).unwrap();
            }
        }
        let click = Instant::now();
        {
            let st = store.lock().unwrap();
            evaluation::submit_sheet(&st, s.as_ref(), id, "E002", &rif, &bidders).unwrap();
        }
        let report = outbox::drain(&store, &client, &trust).await.unwrap();
        latencies.push(click.elapsed());
        assert_eq!(report.delivered.len(), 1, "receipt for {id}");
    }
    latencies.sort();
    println!(
        "click-to-receipt (ES256, {} sheets): p50 {:.1} ms  p95 {:.1} ms  max {:.1} ms",
        latencies.len(),
        percentile(&latencies, 0.5).as_secs_f64() * 1e3,
        percentile(&latencies, 0.95).as_secs_f64() * 1e3,
        latencies.last().unwrap().as_secs_f64() * 1e3
    );

    sync_against_curl(&platform, &staff, &demo, &url).await;
}

/// What bounds verified SM2 submissions: the raw SM2 verify rate (in this
/// process and `openssl speed sm2`, same run), one durable commit's cost
/// (append + fdatasync in the platform's data directory, as a WAL commit
/// with synchronous=FULL does), and the submission rates measured above.
fn submission_bounds(platform: &RunningPlatform, sm2_rates: &[(&str, f64)]) {
    let (raw, speed) = common::sm2_verify_rates(&signer(platform, "E003"));
    let fsyncs = common::fsync_rate(&platform.state.data_dir);
    println!(
        "bounds: SM2 verify {raw:.0} /s in process, openssl speed sm2 verify {} /s; 4 KiB append+fdatasync {fsyncs:.0} /s",
        speed.map_or("?".to_string(), |v| format!("{v:.0}"))
    );
    for (synchronous, rate) in sm2_rates {
        println!(
            "  SM2 submissions (synchronous={synchronous}): {rate:.1} /s = {:.2} of the raw verify rate, {:.2} of the fsync rate",
            rate / raw,
            rate / fsyncs
        );
    }
}

/// Files of `SYNC_FILE_MB` MiB each, registered straight into the platform's
/// store, fetched by the sync (3 at a time, as in the app) and by curl
/// (`--parallel-max 3`), each twice; the better run of each is reported.
async fn sync_against_curl(
    platform: &RunningPlatform,
    staff: &PlatformClient,
    demo: &pingshen_api::ProjectDetail,
    url: &str,
) {
    const FILES: usize = 6;
    let file_mb = env_num("PINGSHEN_BENCH_FILE_MB", 32);
    let id = "BENCH-SYNC";
    staff
        .create_project(&NewProject {
            id: id.into(),
            name: "同步吞吐压测".into(),
            lot: demo.summary.lot.clone(),
            centre: demo.summary.centre.clone(),
            tenderer: demo.summary.tenderer.clone(),
            ceiling_price: demo.summary.ceiling_price,
            opening_time: demo.summary.opening_time,
            bidders: demo
                .bidders
                .iter()
                .map(|b| NewBidder {
                    id: b.id.clone(),
                    name: b.name.clone(),
                    bid_price: b.bid_price,
                })
                .collect(),
            k: demo.k,
        })
        .await
        .unwrap();
    // Incompressible bytes: no transport or cache trick helps either side.
    let mut files = Vec::new();
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    for i in 0..FILES {
        let mut bytes = vec![0u8; file_mb << 20];
        for chunk in bytes.chunks_mut(8) {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            chunk.copy_from_slice(&seed.to_le_bytes()[..chunk.len()]);
        }
        let stored = pingshen_platform::files::put(&platform.state.data_dir, &bytes).unwrap();
        files.push(stored.manifest_file(
            format!("blob-{i}"),
            Some(demo.bidders[i % demo.bidders.len()].id.clone()),
            pingshen_api::DocumentKind::Bid,
            format!("压测文件-{i}.bin"),
        ));
    }
    platform
        .state
        .db
        .with(|c| {
            for (i, f) in files.iter().enumerate() {
                pingshen_platform::db::documents::upsert(c, id, f, i as i64)?;
            }
            Ok(())
        })
        .unwrap();
    let published = staff.rules(DEMO).await.unwrap();
    let rules = RulesDocument {
        project_id: id.into(),
        rules_toml: published.rules_toml,
        based_on_version: None,
    };
    let staff_signer = signer(platform, "S001");
    staff
        .publish_rules(
            id,
            sign_document(staff_signer.as_ref(), RULES_TYP, &rules).unwrap(),
        )
        .await
        .unwrap();
    staff.assign(id, "E002").await.unwrap();
    staff.change_stage(id, Stage::Evaluating).await.unwrap();

    let s = signer(platform, "E002");
    let (client, session) = PlatformClient::new(url)
        .unwrap()
        .login(&chain(&s), |c| sign_challenge(s.as_ref(), c))
        .await
        .unwrap();
    let declaration = Declaration {
        project_id: id.into(),
        expert_id: "E002".into(),
        statement: DECLARATION_TEXT.into(),
        decision: DeclarationDecision::NoConflict,
        reason: None,
    };
    client
        .declare(
            id,
            sign_document(s.as_ref(), DECLARATION_TYP, &declaration).unwrap(),
        )
        .await
        .unwrap();
    let total_mb = (FILES * file_mb) as f64;
    let trust = Arc::new(pingshen_app::PlatformTrust::new(
        pingshen_pki::demo::load_trust(&platform.state.pki.dir).unwrap(),
        pingshen_pki::demo::platform_pins(&platform.state.pki.dir).unwrap(),
    ));

    let mut best_sync = f64::MAX;
    let mut sync_cpu = f64::MAX;
    for _ in 0..2 {
        let cpu_before = cpu_seconds();
        // A fresh cache each time: everything is fetched again.
        let app_dir = tempfile::tempdir().unwrap();
        let store = pingshen_store::Vault::new(app_dir.path())
            .open(s.as_ref())
            .unwrap();
        let ctx = pingshen_app::sync::SyncContext::new(
            Arc::new(Mutex::new(store)),
            client.clone(),
            trust.clone(),
            platform.state.platform_id.clone(),
        );
        // Timed up to every file verified and encrypted in the cache (each
        // is reported done before its text is extracted; docs-bench
        // measures extraction).
        let downloaded = Arc::new(Mutex::new(None::<(Instant, f64)>));
        let seen = downloaded.clone();
        let progress: pingshen_app::sync::ProgressFn = Arc::new(move |p| {
            if p.files_total > 0 && p.files_done == p.files_total {
                seen.lock()
                    .unwrap()
                    .get_or_insert_with(|| (Instant::now(), cpu_seconds()));
            }
        });
        let extractor = Arc::new(pingshen_docs::Extractor::new().unwrap());
        let start = Instant::now();
        let report = pingshen_app::sync::sync_project(&ctx, id, extractor, progress)
            .await
            .unwrap();
        let (end, cpu_end) = downloaded
            .lock()
            .unwrap()
            .unwrap_or_else(|| (Instant::now(), cpu_seconds()));
        assert_eq!(report.verified, FILES, "every file verified");
        best_sync = best_sync.min((end - start).as_secs_f64());
        // Includes the platform's share and the text extraction of the
        // files verified before the last (the reading back; the worker
        // process's own share is left out).
        sync_cpu = sync_cpu.min(cpu_end - cpu_before);
    }

    let mut best_curl = f64::MAX;
    let mut curl_cpu = f64::MAX;
    for _ in 0..2 {
        let cpu_before = cpu_seconds();
        let mut cmd = std::process::Command::new("curl");
        cmd.args([
            "--no-progress-meter",
            "--fail",
            "--parallel",
            "--parallel-max",
            "3",
        ])
        .arg("-H")
        .arg(format!("Authorization: Bearer {}", session.token));
        for f in &files {
            cmd.arg("-o")
                .arg("/dev/null")
                .arg(format!("{url}/api/v1/projects/{id}/files/{}", f.file_id));
        }
        let start = Instant::now();
        let status = cmd.status().expect("curl");
        assert!(status.success(), "curl failed");
        best_curl = best_curl.min(start.elapsed().as_secs_f64());
        curl_cpu = curl_cpu.min(cpu_seconds() - cpu_before);
    }
    // What one would do by hand instead: curl through sha256sum and
    // `openssl dgst -sm3` (the same two checks, no encryption), 3 at a time.
    let mut best_checked_curl = f64::MAX;
    for _ in 0..2 {
        let urls: Vec<String> = files
            .iter()
            .map(|f| format!("{url}/api/v1/projects/{id}/files/{}", f.file_id))
            .collect();
        let mut cmd = std::process::Command::new("bash");
        cmd.arg("-c")
            .arg(
                r#"set -o pipefail; printf '%s\n' "$@" | xargs -P 3 -I{} bash -c 'set -o pipefail; curl -sf -H "$AUTH" "{}" | tee >(sha256sum >/dev/null) | openssl dgst -sm3 >/dev/null'"#,
            )
            .arg("checked-curl")
            .args(&urls)
            .env("AUTH", format!("Authorization: Bearer {}", session.token));
        let start = Instant::now();
        let status = cmd.status().expect("bash");
        assert!(
            status.success(),
            "curl | sha256sum | openssl dgst -sm3 failed"
        );
        best_checked_curl = best_checked_curl.min(start.elapsed().as_secs_f64());
    }
    // The ceiling the SM3 check alone sets on two cores.
    let sm3_mb_s = openssl_speed_sm3();
    println!(
        "sync   {FILES} files x {file_mb} MiB: {best_sync:.2} s = {:7.1} MiB/s (download, SHA-256 + SM3 check, AES-256-GCM into the cache)",
        total_mb / best_sync
    );
    println!(
        "curl   {FILES} files x {file_mb} MiB: {best_curl:.2} s = {:7.1} MiB/s (download to /dev/null)",
        total_mb / best_curl
    );
    println!(
        "checked curl {FILES} files x {file_mb} MiB: {best_checked_curl:.2} s = {:7.1} MiB/s (curl | tee >(sha256sum) | openssl dgst -sm3, 3 at a time)",
        total_mb / best_checked_curl
    );
    println!(
        "sm3 bound: openssl speed sm3 {sm3_mb_s:.0} MB/s a core = {:.0} MiB/s on 2 cores",
        2.0 * sm3_mb_s * 1e6 / f64::from(1 << 20)
    );
    println!(
        "sync/curl {:.2}, sync/checked curl {:.2}, sync/sm3 bound {:.2}",
        best_curl / best_sync,
        best_checked_curl / best_sync,
        total_mb / best_sync / (2.0 * sm3_mb_s * 1e6 / f64::from(1 << 20))
    );
    println!(
        "cpu    per GiB, platform and client together: sync {:.2} core-s, curl {:.2} core-s",
        sync_cpu * 1024.0 / total_mb,
        curl_cpu * 1024.0 / total_mb
    );
}

/// `openssl speed -evp sm3` on 64 KiB blocks, in MB/s (10^6 bytes).
fn openssl_speed_sm3() -> f64 {
    let out = std::process::Command::new("openssl")
        .args([
            "speed", "-mr", "-seconds", "1", "-bytes", "65536", "-evp", "sm3",
        ])
        .output()
        .expect("openssl speed");
    // -mr prints "+F:<n>:<name>:<bytes/s for each size>".
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text
        .lines()
        .find(|l| l.starts_with("+F:"))
        .expect("openssl speed -mr result line");
    let bytes_per_s: f64 = line.rsplit(':').next().unwrap().trim().parse().unwrap();
    bytes_per_s / 1e6
}
