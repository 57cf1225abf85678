//! The parent's side of isolation, driven by stand-in workers (shell scripts
//! speaking the worker protocol) that crash, hang or talk nonsense on cue.

use pingshen_docs::{ExtractError, Extractor, PageFailureCode};
use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use std::time::{Duration, Instant};

const PDF: &[u8] = b"%PDF-1.4\n(the stand-in workers ignore the bytes)\n";

/// Writes an executable script; `body` runs after `$from` is parsed from the
/// arguments and stdin is drained.
fn script(dir: &tempfile::TempDir, name: &str, body: &str) -> PathBuf {
    let path = dir.path().join(name);
    let text = format!(
        "#!/bin/sh\nfrom=1\nfor a in \"$@\"; do case $a in --from-page=*) from=${{a#--from-page=}};; esac; done\n\
         cat > /dev/null\n\
         doc() {{ echo '{{\"kind\":\"document\",\"metadata\":{{\"page_count\":'$1',\"pdf_version\":\"1.4\"}},\"page_count\":'$1',\"warnings\":[]}}'; }}\n\
         start() {{ echo '{{\"kind\":\"page_start\",\"number\":'$1'}}'; }}\n\
         page() {{ start $1; echo '{{\"kind\":\"page\",\"page\":{{\"number\":'$1',\"text\":\"text of page '$1'\",\"source\":\"pdf_extract\",\"needs_ocr\":false}}}}'; }}\n\
         finish() {{ echo '{{\"kind\":\"outline\",\"outline\":[],\"warning\":null}}'; echo '{{\"kind\":\"done\"}}'; }}\n\
         {body}\n"
    );
    std::fs::write(&path, text).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

fn extractor(worker: PathBuf) -> Extractor {
    Extractor::with_worker(worker)
        .load_timeout(Duration::from_secs(3))
        .page_timeout(Duration::from_secs(2))
        .document_timeout(Duration::from_secs(60))
}

#[test]
fn a_crash_and_a_hang_cost_one_page_each() {
    let dir = tempfile::tempdir().unwrap();
    let worker = script(
        &dir,
        "worker.sh",
        "doc 4\nn=$from\nwhile [ $n -le 4 ]; do\n  case $n in\n    2) start 2; kill -SEGV $$ ;;\n    3) start 3; sleep 30 ;;\n    *) page $n ;;\n  esac\n  n=$((n+1))\ndone\nfinish",
    );
    let started = Instant::now();
    let extraction = extractor(worker).extract(PDF).unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "{:?}",
        started.elapsed()
    );
    let read: Vec<u32> = extraction.pages.iter().map(|p| p.number).collect();
    assert_eq!(read, vec![1, 4]);
    let failed: Vec<(u32, PageFailureCode)> = extraction
        .failed_pages
        .iter()
        .map(|f| (f.number, f.code))
        .collect();
    assert_eq!(
        failed,
        vec![
            (2, PageFailureCode::WorkerCrashed),
            (3, PageFailureCode::PageTimeout)
        ]
    );
    assert_eq!(
        extraction.failed_pages[0].message,
        "读取该页时提取进程异常退出，已跳过"
    );
}

#[test]
fn too_many_restarts_abandon_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let worker = script(&dir, "worker.sh", "doc 20\nstart $from\nkill -SEGV $$");
    let extraction = extractor(worker).extract(PDF).unwrap();
    assert!(extraction.pages.is_empty());
    let crashed = extraction
        .failed_pages
        .iter()
        .filter(|f| f.code == PageFailureCode::WorkerCrashed)
        .count();
    let abandoned = extraction
        .failed_pages
        .iter()
        .filter(|f| f.code == PageFailureCode::Abandoned)
        .count();
    assert_eq!(crashed, 9, "first run plus 8 restarts");
    assert_eq!(abandoned, 11);
}

#[test]
fn a_worker_that_hangs_before_describing_the_document_times_out() {
    let dir = tempfile::tempdir().unwrap();
    let worker = script(&dir, "worker.sh", "sleep 30");
    let started = Instant::now();
    let error = extractor(worker).extract(PDF).unwrap_err();
    assert_eq!(error, ExtractError::WorkerTimeout);
    assert_eq!(error.code(), "worker_timeout");
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[test]
fn a_worker_that_dies_at_once_is_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let worker = script(&dir, "worker.sh", "kill -ABRT $$");
    let error = extractor(worker).extract(PDF).unwrap_err();
    assert_eq!(error.code(), "worker_crashed");
}

#[test]
fn an_allocation_failure_is_reported_as_out_of_memory() {
    let dir = tempfile::tempdir().unwrap();
    let worker = script(
        &dir,
        "worker.sh",
        "doc 2\npage 1\nstart 2\necho 'memory allocation of 1073741824 bytes failed' >&2\nkill -ABRT $$",
    );
    let extraction = extractor(worker).extract(PDF).unwrap();
    assert_eq!(
        extraction.failed_pages[0].code,
        PageFailureCode::OutOfMemory
    );
    assert_eq!(extraction.failed_pages[0].number, 2);
}

#[test]
fn nonsense_on_the_protocol_stream_is_an_error_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let worker = script(&dir, "worker.sh", "echo hello");
    let error = extractor(worker).extract(PDF).unwrap_err();
    assert_eq!(error.code(), "worker_protocol");
}

#[test]
fn a_missing_worker_executable_is_a_spawn_error() {
    let error = extractor(PathBuf::from("/nonexistent/pingshen-worker"))
        .extract(PDF)
        .unwrap_err();
    assert_eq!(error.code(), "worker_spawn_failed");
}

#[test]
fn the_real_worker_reports_damage_as_data() {
    let worker = PathBuf::from(env!("CARGO_BIN_EXE_pingshen-pdf-worker"));
    let error = extractor(worker)
        .extract(b"%PDF-1.7\nnothing else")
        .unwrap_err();
    assert_eq!(error.code(), "damaged");
    assert!(error.to_string().starts_with("PDF文件已损坏"));
}
