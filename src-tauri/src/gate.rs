//! The settings in force, and whether the desktop's state exists yet.
//!
//! On a first run no platform is configured: the shell manages only this
//! gate, and every command that needs [`crate::state::DesktopState`] fails
//! with Tauri's "state not managed" until the setup is finished (the UI
//! shows nothing else before). Finishing builds the state and manages it,
//! so the person goes on to log in without restarting.

use crate::settings::Settings;
use crate::state::DesktopState;
use pingshen_api::ipc::AppError;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

pub struct Gate {
    settings: Mutex<Settings>,
    ready: AtomicBool,
    /// Held while the state is built: a second `open` waits for the first
    /// and then finds the state managed, never "ready" before it exists.
    opening: Mutex<()>,
}

impl Gate {
    pub fn new(settings: Settings, ready: bool) -> Self {
        Gate {
            settings: Mutex::new(settings),
            ready: AtomicBool::new(ready),
            opening: Mutex::new(()),
        }
    }

    /// The settings in force (a copy).
    pub fn settings(&self) -> Settings {
        match self.settings.lock() {
            Ok(s) => s.clone(),
            Err(e) => e.into_inner().clone(),
        }
    }

    /// Changes what is in force now (for values that apply at once).
    pub fn update(&self, f: impl FnOnce(&mut Settings)) {
        match self.settings.lock() {
            Ok(mut s) => f(&mut s),
            Err(e) => f(&mut e.into_inner()),
        }
    }

    pub fn ready(&self) -> bool {
        self.ready.load(Ordering::SeqCst)
    }

    /// Builds the desktop's state from the settings in force and hands it
    /// to Tauri; after this the app works as on any later start.
    pub fn open<R: tauri::Runtime>(&self, app: &impl tauri::Manager<R>) -> Result<(), AppError> {
        let _one_at_a_time = self.opening.lock().unwrap_or_else(|e| e.into_inner());
        if self.ready() {
            return Ok(());
        }
        let state = DesktopState::new(self.settings())?;
        app.manage(state);
        self.ready.store(true, Ordering::SeqCst);
        Ok(())
    }
}
