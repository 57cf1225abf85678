//! The one "fetch again" signal of the signed-in screens. The top bar's
//! retry, the platform coming back and a started evaluation bump it; every
//! project list and project page tracks it. `App` provides it once; a
//! component takes it with [`use_reload`] instead of a prop threaded
//! through every level.

use leptos::prelude::*;

#[derive(Clone, Copy)]
pub struct Reload(RwSignal<u32>);

impl Reload {
    /// Creates the signal and provides it to every component below.
    pub fn provide() -> Self {
        let r = Reload(RwSignal::new(0));
        provide_context(r);
        r
    }

    /// Makes the calling resource or effect run again on the next bump.
    pub fn track(self) {
        self.0.track();
    }

    /// Everything that tracks this fetches again.
    pub fn bump(self) {
        self.0.update(|n| *n += 1);
    }

    /// [`Self::bump`] as a callback (a retry button).
    pub fn callback(self) -> Callback<()> {
        Callback::new(move |()| self.bump())
    }
}

/// The screens' reload signal (provided by `App`).
pub fn use_reload() -> Reload {
    expect_context::<Reload>()
}
