//! Turning input text into a wrapped [`Cell`]: clean it, refuse characters
//! the font cannot draw, and break it into lines that fit the cell.

use super::flow::Cell;
use crate::error::ReportError;
use crate::fonts::book::FontBook;
use crate::fonts::FontId;
use crate::linebreak::wrap;
use crate::model::Align;
use crate::sanitize::clean_text;
use crate::style;

/// How a cell's text looks.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CellStyle {
    pub(crate) font: FontId,
    pub(crate) size: f32,
    pub(crate) grey: f32,
    pub(crate) align: Align,
    pub(crate) pad_x: f32,
    pub(crate) fill: Option<f32>,
    pub(crate) justify: bool,
}

impl CellStyle {
    /// Plain text without padding, e.g. a paragraph.
    pub(crate) fn text(font: FontId, size: f32) -> Self {
        CellStyle {
            font,
            size,
            grey: style::TEXT_GREY,
            align: Align::Left,
            pad_x: 0.0,
            fill: None,
            justify: false,
        }
    }

    /// Text in a bordered table cell.
    pub(crate) fn table(font: FontId, align: Align, fill: Option<f32>) -> Self {
        CellStyle {
            align,
            pad_x: style::CELL_PAD_X,
            fill,
            ..CellStyle::text(font, style::TABLE_SIZE)
        }
    }

    pub(crate) fn grey(mut self, grey: f32) -> Self {
        self.grey = grey;
        self
    }

    pub(crate) fn justified(mut self) -> Self {
        self.justify = true;
        self
    }

    pub(crate) fn align(mut self, align: Align) -> Self {
        self.align = align;
        self
    }
}

/// A cell at `x` of `width` holding `text` wrapped to fit.
pub(crate) fn make_cell(
    book: &FontBook,
    text: &str,
    x: f32,
    width: f32,
    style: CellStyle,
) -> Result<Cell, ReportError> {
    let text = clean_text(text, true);
    book.check(style.font, &text)?;
    let inner = width - 2.0 * style.pad_x;
    let width_of = |c: char| book.char_width(style.font, style.size, c);
    Ok(Cell {
        x,
        width,
        pad_x: style.pad_x,
        lines: wrap(&text, inner, &width_of),
        font: style.font,
        size: style.size,
        grey: style.grey,
        align: style.align,
        fill: style.fill,
        justify: style.justify,
    })
}
