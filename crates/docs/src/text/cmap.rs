//! CMaps: ToUnicode maps (code → Unicode text), embedded encoding CMaps
//! (codespace and code → CID) and the predefined CMaps CJK producers name
//! instead of embedding one (UniGB-UCS2-H, GBK-EUC-H, 90ms-RKSJ-H …).

use super::fxhash::FxHashMap;
use super::lexer::{Lexer, Operand};

/// A ToUnicode map bigger than this (entries) is cut off: real ones hold at
/// most a few tens of thousands.
const MAX_ENTRIES: usize = 200_000;

/// One codespace range: each byte of a code of `len` bytes lies between the
/// corresponding bytes of `lo` and `hi`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CodeRange {
    pub len: u8,
    pub lo: u32,
    pub hi: u32,
}

impl CodeRange {
    fn contains(&self, code: u32, len: u8) -> bool {
        len == self.len
            && (0..u32::from(len)).all(|i| {
                let shift = 8 * i;
                let byte = (code >> shift) & 0xff;
                (self.lo >> shift) & 0xff <= byte && byte <= (self.hi >> shift) & 0xff
            })
    }
}

/// Splits a string into codes by codespace ranges (ISO 32000-1 9.7.6.2): the
/// shortest prefix that lies in a range is the code; bytes in no range are
/// taken one at a time.
pub fn next_code(ranges: &[CodeRange], bytes: &[u8], at: usize) -> (u32, u8) {
    let mut code = 0u32;
    for len in 1..=4u8 {
        let Some(&b) = bytes.get(at + usize::from(len) - 1) else {
            break;
        };
        code = code << 8 | u32::from(b);
        if ranges.iter().any(|r| r.contains(code, len)) {
            return (code, len);
        }
    }
    // Not in any range: the longest range length that fits, else one byte.
    let len = ranges
        .iter()
        .map(|r| r.len)
        .filter(|&l| at + usize::from(l) <= bytes.len())
        .min()
        .unwrap_or(1)
        .max(1);
    let code = bytes[at..at + usize::from(len)]
        .iter()
        .fold(0u32, |c, &b| c << 8 | u32::from(b));
    (code, len)
}

#[derive(Debug, Clone)]
enum Target {
    /// UTF-16 units; the last one is incremented by `code - lo`.
    Incrementing(Vec<u16>),
    /// One destination per code from `lo`.
    Each(Vec<String>),
}

#[derive(Debug, Clone)]
struct RangeEntry {
    len: u8,
    lo: u32,
    hi: u32,
    target: Target,
}

/// A parsed ToUnicode CMap.
#[derive(Debug, Clone, Default)]
pub struct ToUnicode {
    pub codespace: Vec<CodeRange>,
    singles: FxHashMap<u64, Box<str>>,
    /// Sorted by (len, lo).
    ranges: Vec<RangeEntry>,
}

fn key(code: u32, len: u8) -> u64 {
    u64::from(len) << 32 | u64::from(code)
}

fn code_of(bytes: &[u8]) -> Option<(u32, u8)> {
    if bytes.is_empty() || bytes.len() > 4 {
        return None;
    }
    Some((
        bytes.iter().fold(0u32, |c, &b| c << 8 | u32::from(b)),
        bytes.len() as u8,
    ))
}

/// UTF-16BE bytes to text; lone surrogates are dropped.
pub fn utf16be(bytes: &[u8]) -> String {
    let units = bytes
        .chunks(2)
        .map(|c| u16::from(c[0]) << 8 | u16::from(*c.get(1).unwrap_or(&0)));
    char::decode_utf16(units).filter_map(Result::ok).collect()
}

fn units(bytes: &[u8]) -> Vec<u16> {
    bytes
        .chunks(2)
        .map(|c| u16::from(c[0]) << 8 | u16::from(*c.get(1).unwrap_or(&0)))
        .collect()
}

impl ToUnicode {
    pub fn parse(data: &[u8], glyph_name: &dyn Fn(&[u8]) -> Option<String>) -> ToUnicode {
        let mut map = ToUnicode::default();
        let mut lexer = Lexer::new(data);
        let mut operands = Vec::new();
        let mut entries = 0usize;
        while let Some(op) = lexer.next_operation(&mut operands) {
            match op {
                b"endcodespacerange" => map.codespace.extend(codespace_ranges(&operands)),
                b"endbfchar" => {
                    for pair in operands.chunks(2) {
                        let [Operand::String(src), dst] = pair else {
                            continue;
                        };
                        let Some((code, len)) = code_of(src) else {
                            continue;
                        };
                        let text = match dst {
                            Operand::String(d) => utf16be(d),
                            Operand::Name(n) => glyph_name(n).unwrap_or_default(),
                            _ => continue,
                        };
                        if entries < MAX_ENTRIES {
                            entries += 1;
                            map.singles.insert(key(code, len), text.into_boxed_str());
                        }
                    }
                }
                b"endbfrange" => {
                    for triple in operands.chunks(3) {
                        let [Operand::String(lo), Operand::String(hi), dst] = triple else {
                            continue;
                        };
                        let (Some((lo, len)), Some((hi, hi_len))) = (code_of(lo), code_of(hi))
                        else {
                            continue;
                        };
                        if hi < lo || hi_len != len {
                            continue;
                        }
                        let target = match dst {
                            Operand::String(d) if !d.is_empty() => Target::Incrementing(units(d)),
                            Operand::Array(items) => Target::Each(
                                items
                                    .iter()
                                    .map(|i| match i {
                                        Operand::String(d) => utf16be(d),
                                        _ => String::new(),
                                    })
                                    .collect(),
                            ),
                            _ => continue,
                        };
                        entries += 1;
                        if entries < MAX_ENTRIES {
                            map.ranges.push(RangeEntry {
                                len,
                                lo,
                                hi,
                                target,
                            });
                        }
                    }
                }
                _ => {}
            }
        }
        map.ranges.sort_by_key(|r| (r.len, r.lo));
        map
    }

    pub fn is_empty(&self) -> bool {
        self.singles.is_empty() && self.ranges.is_empty()
    }

    /// Appends the text for `code` to `out`; false if the map has none.
    pub fn append(&self, code: u32, len: u8, out: &mut String) -> bool {
        if let Some(text) = self.singles.get(&key(code, len)) {
            out.push_str(text);
            return true;
        }
        // The last range starting at or before `code` among those of `len`.
        let i = self
            .ranges
            .partition_point(|r| (r.len, r.lo) <= (len, code));
        let Some(range) = i.checked_sub(1).map(|i| &self.ranges[i]) else {
            return false;
        };
        if range.len != len || code > range.hi {
            return false;
        }
        let offset = code - range.lo;
        match &range.target {
            Target::Incrementing(base) if base.len() == 1 => {
                let unit = u32::from(base[0].wrapping_add(offset as u16));
                out.extend(char::from_u32(unit));
                true
            }
            Target::Incrementing(base) => {
                let mut units = base.clone();
                if let Some(last) = units.last_mut() {
                    *last = last.wrapping_add(offset as u16);
                }
                out.extend(char::decode_utf16(units).filter_map(Result::ok));
                true
            }
            Target::Each(items) => match items.get(offset as usize) {
                Some(text) => {
                    out.push_str(text);
                    true
                }
                None => false,
            },
        }
    }
}

/// An embedded encoding CMap of a Type0 font: its codespace and code → CID.
#[derive(Debug, Clone, Default)]
pub struct EncodingCMap {
    pub codespace: Vec<CodeRange>,
    /// (len, lo, hi, first CID), sorted.
    cids: Vec<(u8, u32, u32, u32)>,
    /// A predefined CMap this one builds on (`/Name usecmap`).
    pub uses: Option<Vec<u8>>,
}

impl EncodingCMap {
    pub fn parse(data: &[u8]) -> EncodingCMap {
        let mut map = EncodingCMap::default();
        let mut lexer = Lexer::new(data);
        let mut operands = Vec::new();
        while let Some(op) = lexer.next_operation(&mut operands) {
            match op {
                b"endcodespacerange" => map.codespace.extend(codespace_ranges(&operands)),
                b"endcidrange" => {
                    for triple in operands.chunks(3) {
                        if let [Operand::String(lo), Operand::String(hi), Operand::Number(cid)] =
                            triple
                        {
                            if let (Some((lo, len)), Some((hi, _))) = (code_of(lo), code_of(hi)) {
                                if map.cids.len() < MAX_ENTRIES && hi >= lo && *cid >= 0.0 {
                                    map.cids.push((len, lo, hi, *cid as u32));
                                }
                            }
                        }
                    }
                }
                b"endcidchar" => {
                    for pair in operands.chunks(2) {
                        if let [Operand::String(code), Operand::Number(cid)] = pair {
                            if let Some((code, len)) = code_of(code) {
                                if map.cids.len() < MAX_ENTRIES && *cid >= 0.0 {
                                    map.cids.push((len, code, code, *cid as u32));
                                }
                            }
                        }
                    }
                }
                b"usecmap" => {
                    if let Some(Operand::Name(name)) = operands.last() {
                        map.uses = Some(name.clone());
                    }
                }
                _ => {}
            }
        }
        map.cids.sort_unstable();
        map
    }

    pub fn cid(&self, code: u32, len: u8) -> Option<u32> {
        let i = self
            .cids
            .partition_point(|&(l, lo, _, _)| (l, lo) <= (len, code));
        let &(l, lo, hi, cid) = self.cids.get(i.checked_sub(1)?)?;
        (l == len && code <= hi).then(|| cid + (code - lo))
    }
}

/// How the codes of a predefined CMap turn into Unicode without a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Predefined {
    /// Identity-H/V: two-byte codes that are CIDs; no Unicode without a
    /// ToUnicode map or the font's own cmap.
    Identity,
    /// Uni…-UCS2-… and Uni…-UTF16-…: the codes are UTF-16BE.
    Utf16,
    Utf8,
    Utf32,
    /// Legacy multi-byte encodings, decoded with encoding_rs.
    Legacy(Legacy),
    /// A CMap we have no decoder for (e.g. Adobe-GB1-…): codes of two bytes.
    Unknown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Legacy {
    Gbk,
    Gb18030,
    Big5,
    ShiftJis,
    EucJp,
    /// ISO-2022-JP codes without escapes (the `H`/`V` CMaps): JIS X 0208 rows.
    Jis,
    EucKr,
}

impl Predefined {
    pub fn from_name(name: &[u8]) -> Predefined {
        let name = String::from_utf8_lossy(name);
        let base = name
            .strip_suffix("-H")
            .or_else(|| name.strip_suffix("-V"))
            .unwrap_or(&name);
        if base == "Identity" {
            return Predefined::Identity;
        }
        if base.starts_with("Uni") {
            if base.contains("UCS2") || base.contains("UTF16") {
                return Predefined::Utf16;
            }
            if base.contains("UTF8") {
                return Predefined::Utf8;
            }
            if base.contains("UTF32") {
                return Predefined::Utf32;
            }
        }
        let legacy = match base {
            "GB-EUC" | "GBpc-EUC" | "GBK-EUC" | "GBT-EUC" | "GBTpc-EUC" => Legacy::Gbk,
            "GBK2K" => Legacy::Gb18030,
            "B5pc" | "ETen-B5" | "HKscs-B5" | "ETenms-B5" | "B5" | "HKdla-B5" | "HKdlb-B5"
            | "HKgccs-B5" | "HKm314-B5" | "HKm471-B5" => Legacy::Big5,
            "90ms-RKSJ" | "90msp-RKSJ" | "83pv-RKSJ" | "90pv-RKSJ" | "78-RKSJ" | "78ms-RKSJ"
            | "Add-RKSJ" | "Ext-RKSJ" | "RKSJ" => Legacy::ShiftJis,
            "EUC" | "78-EUC" | "Add-EUC" | "Ext-EUC" => Legacy::EucJp,
            // "H" and "V" themselves: base is then "H"/"V" (no suffix).
            "H" | "V" | "78" | "Add" | "Ext" | "NWP" => Legacy::Jis,
            "KSC-EUC" | "KSCms-UHC" | "KSCms-UHC-HW" | "KSCpc-EUC" | "KSC" => Legacy::EucKr,
            _ => return Predefined::Unknown,
        };
        Predefined::Legacy(legacy)
    }

    pub fn vertical(name: &[u8]) -> bool {
        name.ends_with(b"-V") || name == b"V"
    }

    /// The length of the code starting at `bytes[at]`.
    pub fn code_len(&self, bytes: &[u8], at: usize) -> usize {
        let b = bytes[at];
        let len = match self {
            Predefined::Identity | Predefined::Unknown => 2,
            Predefined::Utf16 => {
                let unit = u16::from(b) << 8 | u16::from(*bytes.get(at + 1).unwrap_or(&0));
                if (0xD800..0xDC00).contains(&unit) {
                    4
                } else {
                    2
                }
            }
            Predefined::Utf8 => match b {
                0xC0..=0xDF => 2,
                0xE0..=0xEF => 3,
                0xF0..=0xF7 => 4,
                _ => 1,
            },
            Predefined::Utf32 => 4,
            Predefined::Legacy(legacy) => match legacy {
                Legacy::Gbk | Legacy::Big5 | Legacy::EucKr => {
                    if (0x81..=0xFE).contains(&b) {
                        2
                    } else {
                        1
                    }
                }
                Legacy::Gb18030 => {
                    let next = *bytes.get(at + 1).unwrap_or(&0);
                    if !(0x81..=0xFE).contains(&b) {
                        1
                    } else if (0x30..=0x39).contains(&next) {
                        4
                    } else {
                        2
                    }
                }
                Legacy::ShiftJis => match b {
                    0x81..=0x9F | 0xE0..=0xFC => 2,
                    _ => 1,
                },
                Legacy::EucJp => match b {
                    0x8F => 3,
                    0x8E | 0xA1..=0xFE => 2,
                    _ => 1,
                },
                Legacy::Jis => 2,
            },
        };
        len.min(bytes.len() - at)
    }

    /// Appends the Unicode text of one code; false if there is none.
    pub fn append(&self, code: &[u8], out: &mut String) -> bool {
        let before = out.len();
        match self {
            Predefined::Identity | Predefined::Unknown => return false,
            Predefined::Utf16 => out.push_str(&utf16be(code)),
            Predefined::Utf8 => out.push_str(&String::from_utf8_lossy(code)),
            Predefined::Utf32 => {
                let value = code.iter().fold(0u32, |c, &b| c << 8 | u32::from(b));
                if let Some(c) = char::from_u32(value) {
                    out.push(c);
                }
            }
            Predefined::Legacy(legacy) => {
                let jis;
                let (encoding, bytes) = match legacy {
                    Legacy::Gbk => (encoding_rs::GBK, code),
                    Legacy::Gb18030 => (encoding_rs::GB18030, code),
                    Legacy::Big5 => (encoding_rs::BIG5, code),
                    Legacy::ShiftJis => (encoding_rs::SHIFT_JIS, code),
                    Legacy::EucJp => (encoding_rs::EUC_JP, code),
                    Legacy::EucKr => (encoding_rs::EUC_KR, code),
                    Legacy::Jis => {
                        jis = code.iter().map(|&b| b | 0x80).collect::<Vec<u8>>();
                        (encoding_rs::EUC_JP, &jis[..])
                    }
                };
                let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
                if had_errors {
                    return false;
                }
                out.push_str(&text);
            }
        }
        out.len() > before
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(map: &ToUnicode, code: u32, len: u8) -> Option<String> {
        let mut out = String::new();
        map.append(code, len, &mut out).then_some(out)
    }

    #[test]
    fn to_unicode_table() {
        let cmap = b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap
            /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def
            1 begincodespacerange <0000> <FFFF> endcodespacerange
            3 beginbfchar <0003> <0020> <0024> <4E2D6587> <0030> /fi endbfchar
            3 beginbfrange <0010> <0012> <5DE5> <0040> <0041> [<0041> <D840DC00>]
            <0100> <0101> <00660066> endbfrange
            endcmap CMapName currentdict /CMap defineresource pop end end";
        let names = |n: &[u8]| (n == b"fi").then(|| "ﬁ".to_string());
        let map = ToUnicode::parse(cmap, &names);
        assert_eq!(
            map.codespace,
            vec![CodeRange {
                len: 2,
                lo: 0,
                hi: 0xFFFF
            }]
        );
        let cases: &[(u32, u8, Option<&str>)] = &[
            (0x0003, 2, Some(" ")),
            (0x0024, 2, Some("中文")),
            (0x0030, 2, Some("ﬁ")),
            (0x0010, 2, Some("工")),
            (0x0012, 2, Some("巧")),
            (0x0013, 2, None),
            (0x0040, 2, Some("A")),
            (0x0041, 2, Some("\u{20000}")),
            (0x0101, 2, Some("fg")),
            (0x0003, 1, None),
        ];
        for &(code, len, want) in cases {
            assert_eq!(text(&map, code, len).as_deref(), want, "code {code:04X}");
        }
    }

    #[test]
    fn codespace_splits_mixed_width_codes() {
        let ranges = [
            CodeRange {
                len: 1,
                lo: 0x00,
                hi: 0x80,
            },
            CodeRange {
                len: 2,
                lo: 0x8140,
                hi: 0xFEFE,
            },
        ];
        let bytes = [0x41, 0xB9, 0xA4, 0x42];
        let mut at = 0;
        let mut codes = Vec::new();
        while at < bytes.len() {
            let (code, len) = next_code(&ranges, &bytes, at);
            codes.push((code, len));
            at += usize::from(len);
        }
        assert_eq!(codes, vec![(0x41, 1), (0xB9A4, 2), (0x42, 1)]);
    }

    #[test]
    fn embedded_encoding_cmap() {
        let cmap = b"/Adobe-GB1-UCS2 usecmap 2 begincodespacerange <00> <80> <8140> <FEFE> endcodespacerange
            1 begincidrange <8140> <817F> 100 endcidrange 1 begincidchar <41> 34 endcidchar";
        let map = EncodingCMap::parse(cmap);
        assert_eq!(map.codespace.len(), 2);
        assert_eq!(map.cid(0x8142, 2), Some(102));
        assert_eq!(map.cid(0x41, 1), Some(34));
        assert_eq!(map.cid(0x42, 1), None);
        assert_eq!(map.uses.as_deref(), Some(&b"Adobe-GB1-UCS2"[..]));
    }

    #[test]
    fn predefined_cjk_cmaps() {
        let cases: &[(&str, &[u8], &str)] = &[
            (
                "UniGB-UCS2-H",
                &[0x4E, 0x2D, 0x65, 0x87, 0x00, 0x41],
                "中文A",
            ),
            (
                "UniGB-UTF16-V",
                &[0xD8, 0x40, 0xDC, 0x00, 0x4E, 0x00],
                "\u{20000}一",
            ),
            ("UniJIS-UTF8-H", "日本a".as_bytes(), "日本a"),
            ("GBK-EUC-H", &[0xD6, 0xD0, 0x41, 0xCE, 0xC4], "中A文"),
            ("GBK2K-H", &[0x81, 0x30, 0x81, 0x30, 0xD6, 0xD0], "\u{80}中"),
            ("ETen-B5-H", &[0xA4, 0xA4, 0xA4, 0xE5], "中文"),
            ("90ms-RKSJ-H", &[0x93, 0xFA, 0x96, 0x7B, 0x41], "日本A"),
            ("EUC-H", &[0xA4, 0xA2, 0xA4, 0xA4], "あい"),
            ("H", &[0x24, 0x22, 0x24, 0x24], "あい"),
            ("KSCms-UHC-H", &[0xC7, 0xD1, 0xB1, 0xDB], "한글"),
        ];
        for &(name, bytes, want) in cases {
            let cmap = Predefined::from_name(name.as_bytes());
            let mut out = String::new();
            let mut at = 0;
            while at < bytes.len() {
                let len = cmap.code_len(bytes, at);
                assert!(
                    cmap.append(&bytes[at..at + len], &mut out),
                    "{name} at {at}"
                );
                at += len;
            }
            assert_eq!(out, want, "{name}");
        }
        assert_eq!(Predefined::from_name(b"Identity-H"), Predefined::Identity);
        assert_eq!(Predefined::from_name(b"Adobe-GB1-4"), Predefined::Unknown);
        assert!(Predefined::vertical(b"UniGB-UCS2-V"));
        assert!(!Predefined::vertical(b"UniGB-UCS2-H"));
    }
}

/// The ranges of a `begincodespacerange … endcodespacerange` block (pairs
/// of low and high codes of one length); malformed pairs are left out.
fn codespace_ranges(operands: &[Operand]) -> impl Iterator<Item = CodeRange> + '_ {
    operands.chunks(2).filter_map(|pair| match pair {
        [Operand::String(lo), Operand::String(hi)] => {
            let ((lo, len), (hi, _)) = (code_of(lo)?, code_of(hi)?);
            Some(CodeRange { len, lo, hi })
        }
        _ => None,
    })
}
