//! An in-process platform on 127.0.0.1:0, for tests and benchmarks that
//! need a real HTTP server with real persistence.

use crate::{AppState, Config, PlatformError};
use std::net::SocketAddr;
use std::path::Path;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub struct RunningPlatform {
    pub addr: SocketAddr,
    pub state: AppState,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<std::io::Result<()>>>,
}

impl RunningPlatform {
    /// Opens the data directory and serves it on a free loopback port.
    /// Must be called inside a tokio runtime.
    pub async fn start(data_dir: &Path) -> Result<Self, PlatformError> {
        let state = AppState::open(&Config {
            data_dir: data_dir.to_path_buf(),
            platform_name: "测试平台".into(),
        })?;
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
