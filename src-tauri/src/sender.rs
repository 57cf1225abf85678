//! The outbox sender: while someone is logged in, sends what they signed,
//! every few seconds and at once when asked; logs in again when the
//! platform comes back after an offline start or the session expired.

use crate::state::DesktopState;
use std::time::Duration;
use tauri::{Emitter, Manager};

const INTERVAL: Duration = Duration::from_secs(5);

/// Event sent after something was delivered or refused.
pub const OUTBOX_EVENT: &str = "outbox-changed";
/// Event sent when an offline session reached the platform again.
pub const ONLINE_EVENT: &str = "back-online";

pub fn spawn(app: tauri::AppHandle) {
    let epoch = app
        .state::<DesktopState>()
        .login_epoch
        .fetch_add(1, std::sync::atomic::Ordering::SeqCst)
        + 1;
    tauri::async_runtime::spawn(async move {
        loop {
            let state = app.state::<DesktopState>();
            let _ = tokio::time::timeout(INTERVAL, state.send_now.notified()).await;
            // A later login started its own sender.
            if state.login_epoch.load(std::sync::atomic::Ordering::SeqCst) != epoch {
                return;
            }
            let (store, online) = match &*state.active.lock().await {
                Some(a) => (a.store.clone(), a.session.is_some()),
                // Logged out or locked: this sender's work is done.
                None => return,
            };
            if !online {
                // Try the (short) health check first: renewing holds the
                // session lock while it waits for the network.
                if state.anonymous.health().await.is_err() || state.renew_session().await.is_err() {
                    continue;
                }
                let _ = app.emit(ONLINE_EVENT, true);
            }
            let client = match state.client().await {
                Ok(c) => c,
                Err(_) => return,
            };
            match pingshen_app::outbox::drain(&store, &client, &state.trust()).await {
                Ok(report) => {
                    if !report.delivered.is_empty() || !report.refused.is_empty() {
                        let _ = app.emit(OUTBOX_EVENT, report.pending);
                    }
                }
                Err(e) if e.code.is_session_gone() => {
                    let _ = state.renew_session().await;
                }
                Err(e) => tracing::warn!(code = %e.code, "outbox: {}", e.message),
            }
        }
    });
}
