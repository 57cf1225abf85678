//! Embedding a font subset as a Type0 (CID) font: the glyphs used, renumbered
//! from 1 and subset by `subsetter`, their widths, and a ToUnicode CMap so
//! that text can be copied and extracted.

use std::collections::BTreeMap;

use pdf_writer::types::{CidFontType, FontFlags, SystemInfo, UnicodeCmap};
use pdf_writer::{Filter, Finish, Name, Pdf, Rect, Ref, Str};
use subsetter::GlyphRemapper;
use ttf_parser::GlyphId;

use super::compress::deflate;
use crate::error::ReportError;
use crate::fonts::book::BookFace;

/// Glyphs of one face used by the document, each with the first character
/// that produced it (for ToUnicode).
#[derive(Debug, Default)]
pub(crate) struct UsedGlyphs {
    by_glyph: BTreeMap<u16, char>,
}

impl UsedGlyphs {
    pub(crate) fn add(&mut self, glyph: GlyphId, c: char) {
        self.by_glyph.entry(glyph.0).or_insert(c);
    }

    pub(crate) fn len(&self) -> usize {
        self.by_glyph.len()
    }
}

/// The object numbers of one embedded font.
#[derive(Debug, Clone, Copy)]
pub(crate) struct FontRefs {
    pub(crate) type0: Ref,
    pub(crate) cid: Ref,
    pub(crate) descriptor: Ref,
    pub(crate) file: Ref,
    pub(crate) to_unicode: Ref,
}

/// Old glyph id → CID in the embedded subset.
pub(crate) struct CidMap {
    remapper: GlyphRemapper,
}

impl CidMap {
    /// Glyphs are numbered in ascending order of their original ids, so the
    /// numbering depends only on the set of glyphs used.
    pub(crate) fn new(used: &UsedGlyphs) -> Self {
        let mut remapper = GlyphRemapper::new();
        for &glyph in used.by_glyph.keys() {
            remapper.remap(glyph);
        }
        CidMap { remapper }
    }

    pub(crate) fn cid(&self, glyph: GlyphId) -> Option<u16> {
        self.remapper.get(glyph.0)
    }
}

/// Six capital letters derived from the subset, as PDF requires for subset
/// font names; a hash of the content rather than anything random.
fn subset_tag(base: &str, used: &UsedGlyphs) -> String {
    // FNV-1a, 64 bit.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let bytes = base
        .bytes()
        .chain(used.by_glyph.keys().flat_map(|g| g.to_be_bytes()));
    for b in bytes {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    (0..6)
        .map(|i| char::from(b'A' + ((hash >> (i * 8)) % 26) as u8))
        .collect()
}

fn subset_error(face: &BookFace, e: subsetter::Error) -> ReportError {
    ReportError::FontInvalid {
        path: face.loaded.path.clone(),
        detail: format!("无法生成字体子集：{e}"),
    }
}

/// Writes the font objects for `used` glyphs of `face`.
pub(crate) fn embed_font(
    pdf: &mut Pdf,
    refs: FontRefs,
    face: &BookFace,
    used: &UsedGlyphs,
    map: &CidMap,
) -> Result<(), ReportError> {
    let loaded = face.loaded;
    // The font file is input too: a malformed one that trips the subsetter
    // must become an error, not bring the application down.
    let attempt =
        std::panic::catch_unwind(|| subsetter::subset(&loaded.data, loaded.index, &map.remapper));
    let subset = match attempt {
        Ok(result) => result.map_err(|e| subset_error(face, e))?,
        Err(_) => {
            return Err(ReportError::FontInvalid {
                path: loaded.path.clone(),
                detail: "生成字体子集时出错".into(),
            })
        }
    };
    let is_cff = face.face.tables().cff.is_some();
    let base = face.postscript_name();
    let name = format!("{}+{}", subset_tag(&base, used), base);

    let system_info = SystemInfo {
        registry: Str(b"Adobe"),
        ordering: Str(b"Identity"),
        supplement: 0,
    };
    pdf.type0_font(refs.type0)
        .base_font(Name(name.as_bytes()))
        .encoding_predefined(Name(b"Identity-H"))
        .descendant_font(refs.cid)
        .to_unicode(refs.to_unicode);

    // CIDs 0..n in order: .notdef, then the used glyphs ascending.
    let glyphs = std::iter::once(0).chain(used.by_glyph.keys().copied());
    let widths: Vec<f32> = glyphs
        .map(|g| round2(face.advance_milli(GlyphId(g))))
        .collect();
    let mut cid = pdf.cid_font(refs.cid);
    cid.subtype(if is_cff {
        CidFontType::Type0
    } else {
        CidFontType::Type2
    })
    .base_font(Name(name.as_bytes()))
    .system_info(system_info)
    .font_descriptor(refs.descriptor)
    .default_width(1000.0);
    cid.widths().consecutive(0, widths);
    if !is_cff {
        cid.cid_to_gid_map_predefined(Name(b"Identity"));
    }
    cid.finish();

    write_descriptor(pdf, refs, face, &name, is_cff);

    // A CFF face is embedded as its bare CFF table (CIDFontType0C), the form
    // every reader handles alike; pdf.js drew wrong or no glyphs for the
    // same font wrapped as OpenType.
    let program = if is_cff {
        bare_cff(&subset).ok_or_else(|| ReportError::FontInvalid {
            path: loaded.path.clone(),
            detail: "字体子集中没有 CFF 表".into(),
        })?
    } else {
        subset
    };
    let compressed = deflate(&program);
    let mut file = pdf.stream(refs.file, &compressed);
    file.filter(Filter::FlateDecode);
    if is_cff {
        file.pair(Name(b"Subtype"), Name(b"CIDFontType0C"));
    } else {
        file.pair(
            Name(b"Length1"),
            i32::try_from(program.len()).unwrap_or(i32::MAX),
        );
    }
    file.finish();

    let cmap = to_unicode(used, map);
    pdf.stream(refs.to_unicode, &deflate(&cmap))
        .filter(Filter::FlateDecode);
    Ok(())
}

/// The `CFF ` table of an OpenType font.
fn bare_cff(otf: &[u8]) -> Option<Vec<u8>> {
    let face = ttf_parser::RawFace::parse(otf, 0).ok()?;
    face.table(ttf_parser::Tag::from_bytes(b"CFF "))
        .map(<[u8]>::to_vec)
}

fn round2(v: f32) -> f32 {
    (v * 100.0).round() / 100.0
}

fn write_descriptor(pdf: &mut Pdf, refs: FontRefs, face: &BookFace, name: &str, is_cff: bool) {
    let f = &face.face;
    let bbox = f.global_bounding_box();
    let milli = |v: i16| round2(face.to_milli(i32::from(v)));
    let (asc, desc) = face.ascent_descent_units();
    let ascent = round2(face.to_milli(asc));
    let descent = round2(face.to_milli(desc));
    let cap_height = f.capital_height().map_or(ascent, milli);
    let bold = f.is_bold() || f.weight().to_number() >= 600;
    let mut d = pdf.font_descriptor(refs.descriptor);
    d.name(Name(name.as_bytes()))
        .flags(FontFlags::SYMBOLIC)
        .bbox(Rect::new(
            milli(bbox.x_min),
            milli(bbox.y_min),
            milli(bbox.x_max),
            milli(bbox.y_max),
        ))
        .italic_angle(0.0)
        .ascent(ascent)
        .descent(descent)
        .cap_height(cap_height)
        .stem_v(if bold { 140.0 } else { 80.0 });
    if is_cff {
        d.font_file3(refs.file);
    } else {
        d.font_file2(refs.file);
    }
}

/// CID → Unicode for every glyph in the subset.
fn to_unicode(used: &UsedGlyphs, map: &CidMap) -> Vec<u8> {
    let info = SystemInfo {
        registry: Str(b"Adobe"),
        ordering: Str(b"UCS"),
        supplement: 0,
    };
    let mut cmap = UnicodeCmap::<u16>::new(Name(b"Adobe-Identity-UCS"), info);
    for (&glyph, &c) in &used.by_glyph {
        if let Some(cid) = map.cid(GlyphId(glyph)) {
            cmap.pair(cid, c);
        }
    }
    cmap.finish().into_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subset_tag_is_stable_and_depends_on_the_glyphs() {
        let mut a = UsedGlyphs::default();
        a.add(GlyphId(10), 'a');
        a.add(GlyphId(20), 'b');
        let mut b = UsedGlyphs::default();
        b.add(GlyphId(20), 'b');
        b.add(GlyphId(10), 'a');
        assert_eq!(subset_tag("X", &a), subset_tag("X", &b));
        let tag = subset_tag("X", &a);
        assert!(tag.len() == 6 && tag.chars().all(|c| c.is_ascii_uppercase()));
        b.add(GlyphId(30), 'c');
        assert_ne!(subset_tag("X", &a), subset_tag("X", &b));
    }
}
