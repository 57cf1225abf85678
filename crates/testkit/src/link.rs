//! A TCP link between a client and an upstream server, on loopback, whose
//! quality a test sets while traffic flows:
//!
//! - **down**: open connections are cut at once and new ones refused (as a
//!   lost line looks to a client: connection reset / refused);
//! - **bandwidth**: bytes per second in each direction (token bucket);
//! - **latency**: a one-way delay added to each chunk relayed;
//! - **stall**: data stops flowing on open connections without closing them.
//!
//! Bytes are relayed unchanged: the link never alters content, only its
//! timing and whether it arrives.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

#[derive(Default)]
struct State {
    up: AtomicBool,
    stalled: AtomicBool,
    /// Bumped when the link goes down: connections of an older generation end.
    generation: AtomicU64,
    bytes_per_sec: AtomicU64,
    latency_us: AtomicU64,
    relayed: AtomicU64,
    cut: AtomicU64,
    refused: AtomicU64,
}

/// What went through the link so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LinkStats {
    pub bytes_relayed: u64,
    /// Connections cut when the link went down.
    pub connections_cut: u64,
    /// Connections refused while it was down.
    pub connections_refused: u64,
}

pub struct Link {
    /// `http://127.0.0.1:PORT`: give this to the client instead of the platform's.
    pub url: String,
    state: Arc<State>,
    task: tokio::task::JoinHandle<()>,
}

impl Link {
    /// A link to `upstream`, up and unthrottled. Call inside a tokio runtime.
    pub async fn start(upstream: SocketAddr) -> std::io::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let url = format!("http://{}", listener.local_addr()?);
        let state = Arc::new(State::default());
        state.up.store(true, Ordering::SeqCst);
        let s = state.clone();
        let task = tokio::spawn(async move {
            loop {
                let Ok((client, _)) = listener.accept().await else {
                    continue;
                };
                if !s.up.load(Ordering::SeqCst) {
                    s.refused.fetch_add(1, Ordering::Relaxed);
                    drop(client);
                    continue;
                }
                let s = s.clone();
                tokio::spawn(async move {
                    if let Ok(server) = TcpStream::connect(upstream).await {
                        relay(client, server, s).await;
                    }
                });
            }
        });
        Ok(Link { url, state, task })
    }

    /// Restores (`true`) or cuts (`false`) the line.
    pub fn set_up(&self, up: bool) {
        if !up {
            self.state.generation.fetch_add(1, Ordering::SeqCst);
        }
        self.state.up.store(up, Ordering::SeqCst);
    }

    /// Stops (`true`) or resumes data on open connections without closing them.
    pub fn set_stalled(&self, stalled: bool) {
        self.state.stalled.store(stalled, Ordering::SeqCst);
    }

    /// Bytes per second each way (0: unlimited) and one-way latency.
    pub fn shape(&self, bytes_per_sec: u64, latency: Duration) {
        self.state
            .bytes_per_sec
            .store(bytes_per_sec, Ordering::SeqCst);
        self.state
            .latency_us
            .store(latency.as_micros() as u64, Ordering::SeqCst);
    }

    pub fn stats(&self) -> LinkStats {
        LinkStats {
            bytes_relayed: self.state.relayed.load(Ordering::Relaxed),
            connections_cut: self.state.cut.load(Ordering::Relaxed),
            connections_refused: self.state.refused.load(Ordering::Relaxed),
        }
    }
}

impl Drop for Link {
    fn drop(&mut self) {
        self.task.abort();
        self.set_up(false);
    }
}

async fn relay(client: TcpStream, server: TcpStream, s: Arc<State>) {
    let generation = s.generation.load(Ordering::SeqCst);
    let _ = client.set_nodelay(true);
    let _ = server.set_nodelay(true);
    let (cr, cw) = client.into_split();
    let (sr, sw) = server.into_split();
    let up = tokio::spawn(pump(cr, sw, s.clone(), generation));
    let down = tokio::spawn(pump(sr, cw, s.clone(), generation));
    let (a, b) = (up.await, down.await);
    if matches!(a, Ok(Ended::Cut)) || matches!(b, Ok(Ended::Cut)) {
        s.cut.fetch_add(1, Ordering::Relaxed);
    }
}

enum Ended {
    Closed,
    Cut,
}

/// Copies one direction, shaped, until either side closes or the link goes
/// down (then both sockets are dropped: the peers see a reset).
async fn pump(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    s: Arc<State>,
    generation: u64,
) -> Ended {
    let mut buf = vec![0u8; 16 * 1024];
    let down = || s.generation.load(Ordering::SeqCst) != generation;
    loop {
        let read = tokio::select! {
            r = from.read(&mut buf) => r,
            _ = wait_until(down) => return Ended::Cut,
        };
        let n = match read {
            Ok(0) | Err(_) => {
                let _ = to.shutdown().await;
                return Ended::Closed;
            }
            Ok(n) => n,
        };
        while s.stalled.load(Ordering::SeqCst) {
            if down() {
                return Ended::Cut;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let latency = s.latency_us.load(Ordering::SeqCst);
        if latency > 0 {
            tokio::time::sleep(Duration::from_micros(latency)).await;
        }
        // Token bucket in its simplest form: a chunk of n bytes costs n/rate seconds.
        let rate = s.bytes_per_sec.load(Ordering::SeqCst);
        if rate > 0 {
            tokio::time::sleep(Duration::from_secs_f64(n as f64 / rate as f64)).await;
        }
        if down() {
            return Ended::Cut;
        }
        if to.write_all(&buf[..n]).await.is_err() {
            return Ended::Closed;
        }
        s.relayed.fetch_add(n as u64, Ordering::Relaxed);
    }
}

async fn wait_until(cond: impl Fn() -> bool) {
    while !cond() {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}
