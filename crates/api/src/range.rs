//! HTTP byte ranges, as the platform serves files and the desktop serves
//! its decrypted cache to the viewer.

/// Parses a single `bytes=` range against `size`; `None` when unsatisfiable.
/// Returns the inclusive `(first, last)` byte positions.
pub fn parse_range(header: &str, size: u64) -> Option<(u64, u64)> {
    let spec = header.trim().strip_prefix("bytes=")?;
    if spec.contains(',') || size == 0 {
        return None;
    }
    let (a, b) = spec.split_once('-')?;
    let (a, b) = (a.trim(), b.trim());
    let (first, last) = if a.is_empty() {
        let n: u64 = b.parse().ok()?;
        if n == 0 {
            return None;
        }
        (size.saturating_sub(n), size - 1)
    } else {
        let first: u64 = a.parse().ok()?;
        let last = if b.is_empty() {
            size - 1
        } else {
            b.parse::<u64>().ok()?.min(size - 1)
        };
        (first, last)
    };
    (first <= last && first < size).then_some((first, last))
}

#[cfg(test)]
mod tests {
    use super::parse_range;

    #[test]
    fn ranges() {
        let cases: &[(&str, u64, Option<(u64, u64)>)] = &[
            ("bytes=0-99", 1000, Some((0, 99))),
            ("bytes=500-", 1000, Some((500, 999))),
            ("bytes=-100", 1000, Some((900, 999))),
            ("bytes=-5000", 1000, Some((0, 999))),
            ("bytes=990-2000", 1000, Some((990, 999))),
            ("bytes=1000-", 1000, None),
            ("bytes=5-4", 1000, None),
            ("bytes=0-1,5-6", 1000, None),
            ("bytes=-0", 1000, None),
            ("items=0-1", 1000, None),
            ("bytes=a-b", 1000, None),
            ("bytes=0-0", 0, None),
        ];
        for (h, size, want) in cases {
            assert_eq!(parse_range(h, *size), *want, "{h} / {size}");
        }
    }
}
