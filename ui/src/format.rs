//! Display helpers: money and times exactly as everywhere else
//! (`pingshen_rules::display`: half-up, thousands grouped, Beijing time).

pub use pingshen_rules::display::yuan;

/// Beijing time to the minute, e.g. 2026-11-30 09:31.
pub fn beijing(t: time::OffsetDateTime) -> String {
    pingshen_rules::display::beijing(t, false)
}

/// Beijing time to the second, e.g. 2026-11-30 09:31:05.
pub fn beijing_seconds(t: time::OffsetDateTime) -> String {
    pingshen_rules::display::beijing(t, true)
}
