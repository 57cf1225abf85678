//! Display helpers: money in yuan with thousands separators, times in Beijing time.

use rust_decimal::Decimal;

/// `27365000.5` → `27,365,000.50 元`.
pub fn yuan(d: Decimal) -> String {
    let rounded = d.round_dp(2);
    let s = format!("{rounded:.2}");
    let (int, frac) = s.split_once('.').unwrap_or((&s, "00"));
    let (sign, digits) = int.strip_prefix('-').map_or(("", int), |d| ("-", d));
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{sign}{grouped}.{frac} 元")
}

/// RFC 3339 time shown in China Standard Time (UTC+8), as experts read it.
pub fn beijing(t: time::OffsetDateTime) -> String {
    let cst = time::UtcOffset::from_hms(8, 0, 0).unwrap_or(time::UtcOffset::UTC);
    let t = t.to_offset(cst);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute()
    )
}
