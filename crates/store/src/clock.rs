//! Times are stored as Unix milliseconds (INTEGER) and handed out as
//! `OffsetDateTime` in UTC.

use time::OffsetDateTime;

pub(crate) fn to_millis(t: OffsetDateTime) -> i64 {
    i64::try_from(t.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX)
}

pub(crate) fn from_millis(ms: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

pub(crate) fn now_millis() -> i64 {
    to_millis(OffsetDateTime::now_utc())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn millis_round_trip() {
        let t = datetime!(2026-11-30 09:30:00.123 +8);
        assert_eq!(from_millis(to_millis(t)), t);
        assert_eq!(to_millis(OffsetDateTime::UNIX_EPOCH), 0);
    }
}
