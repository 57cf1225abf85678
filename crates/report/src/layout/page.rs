//! The laid-out result: per page, a list of drawing operations in PDF user
//! space (origin bottom-left, points). The PDF writer only serialises these.

use crate::fonts::FontId;

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum DrawOp {
    /// One line of text; `y` is the baseline.
    Text {
        font: FontId,
        size: f32,
        x: f32,
        y: f32,
        grey: f32,
        /// Extra space after each character (PDF `Tc`), for justified lines.
        spacing: f32,
        text: String,
    },
    Line {
        from: (f32, f32),
        to: (f32, f32),
        width: f32,
        grey: f32,
    },
    /// A filled rectangle; (x, y) is its bottom-left corner.
    Fill {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        grey: f32,
    },
}

#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Page {
    pub(crate) ops: Vec<DrawOp>,
}
