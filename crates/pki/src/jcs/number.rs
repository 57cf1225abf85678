//! ECMAScript `Number.prototype.toString` for doubles (RFC 8785 §3.2.2.3).

use crate::error::{PkiError, Result};

/// Formats a finite double the way ECMAScript does; NaN and infinities are errors.
pub fn format_number(value: f64) -> Result<String> {
    if !value.is_finite() {
        return Err(PkiError::InvalidJson {
            detail: "数值超出 IEEE 754 双精度范围".to_string(),
        });
    }
    if value == 0.0 {
        return Ok("0".to_string()); // also for -0
    }
    // Rust's `{:e}` gives the shortest digits that round-trip, closest to the
    // value: the same digits ECMAScript chooses. Only the layout differs.
    let sci = format!("{:e}", value.abs());
    let (mantissa, exp) = sci.split_once('e').expect("`{:e}` always has an exponent");
    let exp: i32 = exp.parse().expect("`{:e}` exponent is an integer");
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let k = digits.len() as i32;
    // value = 0.d1d2...dk × 10^n
    let n = exp + 1;
    let digits = even_on_tie(value.abs(), digits, n);
    let mut out = String::new();
    if value < 0.0 {
        out.push('-');
    }
    if k <= n && n <= 21 {
        out.push_str(&digits);
        out.extend(std::iter::repeat_n('0', (n - k) as usize));
    } else if 0 < n && n <= 21 {
        out.push_str(&digits[..n as usize]);
        out.push('.');
        out.push_str(&digits[n as usize..]);
    } else if -6 < n && n <= 0 {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', (-n) as usize));
        out.push_str(&digits);
    } else {
        out.push_str(&digits[..1]);
        if k > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        out.push('e');
        out.push(if n >= 1 { '+' } else { '-' });
        out.push_str(&(n - 1).abs().to_string());
    }
    Ok(out)
}

/// ECMAScript breaks an exact tie between two shortest candidates towards the
/// even last digit; Rust's formatter rounds half up. Only a value lying exactly
/// halfway between two candidates of the same length is affected.
fn even_on_tie(value: f64, digits: String, n: i32) -> String {
    let Ok(d) = digits.parse::<u64>() else {
        return digits;
    };
    if d % 2 == 0 {
        return digits;
    }
    let k = digits.len() as i32;
    for alt in [d.wrapping_sub(1), d + 1] {
        let alt_digits = alt.to_string();
        if alt_digits.len() != digits.len() || alt % 2 != 0 {
            continue;
        }
        let text = format!("0.{alt_digits}e{n}");
        if text.parse::<f64>().ok() != Some(value) {
            continue;
        }
        // Midpoint (d + alt) / 2 = (d + alt) × 5 × 10^(n-k-1); is the double exactly it?
        if exactly_equals(value, u128::from(d + alt) * 5, n - k - 1) {
            return alt_digits;
        }
    }
    digits
}

/// True when `value` equals `int × 10^exp10` exactly (big-number arithmetic).
fn exactly_equals(value: f64, int: u128, exp10: i32) -> bool {
    use openssl::bn::{BigNum, BigNumContext};
    let exact = || -> std::result::Result<bool, openssl::error::ErrorStack> {
        let bits = value.to_bits();
        let raw_exp = ((bits >> 52) & 0x7ff) as i32;
        let frac = bits & ((1u64 << 52) - 1);
        let (m, e2) = if raw_exp == 0 {
            (frac, -1074)
        } else {
            (frac | (1u64 << 52), raw_exp - 1075)
        };
        let mut ctx = BigNumContext::new()?;
        let ten = BigNum::from_u32(10)?;
        let pow10 = |e: i32,
                     ctx: &mut BigNumContext|
         -> std::result::Result<BigNum, openssl::error::ErrorStack> {
            let mut r = BigNum::new()?;
            r.exp(&ten, &*BigNum::from_u32(e as u32)?, ctx)?;
            Ok(r)
        };
        // left = int × 10^max(exp10,0) × 2^max(-e2,0); right = m × 2^max(e2,0) × 10^max(-exp10,0)
        let mut left = BigNum::from_dec_str(&int.to_string())?;
        let mut right = BigNum::from_dec_str(&m.to_string())?;
        let mut tmp = BigNum::new()?;
        if exp10 > 0 {
            tmp.checked_mul(&left, &*pow10(exp10, &mut ctx)?, &mut ctx)?;
            std::mem::swap(&mut left, &mut tmp);
        } else if exp10 < 0 {
            tmp.checked_mul(&right, &*pow10(-exp10, &mut ctx)?, &mut ctx)?;
            std::mem::swap(&mut right, &mut tmp);
        }
        if e2 < 0 {
            tmp.lshift(&left, -e2)?;
            std::mem::swap(&mut left, &mut tmp);
        } else if e2 > 0 {
            tmp.lshift(&right, e2)?;
            std::mem::swap(&mut right, &mut tmp);
        }
        Ok(left == right)
    };
    exact().unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::format_number;

    /// RFC 8785 Appendix B: IEEE 754 bit patterns and their canonical text.
    #[test]
    fn rfc8785_appendix_b() {
        let cases: &[(u64, &str)] = &[
            (0x0000000000000000, "0"),
            (0x8000000000000000, "0"),
            (0x0000000000000001, "5e-324"),
            (0x8000000000000001, "-5e-324"),
            (0x7fefffffffffffff, "1.7976931348623157e+308"),
            (0xffefffffffffffff, "-1.7976931348623157e+308"),
            (0x4340000000000000, "9007199254740992"),
            (0xc340000000000000, "-9007199254740992"),
            (0x4430000000000000, "295147905179352830000"),
            (0x44b52d02c7e14af5, "9.999999999999997e+22"),
            (0x44b52d02c7e14af6, "1e+23"),
            (0x44b52d02c7e14af7, "1.0000000000000001e+23"),
            (0x444b1ae4d6e2ef4e, "999999999999999700000"),
            (0x444b1ae4d6e2ef4f, "999999999999999900000"),
            (0x444b1ae4d6e2ef50, "1e+21"),
            (0x3eb0c6f7a0b5ed8c, "9.999999999999997e-7"),
            (0x3eb0c6f7a0b5ed8d, "0.000001"),
            (0x41b3de4355555553, "333333333.3333332"),
            (0x41b3de4355555554, "333333333.33333325"),
            (0x41b3de4355555555, "333333333.3333333"),
            (0x41b3de4355555556, "333333333.3333334"),
            (0x41b3de4355555557, "333333333.33333343"),
            (0xbecbf647612f3696, "-0.0000033333333333333333"),
            (0x43143ff3c1cb0959, "1424953923781206.2"),
        ];
        for (bits, want) in cases {
            let got = format_number(f64::from_bits(*bits)).unwrap();
            assert_eq!(&got, want, "bits {bits:016x}");
        }
    }

    #[test]
    fn rejects_non_finite() {
        assert!(format_number(f64::NAN).is_err());
        assert!(format_number(f64::INFINITY).is_err());
        assert!(format_number(f64::NEG_INFINITY).is_err());
    }
}
