//! The page cursor: content flows top to bottom and continues on a new page
//! when it runs out of room. Everything that holds lines of text (a
//! paragraph, a key–value pair, a table row) is a [`Row`] of [`Cell`]s, so
//! one routine decides how rows move to or split across pages.

use super::page::{DrawOp, Page};
use crate::fonts::book::FontBook;
use crate::fonts::FontId;
use crate::linebreak::Line;
use crate::model::Align;
use crate::style;

/// Tolerance for float comparisons of vertical positions.
const EPS: f32 = 0.01;

/// A `keep` row taller than this share of the content height is split
/// rather than moved: moving it would leave too large a gap.
const MAX_KEPT_SHARE: f32 = 0.33;

/// One cell of a row: a column's box and its wrapped lines.
#[derive(Debug, Clone)]
pub(crate) struct Cell {
    pub(crate) x: f32,
    pub(crate) width: f32,
    pub(crate) pad_x: f32,
    pub(crate) lines: Vec<Line>,
    pub(crate) font: FontId,
    pub(crate) size: f32,
    pub(crate) grey: f32,
    pub(crate) align: Align,
    pub(crate) fill: Option<f32>,
    /// Stretch wrapped lines to the full width (两端对齐), as Chinese body
    /// text is set.
    pub(crate) justify: bool,
}

impl Cell {
    /// Character spacing that makes `line` fill the cell, or 0 when the line
    /// is not to be justified or would need gaps wider than a quarter em.
    fn justification(&self, line: &Line) -> f32 {
        let gaps = line.text.chars().count().saturating_sub(1);
        if !self.justify || !line.wrapped || self.align != Align::Left || gaps == 0 {
            return 0.0;
        }
        let extra = self.width - 2.0 * self.pad_x - line.width;
        let per_gap = extra / gaps as f32;
        if per_gap > 0.0 && per_gap <= 0.25 * self.size {
            per_gap
        } else {
            0.0
        }
    }
}

/// A horizontal band of cells sharing a line height.
#[derive(Debug, Clone)]
pub(crate) struct Row {
    pub(crate) cells: Vec<Cell>,
    pub(crate) line_height: f32,
    pub(crate) pad_top: f32,
    pub(crate) pad_bottom: f32,
    /// Draw cell borders (tables, signature blocks).
    pub(crate) borders: bool,
    /// Move the row whole to the next page when it does not fit here and
    /// is at most a third of a page (table rows); otherwise split it by lines.
    pub(crate) keep: bool,
}

impl Row {
    /// Number of text lines, at least one so that empty rows have a height.
    pub(crate) fn line_count(&self) -> usize {
        self.cells
            .iter()
            .map(|c| c.lines.len())
            .max()
            .unwrap_or(0)
            .max(1)
    }

    pub(crate) fn height_for(&self, lines: usize) -> f32 {
        self.pad_top + lines as f32 * self.line_height + self.pad_bottom
    }

    pub(crate) fn height(&self) -> f32 {
        self.height_for(self.line_count())
    }

    /// The height that must be free on a page before the row starts there:
    /// all of it for a row that is kept whole, else its first two lines.
    pub(crate) fn start_height(&self, area: &ContentBox) -> f32 {
        if self.kept_whole(area) {
            self.height()
        } else {
            self.height_for(self.line_count().min(2))
        }
    }

    fn kept_whole(&self, area: &ContentBox) -> bool {
        self.keep && self.height() <= area.height() * MAX_KEPT_SHARE
    }
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct ContentBox {
    pub(crate) left: f32,
    pub(crate) right: f32,
    pub(crate) top: f32,
    pub(crate) bottom: f32,
}

impl ContentBox {
    pub(crate) fn width(&self) -> f32 {
        self.right - self.left
    }

    pub(crate) fn height(&self) -> f32 {
        self.top - self.bottom
    }
}

pub(crate) struct Flow<'b, 'f> {
    pub(crate) book: &'b FontBook<'f>,
    pub(crate) area: ContentBox,
    pub(crate) pages: Vec<Page>,
    /// Top of the free space on the current page.
    y: f32,
}

impl<'b, 'f> Flow<'b, 'f> {
    pub(crate) fn new(book: &'b FontBook<'f>, area: ContentBox) -> Self {
        Flow {
            book,
            area,
            pages: vec![Page::default()],
            y: area.top,
        }
    }

    pub(crate) fn remaining(&self) -> f32 {
        self.y - self.area.bottom
    }

    /// Whether nothing but `reserved` points (a repeated table header) has
    /// been placed on the current page.
    pub(crate) fn at_top(&self, reserved: f32) -> bool {
        self.y >= self.area.top - reserved - EPS
    }

    pub(crate) fn new_page(&mut self) {
        self.pages.push(Page::default());
        self.y = self.area.top;
    }

    /// Starts a new page unless `height` fits here or the page is empty.
    pub(crate) fn ensure(&mut self, height: f32) {
        if height > self.remaining() + EPS && !self.at_top(0.0) {
            self.new_page();
        }
    }

    /// Vertical space between blocks; none at the top of a page.
    pub(crate) fn gap(&mut self, height: f32) {
        if self.at_top(0.0) {
            return;
        }
        self.y = (self.y - height).max(self.area.bottom);
    }

    fn push(&mut self, op: DrawOp) {
        if let Some(page) = self.pages.last_mut() {
            page.ops.push(op);
        }
    }

    pub(crate) fn hline(&mut self, x1: f32, x2: f32, y: f32, width: f32, grey: f32) {
        self.push(DrawOp::Line {
            from: (x1, y),
            to: (x2, y),
            width,
            grey,
        });
    }

    /// A full-width rule at the cursor, `space` points above and below.
    pub(crate) fn rule(&mut self, space: f32) {
        self.ensure(2.0 * space);
        self.gap(space);
        let y = self.y;
        self.hline(
            self.area.left,
            self.area.right,
            y,
            style::LINE_WIDTH,
            style::RULE_GREY,
        );
        self.y -= space;
    }

    /// Places `row`, splitting it across pages when needed. `header` is
    /// redrawn at the top of every new page the row continues on.
    pub(crate) fn place_row(&mut self, row: &Row, header: Option<&Row>) {
        let reserved = header.map_or(0.0, Row::height);
        let total = row.line_count();
        let mut start = 0;
        while start < total {
            let left = total - start;
            if row.height_for(left) <= self.remaining() + EPS {
                self.draw_slice(row, start, total);
                return;
            }
            if start == 0 && row.kept_whole(&self.area) && !self.at_top(reserved) {
                self.continue_on_new_page(header);
                continue;
            }
            let room = self.remaining() - row.pad_top - row.pad_bottom;
            let mut fit = (room / row.line_height + EPS).floor().max(0.0) as usize;
            if fit == 0 {
                if !self.at_top(reserved) {
                    self.continue_on_new_page(header);
                    continue;
                }
                // A line taller than an empty page: place it anyway so
                // that layout always advances.
                fit = 1;
            }
            let end = (start + fit).min(total);
            self.draw_slice(row, start, end);
            start = end;
            if start < total {
                self.continue_on_new_page(header);
            }
        }
    }

    fn continue_on_new_page(&mut self, header: Option<&Row>) {
        self.new_page();
        if let Some(header) = header {
            let lines = header.line_count();
            self.draw_slice(header, 0, lines);
        }
    }

    /// Draws lines `start..end` of every cell of `row` at the cursor and
    /// moves the cursor below them.
    fn draw_slice(&mut self, row: &Row, start: usize, end: usize) {
        let top = self.y;
        let height = row.height_for(end - start);
        let bottom = top - height;
        for cell in &row.cells {
            if let Some(grey) = cell.fill {
                self.push(DrawOp::Fill {
                    x: cell.x,
                    y: bottom,
                    w: cell.width,
                    h: height,
                    grey,
                });
            }
        }
        for cell in &row.cells {
            let ascent = self.book.face(cell.font).ascent_share() * cell.size;
            let baseline_drop = (row.line_height - cell.size) / 2.0 + ascent;
            let lines = cell.lines.iter().enumerate().take(end).skip(start);
            for (i, line) in lines {
                if line.text.trim().is_empty() {
                    continue;
                }
                let x = match cell.align {
                    Align::Left => cell.x + cell.pad_x,
                    Align::Right => cell.x + cell.width - cell.pad_x - line.width,
                    Align::Center => cell.x + (cell.width - line.width) / 2.0,
                };
                let line_top = top - row.pad_top - (i - start) as f32 * row.line_height;
                self.push(DrawOp::Text {
                    font: cell.font,
                    size: cell.size,
                    x,
                    y: line_top - baseline_drop,
                    grey: cell.grey,
                    spacing: cell.justification(line),
                    text: line.text.clone(),
                });
            }
        }
        if row.borders {
            self.draw_borders(row, top, bottom);
        }
        self.y = bottom;
    }

    fn draw_borders(&mut self, row: &Row, top: f32, bottom: f32) {
        let (Some(first), Some(last)) = (row.cells.first(), row.cells.last()) else {
            return;
        };
        let (left, right) = (first.x, last.x + last.width);
        let (w, g) = (style::LINE_WIDTH, style::BORDER_GREY);
        self.hline(left, right, top, w, g);
        self.hline(left, right, bottom, w, g);
        let edges = row.cells.iter().map(|c| c.x).chain([right]);
        let verticals: Vec<f32> = edges.collect();
        for x in verticals {
            self.push(DrawOp::Line {
                from: (x, top),
                to: (x, bottom),
                width: w,
                grey: g,
            });
        }
    }
}
