//! Who has the line: the viewer while it waits for bytes, the background
//! sync otherwise.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Whether the viewer is waiting for bytes now. The background sync asks
/// [`Foreground::busy`] between chunks and steps aside when it is.
#[derive(Debug)]
pub struct Foreground {
    active: AtomicUsize,
    last_end: Mutex<Option<Instant>>,
}

impl Default for Foreground {
    fn default() -> Self {
        Foreground {
            active: AtomicUsize::new(0),
            last_end: Mutex::new(None),
        }
    }
}

/// Held while a viewer request fetches from the platform.
pub struct ForegroundGuard<'a>(&'a Foreground);

impl Drop for ForegroundGuard<'_> {
    fn drop(&mut self) {
        if let Ok(mut t) = self.0.last_end.lock() {
            *t = Some(Instant::now());
        }
        self.0.active.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Foreground {
    /// pdf.js asks for the next range a few milliseconds after the last one
    /// arrived: the sync waits this long after the last request before it
    /// takes the link back, so one page's requests run back to back.
    pub const LINGER: Duration = Duration::from_millis(1200);

    pub fn begin(&self) -> ForegroundGuard<'_> {
        self.active.fetch_add(1, Ordering::SeqCst);
        ForegroundGuard(self)
    }

    pub fn busy(&self) -> bool {
        if self.active.load(Ordering::SeqCst) > 0 {
            return true;
        }
        self.last_end
            .lock()
            .ok()
            .and_then(|t| *t)
            .is_some_and(|t| t.elapsed() < Self::LINGER)
    }

    /// Returns once the viewer has been quiet for [`Self::LINGER`].
    pub async fn wait_idle(&self) {
        while self.busy() {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sync_waits_while_the_viewer_reads_and_a_little_after() {
        let fg = Foreground::default();
        assert!(!fg.busy());
        let g = fg.begin();
        assert!(fg.busy());
        drop(g);
        assert!(fg.busy(), "still within the linger");
    }
}
