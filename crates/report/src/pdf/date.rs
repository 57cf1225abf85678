//! The PDF date of the input timestamp (never the clock).

use pdf_writer::Date;
use time::OffsetDateTime;

pub(crate) fn pdf_date(t: OffsetDateTime) -> Date {
    let offset = t.offset();
    let year = u16::try_from(t.year()).unwrap_or(0);
    Date::new(year)
        .month(u8::from(t.month()))
        .day(t.day())
        .hour(t.hour())
        .minute(t.minute())
        .second(t.second())
        .utc_offset_hour(offset.whole_hours())
        .utc_offset_minute(offset.minutes_past_hour().unsigned_abs())
}

#[cfg(test)]
mod tests {
    use super::*;
    use pdf_writer::{Chunk, Ref};
    use time::macros::datetime;

    fn written(t: OffsetDateTime) -> String {
        let mut chunk = Chunk::new();
        chunk.indirect(Ref::new(1)).primitive(pdf_date(t));
        String::from_utf8_lossy(chunk.as_bytes()).into_owned()
    }

    #[test]
    fn offsets_are_kept() {
        assert!(written(datetime!(2026-11-30 16:05:09 +08:00)).contains("(D:20261130160509+08'00)"));
        assert!(written(datetime!(2026-01-02 03:04:05 UTC)).contains("(D:20260102030405Z)"));
        assert!(written(datetime!(2026-01-02 03:04:05 -03:30)).contains("(D:20260102030405-03'30)"));
    }
}
