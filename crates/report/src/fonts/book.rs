//! Parsed faces for one render: glyph lookup and advances for layout, and
//! the metrics the PDF font descriptor needs.

use ttf_parser::{name_id, Face, GlyphId};

use super::source::{LoadedFace, LoadedFonts};
use crate::error::ReportError;

/// Which face a run of text uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FontId {
    Regular,
    Bold,
}

/// One parsed face.
pub(crate) struct BookFace<'a> {
    pub(crate) face: Face<'a>,
    pub(crate) loaded: &'a LoadedFace,
    units_per_em: f32,
}

impl<'a> BookFace<'a> {
    fn parse(loaded: &'a LoadedFace) -> Result<Self, ReportError> {
        let face =
            Face::parse(&loaded.data, loaded.index).map_err(|e| ReportError::FontInvalid {
                path: loaded.path.clone(),
                detail: format!("{e}"),
            })?;
        let units_per_em = f32::from(face.units_per_em().max(1));
        Ok(BookFace {
            face,
            loaded,
            units_per_em,
        })
    }

    pub(crate) fn glyph(&self, c: char) -> Option<GlyphId> {
        self.face.glyph_index(c).filter(|g| g.0 != 0)
    }

    /// Advance of a glyph in thousandths of an em (PDF glyph space).
    pub(crate) fn advance_milli(&self, glyph: GlyphId) -> f32 {
        let units = self.face.glyph_hor_advance(glyph).unwrap_or(0);
        self.to_milli(i32::from(units))
    }

    pub(crate) fn to_milli(&self, units: i32) -> f32 {
        units as f32 * 1000.0 / self.units_per_em
    }

    /// Ascender as a share of the em, from the typographic metrics the CJK
    /// design uses (ideographs sit in an em box from -0.12 to 0.88 in Noto).
    pub(crate) fn ascent_share(&self) -> f32 {
        let (asc, desc) = self.ascent_descent_units();
        let total = (asc - desc).max(1) as f32;
        asc as f32 / total
    }

    pub(crate) fn ascent_descent_units(&self) -> (i32, i32) {
        let asc = self
            .face
            .typographic_ascender()
            .unwrap_or(self.face.ascender());
        let desc = self
            .face
            .typographic_descender()
            .unwrap_or(self.face.descender());
        (i32::from(asc), i32::from(desc))
    }

    /// The PostScript name, for the PDF BaseFont (letters and digits only).
    pub(crate) fn postscript_name(&self) -> String {
        let name = self
            .face
            .names()
            .into_iter()
            .filter(|n| n.name_id == name_id::POST_SCRIPT_NAME)
            .find_map(|n| n.to_string())
            .unwrap_or_default();
        let clean: String = name
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect();
        if clean.is_empty() {
            "ReportFont".to_string()
        } else {
            clean
        }
    }
}

/// The faces of one render.
pub(crate) struct FontBook<'a> {
    regular: BookFace<'a>,
    bold: Option<BookFace<'a>>,
}

impl<'a> FontBook<'a> {
    pub(crate) fn new(fonts: &'a LoadedFonts) -> Result<Self, ReportError> {
        Ok(FontBook {
            regular: BookFace::parse(&fonts.regular)?,
            bold: fonts.bold.as_deref().map(BookFace::parse).transpose()?,
        })
    }

    /// The face that draws `id`: without a bold face, bold is synthesised
    /// from the regular one.
    pub(crate) fn face(&self, id: FontId) -> &BookFace<'a> {
        match (id, &self.bold) {
            (FontId::Bold, Some(bold)) => bold,
            _ => &self.regular,
        }
    }

    /// The font the PDF actually embeds for `id`.
    pub(crate) fn embedded_id(&self, id: FontId) -> FontId {
        if self.bold.is_some() {
            id
        } else {
            FontId::Regular
        }
    }

    /// Whether `id` must be drawn with a synthetic (stroked) bold.
    pub(crate) fn synthetic_bold(&self, id: FontId) -> bool {
        id == FontId::Bold && self.bold.is_none()
    }

    /// Width of `c` in points at `size`; 0 for a character without a glyph
    /// (such text is refused by [`Self::check`] before layout).
    pub(crate) fn char_width(&self, id: FontId, size: f32, c: char) -> f32 {
        let face = self.face(id);
        face.glyph(c)
            .map_or(0.0, |g| face.advance_milli(g) * size / 1000.0)
    }

    pub(crate) fn text_width(&self, id: FontId, size: f32, text: &str) -> f32 {
        text.chars().map(|c| self.char_width(id, size, c)).sum()
    }

    /// Refuses text with a character the face cannot draw, naming it and
    /// where it is.
    pub(crate) fn check(&self, id: FontId, text: &str) -> Result<(), ReportError> {
        let face = self.face(id);
        for (pos, c) in text.char_indices() {
            if c != '\n' && face.glyph(c).is_none() {
                return Err(ReportError::UnsupportedCharacter {
                    ch: c,
                    context: context_around(text, pos),
                });
            }
        }
        Ok(())
    }
}

/// Up to 12 characters either side of byte offset `pos`.
fn context_around(text: &str, pos: usize) -> String {
    let before: Vec<char> = text[..pos].chars().rev().take(12).collect();
    let after = text[pos..].chars().take(13);
    before.into_iter().rev().chain(after).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fonts::source::FontSource;

    #[test]
    fn unsupported_character_names_itself_and_its_place() {
        let fonts = FontSource::noto_default().load().unwrap();
        let book = FontBook::new(&fonts).unwrap();
        book.check(FontId::Regular, "评标报告 B01 27,365,000.00 元（含税）。")
            .unwrap();
        let err = book
            .check(
                FontId::Regular,
                "扣分理由：施工方案不完整\u{1F600}，其余合格",
            )
            .unwrap_err();
        assert_eq!(err.code(), "unsupported_character");
        let msg = err.message_zh();
        assert!(
            msg.contains("U+1F600") && msg.contains("施工方案不完整"),
            "{msg}"
        );
    }

    #[test]
    fn ideographs_are_one_em_wide() {
        let fonts = FontSource::noto_default().load().unwrap();
        let book = FontBook::new(&fonts).unwrap();
        assert_eq!(book.char_width(FontId::Regular, 10.0, '评'), 10.0);
        let digit = book.char_width(FontId::Regular, 10.0, '1');
        assert!(digit > 3.0 && digit < 7.0, "digit width {digit}");
    }
}
