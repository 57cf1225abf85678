//! The platform's notion of "now": UTC, whole seconds, so that stored and
//! signed times compare exactly.

use time::OffsetDateTime;

pub fn now() -> OffsetDateTime {
    let t = OffsetDateTime::now_utc();
    t.replace_nanosecond(0).unwrap_or(t)
}
