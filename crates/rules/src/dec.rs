//! Exact decimals at the boundary: half-up rounding and a strict serde form.
//!
//! Decimals are written as strings (`"0.30"`) or integers (`10`). A float
//! (`0.3`) is refused because TOML and JSON parse it as a binary float, which
//! cannot hold most decimal fractions exactly.

use rust_decimal::{Decimal, RoundingStrategy};
use serde::de::{self, Visitor};
use serde::{Deserializer, Serializer};
use std::fmt;
use std::str::FromStr;

/// Marker that the parser turns into the stable code `decimal_not_string`.
pub(crate) const FLOAT_MARKER: &str = "decimal_not_string";

/// Largest magnitude any decimal read from outside may have: 10^20, room
/// for sums of many prices in an explanation. Business limits are tighter
/// (see [`MAX_PRICE`]).
pub const MAX_ABS: Decimal = Decimal::from_parts(0x6310_0000, 0x6BC7_5E2D, 0x5, false, 0);

/// Largest price (元) the engine accepts: 10^15 (千万亿). With points and
/// coefficients bounded by validation this keeps every product the engine
/// forms far inside Decimal's 28 digits.
pub const MAX_PRICE: Decimal = Decimal::from_parts(0xA4C6_8000, 0x0003_8D7E, 0, false, 0);

/// Most decimal places accepted from outside.
pub const MAX_SCALE: u32 = 10;

/// Checks a value read from outside against [`MAX_ABS`] and [`MAX_SCALE`];
/// the error is "code|中文" as the parsers expect.
fn bounded(v: Decimal) -> Result<Decimal, String> {
    if v.abs() >= MAX_ABS {
        Err(format!(
            "value_too_large|数值 {v} 过大（绝对值须小于 10^20）"
        ))
    } else if v.scale() > MAX_SCALE {
        Err(format!(
            "too_many_decimals|数值 {v} 的小数位数过多（最多 {MAX_SCALE} 位）"
        ))
    } else {
        Ok(v)
    }
}

/// Rounds half-up (四舍五入) to `dp` decimal places; ties move away from
/// zero. The result always shows `dp` places (60 → "60.00"), so a score
/// reads the same wherever it is printed.
pub fn round_half_up(value: Decimal, dp: u32) -> Decimal {
    let mut r = value.round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero);
    r.rescale(dp);
    r
}

/// Parses a decimal written as text, e.g. `"27365000.00"`.
pub fn parse_decimal(text: &str) -> Option<Decimal> {
    let t = text.trim();
    if t.is_empty() || t.contains(['e', 'E']) {
        return None;
    }
    Decimal::from_str_exact(t)
        .or_else(|_| Decimal::from_str(t))
        .ok()
}

struct DecVisitor;

impl Visitor<'_> for DecVisitor {
    type Value = Decimal;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a decimal written as a string, e.g. \"0.30\"")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Decimal, E> {
        let d = parse_decimal(v)
            .ok_or_else(|| E::custom(format!("invalid_decimal|不是有效的数字：\"{v}\"")))?;
        bounded(d).map_err(E::custom)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Decimal, E> {
        bounded(Decimal::from(v)).map_err(E::custom)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Decimal, E> {
        bounded(Decimal::from(v)).map_err(E::custom)
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Decimal, E> {
        Err(E::custom(format!(
            "{FLOAT_MARKER}|小数必须写成字符串以保证精确，例如 \"{v}\" 而不是 {v}"
        )))
    }
}

/// `#[serde(with = "crate::dec")]` for a required decimal.
pub fn serialize<S: Serializer>(value: &Decimal, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&value.to_string())
}

/// See [`serialize`].
pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
    d.deserialize_any(DecVisitor)
}

/// `#[serde(default, with = "crate::dec::opt", skip_serializing_if = "Option::is_none")]`.
pub mod opt {
    use super::DecVisitor;
    use rust_decimal::Decimal;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(value: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
        match value {
            Some(v) => s.serialize_str(&v.to_string()),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
        Ok(Option::<Strict>::deserialize(d)?.map(|s| s.0))
    }

    /// One decimal read strictly; lets `Option` handle an explicit `null`.
    struct Strict(Decimal);

    impl<'de> Deserialize<'de> for Strict {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            d.deserialize_any(DecVisitor).map(Strict)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn half_up_rounds_ties_away_from_zero() {
        let d = |s: &str| Decimal::from_str(s).unwrap();
        assert_eq!(round_half_up(d("2.345"), 2), d("2.35"));
        assert_eq!(round_half_up(d("2.344"), 2), d("2.34"));
        assert_eq!(round_half_up(d("2.5"), 0), d("3"));
        assert_eq!(round_half_up(d("-2.5"), 0), d("-3"));
        assert_eq!(round_half_up(d("60"), 2).to_string(), "60.00");
    }

    #[test]
    fn magnitude_and_scale_are_bounded() {
        let d = |s: &str| Decimal::from_str(s).unwrap();
        assert_eq!(MAX_ABS, d("100000000000000000000"));
        assert_eq!(MAX_PRICE, d("1000000000000000"));
        assert!(bounded(d("99999999999999999999.99")).is_ok());
        assert!(bounded(d("100000000000000000000"))
            .unwrap_err()
            .starts_with("value_too_large|"));
        assert!(bounded(d("0.12345678901"))
            .unwrap_err()
            .starts_with("too_many_decimals|"));
    }

    #[test]
    fn text_parsing_rejects_garbage() {
        assert!(parse_decimal("1e3").is_none());
        assert!(parse_decimal("abc").is_none());
        assert!(parse_decimal("").is_none());
        assert_eq!(parse_decimal(" 0.30 "), Some(Decimal::new(30, 2)));
    }
}
