//! The Unicode `cmap` table of an embedded TrueType font, inverted (glyph id
//! → character), for Identity-H fonts that come without a ToUnicode map: the
//! glyph a CID draws is then the only clue to its character. Every read is
//! bounds-checked: the font program is untrusted input.

use super::fxhash::FxHashMap;

/// More glyphs than any real font has; a larger table is damage.
const MAX_MAPPINGS: usize = 200_000;

fn u16_at(data: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes(data.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(data: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(data.get(at..at + 4)?.try_into().ok()?))
}

/// Glyph id → character, from the font's Unicode cmap subtable (Windows
/// Unicode BMP or full, or a Unicode-platform one). `None` if the font has no
/// such subtable (symbol fonts, many subsets).
pub fn glyph_to_unicode(font: &[u8]) -> Option<FxHashMap<u16, char>> {
    let tables = u16_at(font, 4)? as usize;
    let cmap = (0..tables.min(256)).find_map(|i| {
        let record = 12 + 16 * i;
        (font.get(record..record + 4)? == b"cmap").then_some(())?;
        let offset = u32_at(font, record + 8)? as usize;
        font.get(offset..)
    })?;
    let subtables = u16_at(cmap, 2)? as usize;
    let mut best: Option<(u8, &[u8])> = None;
    for i in 0..subtables.min(64) {
        let record = 4 + 8 * i;
        let (Some(platform), Some(encoding), Some(offset)) = (
            u16_at(cmap, record),
            u16_at(cmap, record + 2),
            u32_at(cmap, record + 4),
        ) else {
            break;
        };
        let rank = match (platform, encoding) {
            (3, 10) => 4,
            (0, 4) | (0, 6) => 3,
            (3, 1) => 2,
            (0, _) => 1,
            _ => continue,
        };
        let Some(table) = cmap.get(offset as usize..) else {
            continue;
        };
        if best.is_none_or(|(r, _)| rank > r) {
            best = Some((rank, table));
        }
    }
    let (_, table) = best?;
    let mut map = FxHashMap::default();
    let mut add = |code: u32, glyph: u32| {
        if glyph == 0 || map.len() >= MAX_MAPPINGS {
            return;
        }
        if let (Ok(glyph), Some(c)) = (u16::try_from(glyph), char::from_u32(code)) {
            // The lowest code point wins (U+0020 over U+00A0 for one glyph).
            map.entry(glyph).or_insert(c);
        }
    };
    match u16_at(table, 0)? {
        4 => {
            let segments = u16_at(table, 6)? as usize / 2;
            let ends = 14;
            let starts = ends + 2 * segments + 2;
            let deltas = starts + 2 * segments;
            let range_offsets = deltas + 2 * segments;
            for s in 0..segments {
                let end = u32::from(u16_at(table, ends + 2 * s)?);
                let start = u32::from(u16_at(table, starts + 2 * s)?);
                let delta = u32::from(u16_at(table, deltas + 2 * s)?);
                let range_offset = u16_at(table, range_offsets + 2 * s)? as usize;
                if start > end || start == 0xFFFF {
                    continue;
                }
                for code in start..=end {
                    let glyph = if range_offset == 0 {
                        (code + delta) & 0xFFFF
                    } else {
                        let at = range_offsets + 2 * s + range_offset + 2 * (code - start) as usize;
                        match u16_at(table, at) {
                            Some(0) | None => 0,
                            Some(g) => (u32::from(g) + delta) & 0xFFFF,
                        }
                    };
                    add(code, glyph);
                }
            }
        }
        12 => {
            let groups = u32_at(table, 12)? as usize;
            for g in 0..groups.min(MAX_MAPPINGS) {
                let at = 16 + 12 * g;
                let (Some(start), Some(end), Some(glyph)) = (
                    u32_at(table, at),
                    u32_at(table, at + 4),
                    u32_at(table, at + 8),
                ) else {
                    break;
                };
                if end < start || end - start > MAX_MAPPINGS as u32 {
                    continue;
                }
                for code in start..=end {
                    add(code, glyph + (code - start));
                }
            }
        }
        6 => {
            let first = u32::from(u16_at(table, 6)?);
            let count = u16_at(table, 8)? as usize;
            for i in 0..count {
                add(first + i as u32, u32::from(u16_at(table, 10 + 2 * i)?));
            }
        }
        0 => {
            for code in 0..256u32 {
                add(code, u32::from(*table.get(6 + code as usize)?));
            }
        }
        _ => return None,
    }
    (!map.is_empty()).then_some(map)
}

#[cfg(test)]
pub mod tests {
    use super::*;

    /// A font file with only a cmap table holding one format-4 subtable
    /// (3,1) for the given (code, glyph) segments of length one each, plus
    /// a format-12 subtable (3,10) when `wide` is given.
    pub fn font_with_cmap(pairs: &[(u16, u16)], wide: Option<(u32, u32)>) -> Vec<u8> {
        let mut sub4 = Vec::new();
        let segments = pairs.len() + 1;
        let push16 = |v: &mut Vec<u8>, x: u16| v.extend_from_slice(&x.to_be_bytes());
        push16(&mut sub4, 4);
        push16(&mut sub4, 0); // length, unchecked
        push16(&mut sub4, 0);
        push16(&mut sub4, (segments * 2) as u16);
        for _ in 0..3 {
            push16(&mut sub4, 0);
        }
        for &(code, _) in pairs {
            push16(&mut sub4, code);
        }
        push16(&mut sub4, 0xFFFF);
        push16(&mut sub4, 0);
        for &(code, _) in pairs {
            push16(&mut sub4, code);
        }
        push16(&mut sub4, 0xFFFF);
        for &(code, glyph) in pairs {
            push16(&mut sub4, glyph.wrapping_sub(code));
        }
        push16(&mut sub4, 1);
        for _ in 0..segments {
            push16(&mut sub4, 0);
        }
        let mut sub12 = Vec::new();
        if let Some((code, glyph)) = wide {
            push16(&mut sub12, 12);
            push16(&mut sub12, 0);
            sub12.extend_from_slice(&0u32.to_be_bytes());
            sub12.extend_from_slice(&0u32.to_be_bytes());
            sub12.extend_from_slice(&1u32.to_be_bytes());
            sub12.extend_from_slice(&code.to_be_bytes());
            sub12.extend_from_slice(&code.to_be_bytes());
            sub12.extend_from_slice(&glyph.to_be_bytes());
        }
        let count = if wide.is_some() { 2u16 } else { 1 };
        let mut cmap = Vec::new();
        push16(&mut cmap, 0);
        push16(&mut cmap, count);
        let header = 4 + 8 * count as u32;
        push16(&mut cmap, 3);
        push16(&mut cmap, 1);
        cmap.extend_from_slice(&header.to_be_bytes());
        if wide.is_some() {
            push16(&mut cmap, 3);
            push16(&mut cmap, 10);
            cmap.extend_from_slice(&(header + sub4.len() as u32).to_be_bytes());
        }
        cmap.extend(sub4);
        cmap.extend(sub12);
        let mut font = vec![0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0];
        font.extend_from_slice(b"cmap");
        font.extend_from_slice(&0u32.to_be_bytes());
        font.extend_from_slice(&28u32.to_be_bytes());
        font.extend_from_slice(&(cmap.len() as u32).to_be_bytes());
        font.extend(cmap);
        font
    }

    #[test]
    fn inverts_format_4_and_12() {
        let font = font_with_cmap(&[(0x4E2D, 5), (0x0041, 7)], None);
        let map = glyph_to_unicode(&font).unwrap();
        assert_eq!(map.get(&5), Some(&'中'));
        assert_eq!(map.get(&7), Some(&'A'));
        assert_eq!(map.get(&1), None);
        // A full-repertoire (3,10) subtable is preferred when there is one.
        let font = font_with_cmap(&[(0x4E2D, 5)], Some((0x20000, 9)));
        let map = glyph_to_unicode(&font).unwrap();
        assert_eq!(map.get(&9), Some(&'\u{20000}'));
        assert_eq!(map.get(&5), None);
    }

    #[test]
    fn damage_gives_none_not_a_panic() {
        let font = font_with_cmap(&[(0x4E2D, 5)], None);
        for cut in [0, 5, 13, 30, 40, font.len() - 3] {
            let _ = glyph_to_unicode(&font[..cut]);
        }
        assert!(glyph_to_unicode(b"not a font at all").is_none());
    }
}
