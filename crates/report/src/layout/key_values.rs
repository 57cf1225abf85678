//! Label–value lists: labels in a muted left column as wide as the widest
//! label (at most a third of the line), values wrapped beside them.

use super::cells::{make_cell, CellStyle};
use super::flow::{Flow, Row};
use crate::error::ReportError;
use crate::fonts::FontId;
use crate::sanitize::clean_text;
use crate::style;

const GUTTER: f32 = 12.0;

impl Flow<'_, '_> {
    pub(crate) fn key_values(&mut self, pairs: &[(String, String)]) -> Result<(), ReportError> {
        let size = style::BODY_SIZE;
        let label_style = CellStyle::text(FontId::Regular, size).grey(style::MUTED_GREY);
        let value_style = CellStyle::text(FontId::Regular, size);
        let widest = pairs
            .iter()
            .map(|(k, _)| {
                self.book
                    .text_width(FontId::Regular, size, &clean_text(k, false))
            })
            .fold(0.0_f32, f32::max);
        let label_w = widest.min(self.area.width() / 3.0);
        let value_x = self.area.left + label_w + GUTTER;
        let value_w = self.area.right - value_x;
        for (key, value) in pairs {
            let label = make_cell(self.book, key, self.area.left, label_w, label_style)?;
            let value = make_cell(self.book, value, value_x, value_w, value_style)?;
            let row = Row {
                cells: vec![label, value],
                line_height: size * style::BODY_LEADING,
                pad_top: 0.0,
                pad_bottom: 1.5,
                borders: false,
                keep: false,
            };
            self.place_row(&row, None);
        }
        self.gap(size * 0.5);
        Ok(())
    }
}
