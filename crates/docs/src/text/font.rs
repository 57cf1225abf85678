//! A font as the text reader needs it: how a shown string splits into codes,
//! each code's text and advance width. Built once per font object per
//! document (the cache is in [`super::TextReader`]).

use super::cmap::{next_code, EncodingCMap, Predefined, ToUnicode};
use super::encoding::{self, Base};
use super::fxhash::FxHashMap;
use super::metrics;
use super::truetype;
use lopdf::{Dictionary, Document, Object, Stream};

/// How sure the reader is of a code's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mapped {
    /// From a ToUnicode map, a named encoding or a Unicode-based CMap.
    Yes,
    /// From a stand-in encoding: the font's own (built-in) encoding, which
    /// this reader does not read, is what really applies.
    Guessed,
    /// No text for this code.
    No,
}

/// One code of a shown string.
#[derive(Debug, Clone, Copy)]
pub struct Glyph {
    /// Bytes of the string this code took.
    pub len: usize,
    /// Advance in text space per unit of font size (w0 / 1000 for most fonts).
    pub width: f64,
    pub mapped: Mapped,
    /// A single-byte code 32, to which word spacing applies.
    pub word_space: bool,
    /// The width is an estimate (the font gives none for this code).
    pub estimated: bool,
}

#[derive(Debug)]
enum Codes {
    /// One byte per code (simple fonts).
    Single,
    /// A predefined CMap (Identity-H, UniGB-UCS2-H, GBK-EUC-H …).
    Predefined(Predefined),
    /// An embedded encoding CMap.
    Embedded(EncodingCMap),
}

#[derive(Debug)]
enum Widths {
    /// Simple fonts: widths from `FirstChar`, in glyph units.
    Simple {
        first: u32,
        widths: Vec<f32>,
        missing: f32,
    },
    /// CID fonts: widths by CID, default `DW`.
    Cid {
        widths: FxHashMap<u32, f32>,
        default: f32,
    },
    /// A standard font named without `Widths`: its ASCII widths are known.
    Standard(&'static [u16; 95]),
    /// Known for no code (fonts without `Widths`, or codes whose CID is
    /// unknown): estimated from the text.
    Estimated { monospace: bool },
}

/// An embedded TrueType font's glyphs: the `CIDToGIDMap` (none for
/// Identity) and glyph id → character from the font's cmap.
type Glyphs = (Option<Vec<u16>>, FxHashMap<u16, char>);

#[derive(Debug)]
pub struct Font {
    codes: Codes,
    /// Simple fonts: the text of each code from the encoding.
    table: Vec<Option<Box<str>>>,
    /// The simple table is a stand-in for an encoding not read…
    table_guessed: bool,
    /// … except for the codes `Differences` names (by code).
    known: Option<Vec<bool>>,
    to_unicode: Option<ToUnicode>,
    /// CID → character from the embedded TrueType font's own cmap.
    glyphs: Option<Glyphs>,
    widths: Widths,
    /// Glyph units → text space (1/1000, or a Type3 font's matrix).
    width_scale: f64,
    pub vertical: bool,
}

/// Decompression bound for font-related streams (CMaps, font programs).
pub struct Limits {
    pub max_stream: usize,
}

fn name_of<'a>(doc: &'a Document, dict: &'a Dictionary, key: &[u8]) -> Option<&'a [u8]> {
    let object = dict.get(key).ok()?;
    doc.dereference(object).ok()?.1.as_name().ok()
}

fn deref<'a>(doc: &'a Document, dict: &'a Dictionary, key: &[u8]) -> Option<&'a Object> {
    doc.dereference(dict.get(key).ok()?).ok().map(|(_, o)| o)
}

fn number(object: &Object) -> Option<f64> {
    match object {
        Object::Integer(i) => Some(*i as f64),
        Object::Real(r) if r.is_finite() => Some(f64::from(*r)),
        _ => None,
    }
}

fn stream_data(stream: &Stream, limits: &Limits) -> Option<Vec<u8>> {
    stream.get_plain_content_with_limit(limits.max_stream).ok()
}

/// The widths of a standard font a name points to (a subset prefix
/// `ABCDEF+` and Windows names like `Arial,Bold` or `TimesNewRomanPSMT` too).
fn standard_widths(base_font: &[u8]) -> Widths {
    let name = String::from_utf8_lossy(base_font);
    let name = name.split_once('+').map_or(&*name, |(_, n)| n);
    let bold = name.contains("Bold") || name.contains("Black");
    let italic = name.contains("Italic") || name.contains("Oblique");
    if name.starts_with("Courier") {
        return Widths::Estimated { monospace: true };
    }
    let table = if name.starts_with("Helvetica") || name.starts_with("Arial") {
        if bold {
            &metrics::HELVETICA_BOLD
        } else {
            &metrics::HELVETICA
        }
    } else if name.starts_with("Times") {
        match (bold, italic) {
            (false, false) => &metrics::TIMES_ROMAN,
            (true, false) => &metrics::TIMES_BOLD,
            (false, true) => &metrics::TIMES_ITALIC,
            (true, true) => &metrics::TIMES_BOLDITALIC,
        }
    } else {
        return Widths::Estimated { monospace: false };
    };
    Widths::Standard(table)
}

/// True for characters that take a full em in CJK fonts.
pub fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x115F
        | 0x2E80..=0x303E
        | 0x3041..=0x33FF
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF
        | 0xAC00..=0xD7A3
        | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F
        | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6
        | 0x20000..=0x3FFFD)
}

fn estimate(text: &str, monospace: bool) -> f64 {
    text.chars()
        .map(|c| {
            if is_wide(c) {
                1.0
            } else if monospace {
                0.6
            } else if c == ' ' {
                0.25
            } else {
                0.5
            }
        })
        .sum::<f64>()
        .max(if text.is_empty() { 0.5 } else { 0.0 })
}

impl Font {
    pub fn load(doc: &Document, font: &Dictionary, limits: &Limits) -> Font {
        let subtype = name_of(doc, font, b"Subtype").unwrap_or(b"");
        let to_unicode = match deref(doc, font, b"ToUnicode") {
            Some(Object::Stream(s)) => stream_data(s, limits)
                .map(|data| ToUnicode::parse(&data, &|n| encoding::glyph_text(n)))
                .filter(|m| !m.is_empty()),
            _ => None,
        };
        if subtype == b"Type0" {
            Self::composite(doc, font, to_unicode, limits)
        } else {
            Self::simple(doc, font, subtype, to_unicode)
        }
    }

    fn simple(
        doc: &Document,
        font: &Dictionary,
        subtype: &[u8],
        to_unicode: Option<ToUnicode>,
    ) -> Font {
        let base_font = name_of(doc, font, b"BaseFont").unwrap_or(b"");
        let descriptor = match deref(doc, font, b"FontDescriptor") {
            Some(Object::Dictionary(d)) => Some(d),
            _ => None,
        };
        let flags = descriptor
            .and_then(|d| deref(doc, d, b"Flags"))
            .and_then(number)
            .unwrap_or(0.0) as u32;
        let symbolic = flags & 4 != 0 && flags & 32 == 0;
        let embedded = descriptor
            .is_some_and(|d| d.has(b"FontFile") || d.has(b"FontFile2") || d.has(b"FontFile3"));
        let standard = ["Times", "Helvetica", "Courier", "Arial"]
            .iter()
            .any(|s| base_font.starts_with(s.as_bytes()));
        // The encoding the font's own program (or the viewer) would use when
        // the dictionary names none: known for TrueType text fonts and the
        // standard fonts, otherwise a stand-in.
        // Symbol and ZapfDingbats have encodings of their own, which this
        // reader does not carry: a stand-in, so pdf-extract reads them.
        let pictorial = {
            let name = base_font
                .iter()
                .position(|&b| b == b'+')
                .map_or(base_font, |i| &base_font[i + 1..]);
            name.starts_with(b"Symbol")
                || name.starts_with(b"ZapfDingbats")
                || name.starts_with(b"Wingdings")
                || name.starts_with(b"Webdings")
        };
        let (default_base, default_guessed) = match subtype {
            _ if pictorial => (Base::Standard, true),
            b"TrueType" if !symbolic => (Base::WinAnsi, false),
            b"TrueType" => (Base::WinAnsi, true),
            b"Type3" => (Base::Standard, true),
            _ if standard && !embedded => (Base::Standard, false),
            _ => (Base::Standard, embedded || symbolic),
        };
        let mut guessed = default_guessed;
        let mut table: Vec<Option<Box<str>>> = vec![None; 256];
        let mut fill = |base: Base| {
            for (slot, c) in table.iter_mut().zip(encoding::table(base).iter()) {
                *slot = c.map(|c| c.to_string().into_boxed_str());
            }
        };
        let mut named: Vec<(usize, Option<String>)> = Vec::new();
        match deref(doc, font, b"Encoding") {
            Some(Object::Name(name)) => match Base::from_name(name) {
                Some(base) => {
                    fill(base);
                    guessed = false;
                }
                None => fill(default_base),
            },
            Some(Object::Dictionary(dict)) => {
                match name_of(doc, dict, b"BaseEncoding").and_then(Base::from_name) {
                    Some(base) => {
                        fill(base);
                        guessed = false;
                    }
                    None => fill(default_base),
                }
                if let Some(Object::Array(differences)) = deref(doc, dict, b"Differences") {
                    let mut code = 0usize;
                    for item in differences {
                        match item {
                            Object::Integer(i) => code = (*i).clamp(0, 255) as usize,
                            Object::Name(name) => {
                                if code < 256 {
                                    named.push((code, encoding::glyph_text(name)));
                                }
                                code += 1;
                            }
                            _ => {}
                        }
                    }
                }
            }
            _ => fill(default_base),
        }
        let mut differences = vec![false; 256];
        for (code, text) in named {
            table[code] = text.map(String::into_boxed_str);
            differences[code] = true;
        }
        // A code named in Differences is known even when the base is not.
        let table_guessed = guessed || pictorial;
        let (width_scale, widths) = Self::simple_widths(doc, font, subtype, descriptor, base_font);
        Font {
            codes: Codes::Single,
            table,
            table_guessed,
            known: table_guessed.then_some(differences),
            to_unicode,
            glyphs: None,
            widths,
            width_scale,
            vertical: false,
        }
    }

    fn simple_widths(
        doc: &Document,
        font: &Dictionary,
        subtype: &[u8],
        descriptor: Option<&Dictionary>,
        base_font: &[u8],
    ) -> (f64, Widths) {
        let width_scale = if subtype == b"Type3" {
            match deref(doc, font, b"FontMatrix") {
                Some(Object::Array(m)) => m
                    .first()
                    .and_then(number)
                    .filter(|a| a.abs() > 1e-9 && a.abs() < 1e3)
                    .unwrap_or(0.001),
                _ => 0.001,
            }
        } else {
            0.001
        };
        let first = deref(doc, font, b"FirstChar").and_then(number);
        let widths = match deref(doc, font, b"Widths") {
            Some(Object::Array(w)) => Some(
                w.iter()
                    .map(|o| {
                        doc.dereference(o)
                            .ok()
                            .and_then(|(_, o)| number(o))
                            .unwrap_or(0.0) as f32
                    })
                    .collect::<Vec<f32>>(),
            ),
            _ => None,
        };
        let missing = descriptor
            .and_then(|d| deref(doc, d, b"MissingWidth"))
            .and_then(number)
            .unwrap_or(0.0) as f32;
        match (first, widths) {
            (Some(first), Some(widths)) if first >= 0.0 && !widths.is_empty() => (
                width_scale,
                Widths::Simple {
                    first: first as u32,
                    widths,
                    missing,
                },
            ),
            _ => (width_scale, standard_widths(base_font)),
        }
    }

    fn composite(
        doc: &Document,
        font: &Dictionary,
        to_unicode: Option<ToUnicode>,
        limits: &Limits,
    ) -> Font {
        let descendant = match deref(doc, font, b"DescendantFonts") {
            Some(Object::Array(a)) => a
                .first()
                .and_then(|o| doc.dereference(o).ok())
                .and_then(|(_, o)| o.as_dict().ok()),
            _ => None,
        };
        let (codes, vertical) = match deref(doc, font, b"Encoding") {
            Some(Object::Name(name)) => (
                Codes::Predefined(Predefined::from_name(name)),
                Predefined::vertical(name),
            ),
            Some(Object::Stream(s)) => {
                let cmap = stream_data(s, limits)
                    .map(|d| EncodingCMap::parse(&d))
                    .unwrap_or_default();
                let vertical = name_of(doc, &s.dict, b"CMapName").is_some_and(Predefined::vertical)
                    || deref(doc, &s.dict, b"WMode").and_then(number) == Some(1.0);
                let codes = match (&cmap.uses, cmap.codespace.is_empty()) {
                    (Some(uses), true) => Codes::Predefined(Predefined::from_name(uses)),
                    _ if cmap.codespace.is_empty() => Codes::Predefined(Predefined::Identity),
                    _ => Codes::Embedded(cmap),
                };
                (codes, vertical)
            }
            _ => (Codes::Predefined(Predefined::Identity), false),
        };
        let mut widths = Widths::Estimated { monospace: false };
        let mut glyphs = None;
        if let Some(cid_font) = descendant {
            let default = deref(doc, cid_font, b"DW")
                .and_then(number)
                .unwrap_or(1000.0) as f32;
            let mut map = FxHashMap::default();
            if let Some(Object::Array(w)) = deref(doc, cid_font, b"W") {
                let items: Vec<&Object> = w
                    .iter()
                    .filter_map(|o| doc.dereference(o).ok().map(|(_, o)| o))
                    .collect();
                let mut i = 0;
                while i < items.len() && map.len() < 200_000 {
                    let Some(first) = number(items[i]) else {
                        i += 1;
                        continue;
                    };
                    match items.get(i + 1) {
                        Some(Object::Array(list)) => {
                            for (k, w) in list.iter().enumerate() {
                                let w = doc.dereference(w).ok().and_then(|(_, w)| number(w));
                                if let Some(w) = w {
                                    map.insert(first as u32 + k as u32, w as f32);
                                }
                            }
                            i += 2;
                        }
                        Some(last) => {
                            let (Some(last), Some(w)) =
                                (number(last), items.get(i + 2).and_then(|o| number(o)))
                            else {
                                i += 3;
                                continue;
                            };
                            let (first, last) = (first as u32, last as u32);
                            if last >= first && last - first < 65_536 {
                                for cid in first..=last {
                                    map.insert(cid, w as f32);
                                }
                            }
                            i += 3;
                        }
                        None => break,
                    }
                }
            }
            widths = Widths::Cid {
                widths: map,
                default,
            };
            let identity = matches!(codes, Codes::Predefined(Predefined::Identity));
            let needs_glyphs = identity && to_unicode.is_none();
            if needs_glyphs && name_of(doc, cid_font, b"Subtype") == Some(b"CIDFontType2") {
                glyphs = Self::truetype_glyphs(doc, cid_font, limits);
            }
        }
        Font {
            codes,
            table: Vec::new(),
            table_guessed: false,
            known: None,
            to_unicode,
            glyphs,
            widths,
            width_scale: 0.001,
            vertical,
        }
    }

    /// CID → glyph id → character through the embedded TrueType program.
    fn truetype_glyphs(doc: &Document, cid_font: &Dictionary, limits: &Limits) -> Option<Glyphs> {
        let descriptor = match deref(doc, cid_font, b"FontDescriptor") {
            Some(Object::Dictionary(d)) => d,
            _ => return None,
        };
        let Some(Object::Stream(file)) = deref(doc, descriptor, b"FontFile2") else {
            return None;
        };
        let program = stream_data(file, limits)?;
        let map = truetype::glyph_to_unicode(&program)?;
        let cid_to_gid = match deref(doc, cid_font, b"CIDToGIDMap") {
            Some(Object::Stream(s)) => {
                let data = stream_data(s, limits)?;
                Some(
                    data.chunks(2)
                        .map(|c| u16::from(c[0]) << 8 | u16::from(*c.get(1).unwrap_or(&0)))
                        .collect(),
                )
            }
            _ => None,
        };
        Some((cid_to_gid, map))
    }

    /// Reads the code at `bytes[at]`, appending its text to `out`.
    pub fn decode(&self, bytes: &[u8], at: usize, out: &mut String) -> Glyph {
        let start = out.len();
        match &self.codes {
            Codes::Single => {
                let code = bytes[at];
                let mut mapped = Mapped::No;
                if let Some(map) = &self.to_unicode {
                    if map.append(u32::from(code), 1, out) {
                        mapped = Mapped::Yes;
                    }
                }
                if mapped == Mapped::No {
                    if let Some(text) = &self.table[usize::from(code)] {
                        out.push_str(text);
                        let known = self.known.as_ref().is_some_and(|k| k[usize::from(code)]);
                        mapped = if self.table_guessed && !known {
                            Mapped::Guessed
                        } else {
                            Mapped::Yes
                        };
                    }
                }
                let (width, estimated) = self.simple_width(u32::from(code), &out[start..]);
                Glyph {
                    len: 1,
                    width,
                    mapped,
                    word_space: code == 32,
                    estimated,
                }
            }
            Codes::Predefined(cmap) => {
                let len = cmap.code_len(bytes, at);
                let code_bytes = &bytes[at..at + len];
                let code = code_bytes.iter().fold(0u32, |c, &b| c << 8 | u32::from(b));
                let mut mapped = self.composite_text(code, len as u8, out);
                if mapped == Mapped::No && cmap.append(code_bytes, out) {
                    mapped = Mapped::Yes;
                }
                let cid = matches!(cmap, Predefined::Identity).then_some(code);
                let (width, estimated) = self.cid_width(cid, &out[start..]);
                Glyph {
                    len,
                    width,
                    mapped,
                    word_space: len == 1 && code == 32,
                    estimated,
                }
            }
            Codes::Embedded(cmap) => {
                let (code, len) = next_code(&cmap.codespace, bytes, at);
                let mapped = self.composite_text(code, len, out);
                let cid = cmap.cid(code, len);
                let (width, estimated) = self.cid_width(cid, &out[start..]);
                Glyph {
                    len: usize::from(len),
                    width,
                    mapped,
                    word_space: len == 1 && code == 32,
                    estimated,
                }
            }
        }
    }

    fn composite_text(&self, code: u32, len: u8, out: &mut String) -> Mapped {
        if let Some(map) = &self.to_unicode {
            if map.append(code, len, out) {
                return Mapped::Yes;
            }
        }
        if let Some((cid_to_gid, map)) = &self.glyphs {
            let gid = match cid_to_gid {
                Some(table) => table.get(code as usize).copied(),
                None => u16::try_from(code).ok(),
            };
            if let Some(c) = gid.and_then(|g| map.get(&g)) {
                out.push(*c);
                return Mapped::Yes;
            }
        }
        Mapped::No
    }

    fn simple_width(&self, code: u32, text: &str) -> (f64, bool) {
        match &self.widths {
            Widths::Simple {
                first,
                widths,
                missing,
            } => {
                let w = code
                    .checked_sub(*first)
                    .and_then(|i| widths.get(i as usize))
                    .copied()
                    .unwrap_or(*missing);
                if w > 0.0 {
                    (f64::from(w) * self.width_scale, false)
                } else {
                    (estimate(text, false), true)
                }
            }
            Widths::Standard(table) => {
                let mut chars = text.chars();
                match (chars.next(), chars.next()) {
                    (Some(c @ ' '..='~'), None) => {
                        (f64::from(table[c as usize - 32]) / 1000.0, false)
                    }
                    _ => (estimate(text, false), true),
                }
            }
            Widths::Estimated { monospace } => (estimate(text, *monospace), !monospace),
            Widths::Cid { .. } => (estimate(text, false), true),
        }
    }

    fn cid_width(&self, cid: Option<u32>, text: &str) -> (f64, bool) {
        match (&self.widths, cid) {
            (Widths::Cid { widths, default }, Some(cid)) => (
                f64::from(*widths.get(&cid).unwrap_or(default)) * self.width_scale,
                false,
            ),
            _ => (estimate(text, false), true),
        }
    }
}
