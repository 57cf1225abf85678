//! Crash safety: a child process writes in a loop and is killed with SIGKILL
//! at a random moment; everything it reported as committed must be in the
//! store afterwards, intact. And two processes never share a profile.

#[path = "../../src/bin/store-crash-writer/payload.rs"]
#[allow(dead_code)]
mod payload;

use crate::common::{identity, random_bytes};
use pingshen_pki::Signer;
use pingshen_store::{Store, Vault};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const ROUNDS: u32 = 40;

struct Setup {
    dir: tempfile::TempDir,
    signer: pingshen_pki::Pkcs12Signer,
}

impl Setup {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let signer = identity("见证人", "W001");
        let key = signer.private_key().private_key_to_pem_pkcs8().unwrap();
        std::fs::write(dir.path().join("key.pem"), key).unwrap();
        std::fs::write(
            dir.path().join("cert.pem"),
            signer.certificate().to_pem().unwrap(),
        )
        .unwrap();
        Setup { dir, signer }
    }

    fn vault_dir(&self) -> std::path::PathBuf {
        self.dir.path().join("vault")
    }

    fn spawn(&self, round: u32) -> Child {
        Command::new(env!("CARGO_BIN_EXE_store-crash-writer"))
            .arg(self.vault_dir())
            .arg(self.dir.path().join("key.pem"))
            .arg(self.dir.path().join("cert.pem"))
            .arg(round.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    }

    fn open(&self) -> Store {
        Vault::new(self.vault_dir()).open(&self.signer).unwrap()
    }
}

/// Reads whole lines (ending in '\n') until EOF; a torn last line is dropped.
fn complete_lines(stdout: impl std::io::Read) -> Vec<String> {
    let mut reader = BufReader::new(stdout);
    let mut lines = Vec::new();
    loop {
        let mut buf = Vec::new();
        match reader.read_until(b'\n', &mut buf) {
            Ok(0) | Err(_) => return lines,
            Ok(_) if buf.ends_with(b"\n") => {
                lines.push(String::from_utf8_lossy(&buf[..buf.len() - 1]).into_owned())
            }
            Ok(_) => return lines,
        }
    }
}

fn random_below(n: u64) -> u64 {
    let b = random_bytes(8);
    u64::from_le_bytes(b.try_into().unwrap()) % n
}

/// Checks every acknowledged write of one round; returns how many there were.
fn check_acknowledged(store: &Store, lines: &[String]) -> usize {
    let mut count = 0;
    for line in lines {
        let parts: Vec<&str> = line.split(' ').collect();
        if parts[0] == "ready" {
            continue;
        }
        let round: u32 = parts[1].parse().unwrap();
        let i: u32 = parts[2].parse().unwrap();
        match parts[0] {
            "D" => {
                let expected = payload::draft(round, i);
                let got = store
                    .drafts()
                    .get(
                        payload::PROJECT,
                        payload::SHEET_KIND,
                        &expected.bidder,
                        &expected.item,
                    )
                    .unwrap()
                    .unwrap_or_else(|| panic!("acknowledged draft {line} is missing"));
                assert_eq!(got.value, expected.value, "{line}");
                assert_eq!(got.reason, expected.reason, "{line}");
            }
            "O" => {
                let id = payload::submission_id(round, i);
                let got = store
                    .outbox()
                    .get(&id)
                    .unwrap()
                    .unwrap_or_else(|| panic!("acknowledged submission {line} is missing"));
                assert_eq!(got.body, payload::submission_body(round, i), "{line}");
            }
            "W" => {
                let seq: u64 = parts[3].parse().unwrap();
                let log = store.witness_log().list(payload::PROJECT).unwrap();
                let entry = log
                    .get(seq as usize - 1)
                    .unwrap_or_else(|| panic!("acknowledged witness entry {line} is missing"));
                assert_eq!(
                    entry.envelope,
                    payload::witness_envelope(round, i),
                    "{line}"
                );
            }
            other => panic!("unexpected line {other:?}"),
        }
        count += 1;
    }
    count
}

/// The witness log is a gap-free chain whose hashes recompute.
fn check_chain(store: &Store) {
    let log = store.witness_log().list(payload::PROJECT).unwrap();
    let mut prev: Option<String> = None;
    for (n, e) in log.iter().enumerate() {
        assert_eq!(e.seq, n as u64 + 1);
        assert_eq!(e.prev_hash, prev);
        assert_eq!(
            e.entry_hash,
            payload::entry_hash(prev.as_deref(), &e.envelope)
        );
        prev = Some(e.entry_hash.clone());
    }
}

#[test]
fn nothing_acknowledged_is_lost_when_the_writer_is_killed() {
    let setup = Setup::new();
    let started = Instant::now();
    let mut acknowledged = 0;
    let mut rounds_with_writes = 0;
    for round in 0..ROUNDS {
        let mut child = setup.spawn(round);
        let stdout = child.stdout.take().unwrap();
        let reader = std::thread::spawn(move || complete_lines(stdout));
        // Anywhere from during the open (profile creation, migration) to deep in the loop.
        std::thread::sleep(Duration::from_millis(random_below(250)));
        child.kill().unwrap(); // SIGKILL on Unix
        child.wait().unwrap();
        let lines = reader.join().unwrap();

        let store = setup.open();
        store.integrity_check().unwrap();
        let n = check_acknowledged(&store, &lines);
        check_chain(&store);
        acknowledged += n;
        rounds_with_writes += usize::from(n > 0);
    }
    println!(
        "{ROUNDS} rounds, {acknowledged} acknowledged writes checked, {rounds_with_writes} rounds killed mid-loop, {:?}",
        started.elapsed()
    );
    assert!(
        rounds_with_writes >= ROUNDS as usize / 4,
        "most kills should land inside the write loop ({rounds_with_writes}/{ROUNDS})"
    );
}

fn wait_for_ready(child: &mut Child) -> impl std::io::Read {
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    assert_eq!(line.trim(), "ready");
    stdout
}

#[test]
fn a_second_process_gets_store_locked_until_the_first_dies() {
    let setup = Setup::new();
    drop(setup.open()); // create the profile first
    let mut child = setup.spawn(1000);
    let _stdout = wait_for_ready(&mut child);
    let err = Vault::new(setup.vault_dir())
        .open(&setup.signer)
        .unwrap_err();
    assert_eq!(err.code(), "store_locked");
    child.kill().unwrap();
    child.wait().unwrap();
    let store = setup.open();
    store.integrity_check().unwrap();
    check_chain(&store);

    // And the other way round: while this process holds it, the child cannot open.
    let out = Command::new(env!("CARGO_BIN_EXE_store-crash-writer"))
        .arg(setup.vault_dir())
        .arg(setup.dir.path().join("key.pem"))
        .arg(setup.dir.path().join("cert.pem"))
        .args(["1001", "1"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("store_locked"));
    drop(store);
    assert_lock_file_only(&setup.vault_dir());
}

/// The lock is advisory: the lock file stays, empty, and means nothing by itself.
fn assert_lock_file_only(vault: &Path) {
    let profiles: Vec<_> = std::fs::read_dir(vault.join("profiles")).unwrap().collect();
    assert_eq!(profiles.len(), 1);
    let dir = profiles[0].as_ref().unwrap().path();
    assert_eq!(std::fs::metadata(dir.join("lock")).unwrap().len(), 0);
}
