//! A TCP link between a client and an upstream server, on loopback, whose
//! quality a test sets while traffic flows:
//!
//! - **down**: open connections are cut at once and new ones refused (as a
//!   lost line looks to a client: connection reset / refused);
//! - **bandwidth**: bytes per second in each direction, shared by all
//!   connections as on a real line (a FIFO bottleneck: each connection's
//!   next 16 KiB waits for the line to be free);
//! - **latency**: a one-way delay line: every chunk arrives that long after
//!   it left, chunks in flight overlap (throughput is not divided by it);
//! - **stall**: data stops flowing on open connections without closing them;
//! - **faults** ([`Link::inject`]): the next answers, on new or pooled
//!   connections, are cut after a number of bytes — reset (RST) or closed
//!   cleanly short of their length (a truncated response).
//!
//! Bytes are relayed unchanged: the link never alters content, only its
//! timing and whether it arrives.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::Instant;

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
    /// When each direction of the line is next free: [upstream, downstream].
    line_free_at: [std::sync::Mutex<Option<Instant>>; 2],
    /// Where connections go (a restarted platform may listen elsewhere).
    upstream: std::sync::Mutex<Option<SocketAddr>>,
    /// The armed fault; `faults_left` more answers get it.
    fault: std::sync::Mutex<Option<(Fault, u64)>>,
    faults_left: AtomicU32,
    /// Bumped by [`Link::inject`]: each connection counts its bytes anew.
    fault_epoch: AtomicU64,
    faults_done: AtomicU32,
}

/// How an answer is broken by [`Link::inject`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// The connection is reset (RST) both ways.
    Reset,
    /// The client's side is closed cleanly (FIN): the answer ends short of
    /// the length its headers promised.
    Truncate,
}

impl State {
    /// Reserves the line in direction `dir` for `n` bytes; returns when
    /// they will have left (the line is serial, shared by every connection).
    fn reserve(&self, dir: usize, n: usize) -> Instant {
        let rate = self.bytes_per_sec.load(Ordering::SeqCst);
        let now = Instant::now();
        if rate == 0 {
            return now;
        }
        let mut free = self.line_free_at[dir]
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        let start = free.map_or(now, |f| f.max(now));
        let done = start + Duration::from_secs_f64(n as f64 / rate as f64);
        *free = Some(done);
        done
    }

    /// For `n` more bytes down a connection that has sent `counted` (epoch,
    /// bytes) since the last [`Link::inject`]: whether an armed fault is due
    /// now, and how many of the `n` bytes still go through before it.
    fn fault_due(&self, counted: &mut (u64, u64), n: usize) -> Option<(Fault, usize)> {
        let epoch = self.fault_epoch.load(Ordering::SeqCst);
        if counted.0 != epoch {
            *counted = (epoch, 0);
        }
        let before = counted.1;
        counted.1 += n as u64;
        if self.faults_left.load(Ordering::SeqCst) == 0 {
            return None;
        }
        let (fault, after) = (*self.fault.lock().unwrap_or_else(|e| e.into_inner()))?;
        if before + n as u64 <= after {
            return None;
        }
        // Several connections may be due at once: only `faults_left` get it.
        self.faults_left
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |l| l.checked_sub(1))
            .ok()?;
        self.faults_done.fetch_add(1, Ordering::Relaxed);
        Some((fault, after.saturating_sub(before) as usize))
    }
}

/// What went through the link so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LinkStats {
    pub bytes_relayed: u64,
    /// Connections cut when the link went down.
    pub connections_cut: u64,
    /// Connections refused while it was down.
    pub connections_refused: u64,
    /// Answers broken by [`Link::inject`].
    pub faults_injected: u32,
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
                    let upstream = s
                        .upstream
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .unwrap_or(upstream);
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

    /// Sends new connections to `upstream` from now on (a platform
    /// restarted on another port); open ones are left as they are.
    pub fn set_upstream(&self, upstream: SocketAddr) {
        *self
            .state
            .upstream
            .lock()
            .unwrap_or_else(|e| e.into_inner()) = Some(upstream);
    }

    /// Breaks the next `times` answers: on each connection, new or pooled,
    /// once `after` more bytes have come down it, the connection is reset
    /// or closed (`fault`). `times` 0 disarms.
    pub fn inject(&self, fault: Fault, after: u64, times: u32) {
        *self.state.fault.lock().unwrap_or_else(|e| e.into_inner()) = Some((fault, after));
        self.state.faults_left.store(times, Ordering::SeqCst);
        self.state.fault_epoch.fetch_add(1, Ordering::SeqCst);
    }

    pub fn stats(&self) -> LinkStats {
        LinkStats {
            bytes_relayed: self.state.relayed.load(Ordering::Relaxed),
            connections_cut: self.state.cut.load(Ordering::Relaxed),
            connections_refused: self.state.refused.load(Ordering::Relaxed),
            faults_injected: self.state.faults_done.load(Ordering::Relaxed),
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
    let up = tokio::spawn(pump(cr, sw, s.clone(), generation, 0));
    let down = tokio::spawn(pump(sr, cw, s.clone(), generation, 1));
    let b = down.await;
    if matches!(b, Ok(Ended::Faulted)) {
        // Dropping the client's read half too closes the socket: with zero
        // linger that is the reset; after a clean shutdown, the end.
        up.abort();
        let _ = up.await;
        return;
    }
    let a = up.await;
    if matches!(a, Ok(Ended::Cut)) || matches!(b, Ok(Ended::Cut)) {
        s.cut.fetch_add(1, Ordering::Relaxed);
    }
}

enum Ended {
    Closed,
    Cut,
    /// An injected fault ended the answer (see [`Link::inject`]).
    Faulted,
}

/// Copies one direction (`dir`: 0 up, 1 down), shaped, until either side
/// closes or the link goes down (then both sockets are dropped: the peers
/// see a reset). A reader takes bytes off the line at its rate; a writer
/// hands them over `latency` later.
async fn pump(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    s: Arc<State>,
    generation: u64,
    dir: usize,
) -> Ended {
    let down = {
        let s = s.clone();
        move || s.generation.load(Ordering::SeqCst) != generation
    };
    // The delay line: a few chunks in flight, as a line's buffers hold.
    let (tx, mut rx) = tokio::sync::mpsc::channel::<(Instant, Vec<u8>)>(16);
    let writer = {
        let (s, down) = (s.clone(), down.clone());
        async move {
            let mut counted = (0u64, 0u64);
            while let Some((at, bytes)) = rx.recv().await {
                tokio::time::sleep_until(at).await;
                if down() {
                    return Ended::Cut;
                }
                if dir == 1 {
                    if let Some((fault, keep)) = s.fault_due(&mut counted, bytes.len()) {
                        if to.write_all(&bytes[..keep]).await.is_ok() {
                            s.relayed.fetch_add(keep as u64, Ordering::Relaxed);
                        }
                        match fault {
                            Fault::Truncate => {
                                let _ = to.shutdown().await;
                            }
                            Fault::Reset => {
                                let _ = AsRef::<TcpStream>::as_ref(&to).set_zero_linger();
                            }
                        }
                        return Ended::Faulted;
                    }
                }
                if to.write_all(&bytes).await.is_err() {
                    return Ended::Closed;
                }
                s.relayed.fetch_add(bytes.len() as u64, Ordering::Relaxed);
            }
            let _ = to.shutdown().await;
            Ended::Closed
        }
    };
    let reader = async move {
        let mut buf = vec![0u8; 16 * 1024];
        loop {
            let read = tokio::select! {
                r = from.read(&mut buf) => r,
                _ = wait_until(&down) => return Ended::Cut,
            };
            let n = match read {
                Ok(0) | Err(_) => return Ended::Closed,
                Ok(n) => n,
            };
            while s.stalled.load(Ordering::SeqCst) {
                if down() {
                    return Ended::Cut;
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            let left = s.reserve(dir, n);
            tokio::time::sleep_until(left).await;
            if down() {
                return Ended::Cut;
            }
            let latency = Duration::from_micros(s.latency_us.load(Ordering::SeqCst));
            if tx.send((left + latency, buf[..n].to_vec())).await.is_err() {
                return Ended::Closed;
            }
        }
    };
    tokio::pin!(writer);
    tokio::pin!(reader);
    // A cut ends both at once; a clean close of the reader lets the line
    // drain (the writer ends when the channel empties).
    tokio::select! {
        w = &mut writer => w,
        r = &mut reader => match r {
            Ended::Cut => Ended::Cut,
            Ended::Closed | Ended::Faulted => writer.await,
        },
    }
}

async fn wait_until(cond: &impl Fn() -> bool) {
    while !cond() {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}
