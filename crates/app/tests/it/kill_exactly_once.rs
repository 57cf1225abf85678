//! `kill -9` of an expert's client at random moments while it scores and
//! submits, round after round against the real platform: every cell it
//! acknowledged is still saved, every sheet it acknowledged reaches the
//! platform, and no sheet arrives twice.

use pingshen_client::{sign_challenge, PlatformClient};
use pingshen_pki::{Pkcs12Signer, Signer};
use pingshen_platform::RunningPlatform;
use pingshen_store::Vault;
use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const DEMO: &str = "JA-2026-0117";
const EXPERT: &str = "E002";
const ROUNDS: usize = 55;
const TARGET_VERSION: u32 = 20;

/// xorshift: reproducible with the printed seed.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[derive(Default)]
struct Acks {
    /// (kind bidder item) → (value, reason) of the last acknowledged save.
    saved: BTreeMap<String, (String, String)>,
    /// submission id → version.
    queued: BTreeMap<String, u32>,
}

fn run_driver(args: &[String], kill_after: Option<Duration>, acks: &mut Acks) -> Vec<String> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_evaluation-driver"))
        .args(args)
        .stdout(Stdio::piped())
        // A killed round's errors are expected noise; a full run's are not.
        .stderr(if kill_after.is_some() {
            Stdio::null()
        } else {
            Stdio::inherit()
        })
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let lines = Arc::new(Mutex::new(Vec::new()));
    let l = lines.clone();
    let reader = std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            l.lock().unwrap().push(line);
        }
    });
    match kill_after {
        Some(d) => {
            std::thread::sleep(d);
            let _ = child.kill(); // SIGKILL
        }
        None => {
            let deadline = Instant::now() + Duration::from_secs(180);
            while child.try_wait().unwrap().is_none() {
                assert!(Instant::now() < deadline, "driver did not finish");
                std::thread::sleep(Duration::from_millis(50));
            }
        }
    }
    let _ = child.wait();
    reader.join().unwrap();
    let lines = lines.lock().unwrap().clone();
    for line in &lines {
        let parts: Vec<&str> = line.splitn(6, ' ').collect();
        match parts.as_slice() {
            ["saved", kind, bidder, item, value, reason] => {
                acks.saved.insert(
                    format!("{kind} {bidder} {item}"),
                    (value.to_string(), reason.to_string()),
                );
            }
            ["saved", kind, bidder, item, value] => {
                acks.saved.insert(
                    format!("{kind} {bidder} {item}"),
                    (value.to_string(), String::new()),
                );
            }
            ["queued", id, version] => {
                acks.queued.insert(id.to_string(), version.parse().unwrap());
            }
            _ => {}
        }
    }
    lines
}

fn version_in(reason: &str) -> u32 {
    reason
        .trim_start_matches('第')
        .split('版')
        .next()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_while_scoring_and_submitting_loses_nothing_and_doubles_nothing() {
    let platform_dir = tempfile::tempdir().unwrap();
    let vault_dir = tempfile::tempdir().unwrap();
    let platform = RunningPlatform::start_demo(platform_dir.path())
        .await
        .unwrap();
    let p12 = platform.demo_p12(EXPERT);
    let args: Vec<String> = vec![
        platform.url(),
        p12.display().to_string(),
        vault_dir.path().display().to_string(),
        DEMO.into(),
        TARGET_VERSION.to_string(),
        platform.state.pki.dir.display().to_string(),
    ];

    // Staff grant a reopening (评审回退) whenever the expert's latest version
    // has arrived, so that the driver can go on to the next one.
    let staff_signer =
        Pkcs12Signer::from_file(&platform.demo_p12("S001"), "pingshen-demo").unwrap();
    let chain: Vec<Vec<u8>> = staff_signer
        .chain()
        .iter()
        .map(|c| c.to_der().unwrap())
        .collect();
    let (staff, _) = PlatformClient::new(&platform.url())
        .unwrap()
        .login(&chain, |c| sign_challenge(&staff_signer, c))
        .await
        .unwrap();
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let stop2 = stop.clone();
    let reopener = tokio::spawn(async move {
        while !stop2.load(std::sync::atomic::Ordering::Relaxed) {
            if let Ok(panel) = staff.panel(DEMO).await {
                if let Some(m) = panel.members.iter().find(|m| m.id == EXPERT) {
                    if let Some(v) = m.sheet_version {
                        if v < TARGET_VERSION && !m.may_resubmit {
                            let _ = staff
                                .reopen_sheet(DEMO, EXPERT, "测试：允许提交下一版本")
                                .await;
                        }
                    }
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    });

    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
        | 1;
    println!("seed {seed}");
    let mut rng = Rng(seed);
    let mut acks = Acks::default();
    let signer = Pkcs12Signer::from_file(&p12, "pingshen-demo").unwrap();
    for round in 0..ROUNDS {
        let kill_after = Duration::from_millis(40 + rng.next() % 1200);
        let args = args.clone();
        let mut round_acks = std::mem::take(&mut acks);
        round_acks = tokio::task::spawn_blocking(move || {
            run_driver(&args, Some(kill_after), &mut round_acks);
            round_acks
        })
        .await
        .unwrap();
        acks = round_acks;
        // Every acknowledged cell is in the store, at least as new as acknowledged.
        let store = Vault::new(vault_dir.path()).open(&signer).unwrap();
        let cells: BTreeMap<String, (String, String)> = store
            .drafts()
            .list(DEMO)
            .unwrap()
            .into_iter()
            .map(|d| {
                (
                    format!("{} {} {}", d.sheet_kind, d.bidder, d.item),
                    (d.value, d.reason),
                )
            })
            .collect();
        for (key, (value, reason)) in &acks.saved {
            let (got_value, got_reason) = cells
                .get(key)
                .unwrap_or_else(|| panic!("round {round}: acknowledged cell {key} lost"));
            if reason.is_empty() {
                assert_eq!(got_value, value, "round {round}: {key}");
            } else {
                assert!(
                    version_in(got_reason) >= version_in(reason),
                    "round {round}: {key} went back from “{reason}” to “{got_reason}”"
                );
            }
        }
        // Every acknowledged queued sheet is still in the outbox or delivered.
        for id in acks.queued.keys() {
            assert!(
                store.outbox().get(id).unwrap().is_some(),
                "round {round}: queued {id} lost"
            );
        }
    }

    // Let the client finish: drain, score and submit up to the target version.
    let lines = tokio::task::spawn_blocking({
        let args = args.clone();
        let mut a = std::mem::take(&mut acks);
        move || {
            let lines = run_driver(&args, None, &mut a);
            (lines, a)
        }
    })
    .await
    .unwrap();
    acks = lines.1;
    assert_eq!(
        lines.0.last().map(String::as_str),
        Some("done"),
        "{:?}",
        lines.0
    );
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    reopener.await.unwrap();

    let stored = platform
        .state
        .db
        .with(|c| pingshen_platform::db::evaluation::all_sheets(c, DEMO))
        .unwrap();
    let mine: Vec<_> = stored.iter().filter(|s| s.expert_id == EXPERT).collect();
    let versions: Vec<u32> = mine.iter().map(|s| s.version).collect();
    assert_eq!(
        versions,
        (1..=TARGET_VERSION).collect::<Vec<_>>(),
        "one sheet per version, no gap"
    );
    let ids: BTreeSet<&str> = mine.iter().map(|s| s.submission_id.as_str()).collect();
    assert_eq!(ids.len(), mine.len(), "no submission stored twice");
    for (id, version) in &acks.queued {
        let on_platform = mine
            .iter()
            .find(|s| &s.submission_id == id)
            .unwrap_or_else(|| {
                panic!("acknowledged sheet {id} (v{version}) never reached the platform")
            });
        assert_eq!(on_platform.version, *version);
    }
    let store = Vault::new(vault_dir.path()).open(&signer).unwrap();
    assert_eq!(store.outbox().pending_count().unwrap(), 0, "outbox drained");
    println!(
        "{ROUNDS} kill rounds: {} cells and {} sheets acknowledged; platform holds versions {versions:?}",
        acks.saved.len(),
        acks.queued.len()
    );
    platform.stop().await;
}
