//! Title, headings, paragraphs and notes: one full-width cell each.

use super::cells::{make_cell, CellStyle};
use super::flow::{Flow, Row};
use crate::error::ReportError;
use crate::fonts::FontId;
use crate::model::Align;
use crate::style;

impl Flow<'_, '_> {
    fn text_row(&self, text: &str, cell: CellStyle, leading: f32) -> Result<Row, ReportError> {
        let (x, w) = (self.area.left, self.area.width());
        Ok(Row {
            cells: vec![make_cell(self.book, text, x, w, cell)?],
            line_height: cell.size * leading,
            pad_top: 0.0,
            pad_bottom: 0.0,
            borders: false,
            keep: false,
        })
    }

    pub(crate) fn title(&mut self, text: &str) -> Result<(), ReportError> {
        let cell = CellStyle::text(FontId::Bold, style::TITLE_SIZE).align(Align::Center);
        let row = self.text_row(text, cell, style::HEADING_LEADING)?;
        self.gap(6.0);
        self.place_row(&row, None);
        self.gap(14.0);
        Ok(())
    }

    pub(crate) fn heading(&mut self, level: u8, text: &str) -> Result<(), ReportError> {
        let size = match level {
            1..=3 => style::HEADING_SIZES[usize::from(level - 1)],
            _ => return Err(ReportError::InvalidHeadingLevel(level)),
        };
        let row = self.text_row(
            text,
            CellStyle::text(FontId::Bold, size),
            style::HEADING_LEADING,
        )?;
        let space_before = size * 0.9;
        // Keep the heading with the first two lines of what follows — and
        // room for a sub-heading first, which is often what follows (a
        // section heading alone at the foot of a page helps nobody).
        let with_next =
            space_before + 2.0 * row.height() + 2.0 * style::BODY_SIZE * style::BODY_LEADING;
        self.ensure(with_next);
        self.gap(space_before);
        self.place_row(&row, None);
        self.gap(size * 0.35);
        Ok(())
    }

    pub(crate) fn paragraph(&mut self, text: &str) -> Result<(), ReportError> {
        let cell = CellStyle::text(FontId::Regular, style::BODY_SIZE).justified();
        let row = self.text_row(text, cell, style::BODY_LEADING)?;
        self.place_row(&row, None);
        self.gap(style::BODY_SIZE * 0.5);
        Ok(())
    }

    pub(crate) fn note(&mut self, text: &str) -> Result<(), ReportError> {
        let cell = CellStyle::text(FontId::Regular, style::NOTE_SIZE).grey(style::MUTED_GREY);
        let row = self.text_row(text, cell, style::NOTE_LEADING)?;
        self.place_row(&row, None);
        self.gap(style::NOTE_SIZE * 0.6);
        Ok(())
    }
}
