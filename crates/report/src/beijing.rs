//! Times as Chinese documents print them: Beijing time (UTC+8).

use time::{OffsetDateTime, UtcOffset};

/// `2026-11-30 09:30`, or `2026-11-30 09:30:05` with `seconds`.
pub fn beijing(t: OffsetDateTime, seconds: bool) -> String {
    let t = t.to_offset(UtcOffset::from_hms(8, 0, 0).unwrap_or(UtcOffset::UTC));
    let minutes = format!(
        "{:04}-{:02}-{:02} {:02}:{:02}",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute()
    );
    if seconds {
        format!("{minutes}:{:02}", t.second())
    } else {
        minutes
    }
}

#[cfg(test)]
mod tests {
    use super::beijing;
    use time::macros::datetime;

    #[test]
    fn prints_beijing_time() {
        let t = datetime!(2026-11-27 23:59:07 UTC);
        assert_eq!(beijing(t, false), "2026-11-28 07:59");
        assert_eq!(beijing(t, true), "2026-11-28 07:59:07");
    }
}
