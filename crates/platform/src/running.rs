//! An in-process platform on 127.0.0.1:0, for tests and benchmarks that
//! need a real HTTP server with real persistence.

use crate::{demo, AppState, Config, Database, PlatformError};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, Once, OnceLock};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub struct RunningPlatform {
    pub addr: SocketAddr,
    pub state: AppState,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<std::io::Result<()>>>,
}

/// The demo PKI shared by every in-process platform of this test process:
/// generating keys (RSA especially) is the slow part of starting one. It
/// holds private keys, so it lives in [`test_dir`], never in the shared /tmp.
pub fn shared_demo_pki() -> Result<PathBuf, PlatformError> {
    static DIR: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = test_dir("pki").map_err(|e| e.to_string())?;
        demo::ensure_pki(&dir, &demo::default_assets_dir())
            .map(|()| dir)
            .map_err(|e| e.to_string())
    })
    .clone()
    .map_err(PlatformError::Internal)
}

/// A private folder (mode 0700) for what this test process generates, demo
/// keys among it: `<target>/<profile>/pingshen-test/<name>/<pid>`, beside
/// the test binary rather than in the machine-wide temp folder. Made fresh
/// on the first call for `name`, the same folder after. Folders left by
/// processes that are gone (killed, aborted) are removed first; this one is
/// removed when the process exits normally.
pub fn test_dir(name: &str) -> Result<PathBuf, PlatformError> {
    static MADE: Mutex<Vec<(String, PathBuf)>> = Mutex::new(Vec::new());
    let mut made = MADE.lock().unwrap_or_else(|p| p.into_inner());
    if let Some((_, dir)) = made.iter().find(|(n, _)| n == name) {
        return Ok(dir.clone());
    }
    let dir = make_test_dir(name)?;
    made.push((name.to_string(), dir.clone()));
    Ok(dir)
}

fn make_test_dir(name: &str) -> Result<PathBuf, PlatformError> {
    let io = |what: &str, e: std::io::Error| PlatformError::Internal(format!("{what}: {e}"));
    let exe = std::env::current_exe().map_err(|e| io("current_exe", e))?;
    let exe_dir = exe
        .parent()
        .ok_or_else(|| PlatformError::Internal(format!("{} has no folder", exe.display())))?;
    // Test and bench binaries live in <target>/<profile>/deps.
    let profile_dir = match exe_dir.file_name() {
        Some(n) if n == "deps" => exe_dir.parent().unwrap_or(exe_dir),
        _ => exe_dir,
    };
    let root = profile_dir.join("pingshen-test").join(name);
    std::fs::create_dir_all(&root).map_err(|e| io(&root.display().to_string(), e))?;
    remove_dead(&root);
    let dir = root.join(std::process::id().to_string());
    // A previous process with the same pid left it: start clean.
    let _ = std::fs::remove_dir_all(&dir);
    let mut builder = std::fs::DirBuilder::new();
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder
        .create(&dir)
        .map_err(|e| io(&dir.display().to_string(), e))?;
    remove_at_exit(dir.clone());
    Ok(dir)
}

/// Removes `root/<pid>` folders whose process no longer runs.
fn remove_dead(root: &Path) {
    let Ok(entries) = std::fs::read_dir(root) else {
        return;
    };
    for entry in entries.flatten() {
        let pid = entry
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<u32>().ok());
        if let Some(pid) = pid {
            if pid != std::process::id() && !alive(pid) {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
    }
}

#[cfg(unix)]
fn alive(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return false;
    };
    // SAFETY: signal 0 only checks that the process exists.
    let r = unsafe { libc::kill(pid, 0) };
    r == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

#[cfg(not(unix))]
fn alive(_pid: u32) -> bool {
    // Unknown: keep it.
    true
}

/// Folders to delete when the process exits. The test harness never drops
/// statics, so a C `atexit` hook does it (it runs on return from `main` and
/// on `std::process::exit`, which is how libtest ends).
fn remove_at_exit(dir: PathBuf) {
    static DIRS: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());
    static HOOK: Once = Once::new();
    extern "C" fn remove_all() {
        if let Ok(dirs) = DIRS.lock() {
            for d in dirs.iter() {
                let _ = std::fs::remove_dir_all(d);
            }
        }
    }
    DIRS.lock().unwrap_or_else(|p| p.into_inner()).push(dir);
    // SAFETY: registers a plain function with no captured state.
    HOOK.call_once(|| unsafe {
        libc::atexit(remove_all);
    });
}

impl RunningPlatform {
    /// Serves `data_dir` with the demo loaded (project, people, the shared
    /// demo PKI) on a free loopback port. Must be called inside a tokio runtime.
    pub async fn start_demo(data_dir: &Path) -> Result<Self, PlatformError> {
        Self::start_demo_on(data_dir, &Database::Sqlite).await
    }

    /// [`RunningPlatform::start_demo`] with the records in `database`.
    pub async fn start_demo_on(
        data_dir: &Path,
        database: &Database,
    ) -> Result<Self, PlatformError> {
        let pki_dir = shared_demo_pki()?;
        let state = AppState::open_on(
            &Config {
                data_dir: data_dir.to_path_buf(),
                pki_dir,
                platform_name: "测试平台".into(),
                demo: true,
            },
            database,
        )?;
        demo::load(&state, &demo::default_assets_dir())?;
        Self::start_with(state).await
    }

    pub async fn start_with(state: AppState) -> Result<Self, PlatformError> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .map_err(|e| PlatformError::Internal(e.to_string()))?;
        let addr = listener
            .local_addr()
            .map_err(|e| PlatformError::Internal(e.to_string()))?;
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(crate::serve(listener, state.clone(), async move {
            let _ = stopped.await;
        }));
        Ok(Self {
            addr,
            state,
            stop: Some(stop),
            task: Some(task),
        })
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Path of a demo person's PKCS#12 file (password `pingshen-demo`).
    pub fn demo_p12(&self, person_id: &str) -> PathBuf {
        self.state.pki.dir.join(format!("people/{person_id}.p12"))
    }

    /// Stops serving and waits until the server has let go of the port.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for RunningPlatform {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_dirs_live_beside_the_binary_are_private_and_sweep_the_dead() {
        let root = make_test_dir("sweep-check").unwrap();
        let root = root.parent().unwrap().to_path_buf();
        // A folder of a process that cannot exist (above any pid_max).
        let dead = root.join("4999999");
        std::fs::create_dir_all(&dead).unwrap();
        std::fs::write(dead.join("key.pem"), "demo").unwrap();

        let dir = test_dir("sweep-check").unwrap();
        assert_eq!(test_dir("sweep-check").unwrap(), dir, "one folder per name");
        assert!(!dead.exists(), "the dead process's folder is removed");
        assert!(!dir.starts_with(std::env::temp_dir()), "{}", dir.display());
        let target = std::env::current_exe().unwrap();
        let target = target.parent().unwrap().parent().unwrap();
        assert!(dir.starts_with(target), "{}", dir.display());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&dir).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o700);
        }
    }
}
