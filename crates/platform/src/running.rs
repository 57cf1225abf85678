//! An in-process platform on 127.0.0.1:0, for tests and benchmarks that
//! need a real HTTP server with real persistence.

use crate::{demo, AppState, Config, PlatformError};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub struct RunningPlatform {
    pub addr: SocketAddr,
    pub state: AppState,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<std::io::Result<()>>>,
}

/// The demo PKI shared by every in-process platform of this test process:
/// generating keys (RSA especially) is the slow part of starting one.
pub fn shared_demo_pki() -> Result<PathBuf, PlatformError> {
    static DIR: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("pingshen-test-pki-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        demo::ensure_pki(&dir, &demo::default_assets_dir())
            .map(|()| dir)
            .map_err(|e| e.to_string())
    })
    .clone()
    .map_err(PlatformError::Internal)
}

impl RunningPlatform {
    /// Serves `data_dir` with the demo loaded (project, people, the shared
    /// demo PKI) on a free loopback port. Must be called inside a tokio runtime.
    pub async fn start_demo(data_dir: &Path) -> Result<Self, PlatformError> {
        let pki_dir = shared_demo_pki()?;
        let state = AppState::open(&Config {
            data_dir: data_dir.to_path_buf(),
            pki_dir,
            platform_name: "测试平台".into(),
            demo: true,
        })?;
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
