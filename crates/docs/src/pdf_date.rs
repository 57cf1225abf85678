//! PDF date strings (`D:YYYYMMDDHHmmSSOHH'mm'`, ISO 32000-1 §7.9.4).
//! Producers are sloppy (missing parts, no apostrophes, trailing junk), so
//! parsing is tolerant; what cannot be parsed keeps only its raw form.

use crate::model::PdfDate;

pub fn parse(raw: &str) -> PdfDate {
    let fields = parse_fields(raw.trim());
    PdfDate {
        raw: raw.to_string(),
        rfc3339: fields.map(|f| f.rfc3339()),
        unix_seconds: fields.map(|f| f.unix_seconds()),
    }
}

#[derive(Debug, Clone, Copy)]
struct Fields {
    year: i64,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
    /// Offset east of UTC in minutes; `None` when the file does not say.
    offset_minutes: Option<i32>,
}

fn digits(s: &[u8], at: usize, len: usize) -> Option<u32> {
    let part = s.get(at..at + len)?;
    if !part.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(part).ok()?.parse().ok()
}

fn parse_fields(text: &str) -> Option<Fields> {
    let s = text.strip_prefix("D:").unwrap_or(text).as_bytes();
    let year = digits(s, 0, 4)? as i64;
    let mut at = 4;
    let mut next = |len: usize, default: u32| -> u32 {
        match digits(s, at, len) {
            Some(v) => {
                at += len;
                v
            }
            None => default,
        }
    };
    let month = next(2, 1);
    let day = next(2, 1);
    let hour = next(2, 0);
    let minute = next(2, 0);
    let second = next(2, 0);
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
        return None;
    }
    if hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let offset_minutes = match s.get(at) {
        Some(b'Z') | Some(b'z') => Some(0),
        Some(sign @ (b'+' | b'-')) => {
            let hours = digits(s, at + 1, 2)? as i32;
            // minutes may follow an apostrophe, or directly, or be absent
            let rest = at + 3;
            let minutes = digits(s, rest + 1, 2)
                .filter(|_| s.get(rest) == Some(&b'\''))
                .or_else(|| digits(s, rest, 2))
                .unwrap_or(0) as i32;
            if hours > 14 || minutes > 59 {
                return None;
            }
            let total = hours * 60 + minutes;
            Some(if *sign == b'-' { -total } else { total })
        }
        _ => None,
    };
    Some(Fields {
        year,
        month,
        day,
        hour,
        minute,
        second,
        offset_minutes,
    })
}

fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = month as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + day as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

impl Fields {
    fn rfc3339(&self) -> String {
        // RFC 3339 §4.3: "-00:00" means the local offset is unknown.
        let offset = match self.offset_minutes {
            None => "-00:00".to_string(),
            Some(0) => "Z".to_string(),
            Some(m) => {
                let sign = if m < 0 { '-' } else { '+' };
                format!("{sign}{:02}:{:02}", m.abs() / 60, m.abs() % 60)
            }
        };
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{offset}",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        )
    }

    fn unix_seconds(&self) -> i64 {
        let days = days_from_civil(self.year, self.month, self.day);
        let local =
            days * 86_400 + self.hour as i64 * 3600 + self.minute as i64 * 60 + self.second as i64;
        local - self.offset_minutes.unwrap_or(0) as i64 * 60
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_date_with_offset() {
        let d = parse("D:20261128214708+08'00'");
        assert_eq!(d.rfc3339.as_deref(), Some("2026-11-28T21:47:08+08:00"));
        // 2026-11-28T13:47:08Z
        assert_eq!(d.unix_seconds, Some(1_795_873_628));
    }

    #[test]
    fn partial_and_sloppy_dates() {
        assert_eq!(
            parse("D:2026").rfc3339.as_deref(),
            Some("2026-01-01T00:00:00-00:00")
        );
        assert_eq!(
            parse("20261128Z").rfc3339.as_deref(),
            Some("2026-11-28T00:00:00Z")
        );
        assert_eq!(
            parse("D:20261128214708-0530").rfc3339.as_deref(),
            Some("2026-11-28T21:47:08-05:30")
        );
    }

    #[test]
    fn garbage_keeps_raw_only() {
        for raw in ["", "yesterday", "D:20261345", "D:20260230", "D:2026112825"] {
            let d = parse(raw);
            assert_eq!(d.raw, raw);
            assert_eq!(d.rfc3339, None, "{raw}");
        }
    }
}
