//! Money and times as experts read them, one way everywhere: the grid, the
//! price explanation, the screens, the report and the CLI all print an
//! amount through [`money`], so what is shown is what was signed.
//!
//! Amounts round half-up (四舍五入, [`crate::dec::round_half_up`]) like the
//! scores and the report; rounding half-to-even here would show 0.12 for a
//! signed 0.125.

use crate::dec::round_half_up;
use rust_decimal::Decimal;
use time::{OffsetDateTime, UtcOffset};

/// `27365000.5` → `27,365,000.50`: two places, half-up, thousands grouped.
pub fn money(v: Decimal) -> String {
    let v = round_half_up(v, 2);
    let text = v.abs().to_string();
    let (int, frac) = text.split_once('.').unwrap_or((&text, "00"));
    let mut grouped = String::with_capacity(int.len() + int.len() / 3);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let sign = if v.is_sign_negative() && !v.is_zero() {
        "-"
    } else {
        ""
    };
    format!("{sign}{grouped}.{frac}")
}

/// [`money`] with the unit: `27,365,000.50 元`.
pub fn yuan(v: Decimal) -> String {
    format!("{} 元", money(v))
}

/// Beijing time (UTC+8), as Chinese documents print it: `2026-11-30 09:30`,
/// or `2026-11-30 09:30:05` with `seconds`.
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
    use super::*;
    use rust_decimal_macros::dec;
    use time::macros::datetime;

    #[test]
    fn money_reads_as_signed() {
        for (v, shown) in [
            (dec!(27365000), "27,365,000.00"),
            (dec!(27365000.5), "27,365,000.50"),
            (dec!(999.99), "999.99"),
            (dec!(1000), "1,000.00"),
            (dec!(0), "0.00"),
            (dec!(-1234.5), "-1,234.50"),
            // Midpoints go up, as the scores and the report round.
            (dec!(0.125), "0.13"),
            (dec!(0.135), "0.14"),
            (dec!(2.675), "2.68"),
            (dec!(-0.125), "-0.13"),
            (dec!(-0.001), "0.00"),
        ] {
            assert_eq!(money(v), shown, "{v}");
        }
        assert_eq!(yuan(dec!(1234567.891)), "1,234,567.89 元");
    }

    /// Whatever was rounded and signed at two places shows the very same
    /// digits (only grouped): the UI cannot show another amount.
    #[test]
    fn an_amount_rounded_for_signing_shows_its_own_digits() {
        for raw in [
            dec!(0.005),
            dec!(12.345),
            dec!(27364999.995),
            dec!(-7.125),
            dec!(100),
        ] {
            let signed = round_half_up(raw, 2);
            assert_eq!(money(raw).replace(',', ""), signed.to_string(), "{raw}");
            assert_eq!(money(signed), money(raw));
        }
    }

    #[test]
    fn times_read_in_beijing() {
        let t = datetime!(2026-11-27 23:59:07 UTC);
        assert_eq!(beijing(t, false), "2026-11-28 07:59");
        assert_eq!(beijing(t, true), "2026-11-28 07:59:07");
    }
}
