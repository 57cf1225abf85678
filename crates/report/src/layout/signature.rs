//! A signer's block: a bordered grid of labels and values, kept on one page
//! when it fits on one.

use super::cells::{make_cell, CellStyle};
use super::flow::{Flow, Row};
use crate::error::ReportError;
use crate::fonts::FontId;
use crate::model::{Align, Signature};
use crate::style;

/// Label and value column shares of the line (label, value, label, value).
const LABEL_SHARE: f32 = 0.15;
const VALUE_SHARE: f32 = 0.35;

impl Flow<'_, '_> {
    /// One row of label–value pairs laid side by side; the last value
    /// stretches to the right edge.
    fn signature_row(&self, pairs: &[(&str, &str)]) -> Result<Row, ReportError> {
        let label_w = self.area.width() * LABEL_SHARE;
        let value_w = self.area.width() * VALUE_SHARE;
        let label_style = CellStyle::table(FontId::Regular, Align::Left, Some(style::STRIPE_FILL))
            .grey(style::MUTED_GREY);
        let value_style = CellStyle::table(FontId::Regular, Align::Left, None);
        let mut cells = Vec::with_capacity(pairs.len() * 2);
        let mut x = self.area.left;
        for (i, (label, value)) in pairs.iter().enumerate() {
            cells.push(make_cell(self.book, label, x, label_w, label_style)?);
            x += label_w;
            let w = if i + 1 == pairs.len() {
                self.area.right - x
            } else {
                value_w
            };
            cells.push(make_cell(self.book, value, x, w, value_style)?);
            x += w;
        }
        Ok(Row {
            cells,
            line_height: style::TABLE_SIZE * style::TABLE_LEADING,
            pad_top: style::CELL_PAD_Y + 1.5,
            pad_bottom: style::CELL_PAD_Y + 1.5,
            borders: true,
            keep: true,
        })
    }

    pub(crate) fn signature(&mut self, sig: &Signature) -> Result<(), ReportError> {
        let rows = [
            self.signature_row(&[("签名人", &sig.name), ("角色", &sig.role)])?,
            self.signature_row(&[("证书颁发机构", &sig.issuer)])?,
            self.signature_row(&[("签名时间", &sig.signed_at), ("签名状态", &sig.status)])?,
        ];
        let total: f32 = rows.iter().map(Row::height).sum();
        if total <= self.area.height() {
            self.ensure(total);
        }
        for row in &rows {
            self.place_row(row, None);
        }
        self.gap(10.0);
        Ok(())
    }
}
