//! The running header (document title) and footer (optional note, page x of
//! y) drawn on every page once the page count is known.

use super::page::{DrawOp, Page};
use crate::fonts::book::FontBook;
use crate::fonts::FontId;
use crate::linebreak::{wrap, Line};
use crate::sanitize::clean_text;
use crate::style;

/// Footer note lines beyond this are cut (with an ellipsis).
const MAX_NOTE_LINES: usize = 2;
const GAP: f32 = 12.0;

pub(crate) struct Chrome<'a, 'f> {
    pub(crate) book: &'a FontBook<'f>,
    pub(crate) left: f32,
    pub(crate) right: f32,
    pub(crate) title: String,
    pub(crate) note: Option<String>,
}

impl Chrome<'_, '_> {
    fn width(&self, text: &str) -> f32 {
        self.book
            .text_width(FontId::Regular, style::CHROME_SIZE, text)
    }

    /// `lines` cut to `max` lines, the last ending in an ellipsis if cut.
    fn cut(&self, mut lines: Vec<Line>, max: usize, width: f32) -> Vec<Line> {
        if lines.len() <= max {
            return lines;
        }
        lines.truncate(max);
        if let Some(last) = lines.last_mut() {
            let mut text = last.text.clone();
            while !text.is_empty() && self.width(&text) + self.width("…") > width {
                text.pop();
            }
            text.push('…');
            *last = Line {
                width: self.width(&text),
                text,
                wrapped: false,
            };
        }
        lines
    }

    fn text(&self, page: &mut Page, x: f32, y: f32, text: String) {
        page.ops.push(DrawOp::Text {
            font: FontId::Regular,
            size: style::CHROME_SIZE,
            x,
            y,
            grey: style::MUTED_GREY,
            spacing: 0.0,
            text,
        });
    }

    fn rule(&self, page: &mut Page, y: f32) {
        page.ops.push(DrawOp::Line {
            from: (self.left, y),
            to: (self.right, y),
            width: style::LINE_WIDTH,
            grey: style::RULE_GREY,
        });
    }

    /// Adds header and footer to page `number` (1-based) of `total`.
    pub(crate) fn draw(&self, page: &mut Page, number: usize, total: usize) {
        let width = self.right - self.left;
        let width_of = |c: char| self.book.char_width(FontId::Regular, style::CHROME_SIZE, c);
        let title = clean_text(&self.title, false);
        let title = self.cut(wrap(&title, width, &width_of), 1, width);
        let top = style::PAGE_HEIGHT - style::HEADER_BASELINE_FROM_TOP;
        for line in title {
            let x = self.left + (width - line.width) / 2.0;
            self.text(page, x, top, line.text);
        }
        self.rule(page, style::PAGE_HEIGHT - style::HEADER_RULE_FROM_TOP);

        self.rule(page, style::FOOTER_RULE);
        let counter = format!("第 {number} 页 共 {total} 页");
        let counter_w = self.width(&counter);
        let Some(note) = self.note.as_deref().map(|n| clean_text(n, false)) else {
            let x = self.left + (width - counter_w) / 2.0;
            self.text(page, x, style::FOOTER_BASELINE, counter);
            return;
        };
        self.text(
            page,
            self.right - counter_w,
            style::FOOTER_BASELINE,
            counter,
        );
        let note_w = (width - counter_w - GAP).max(0.0);
        let lines = self.cut(wrap(&note, note_w, &width_of), MAX_NOTE_LINES, note_w);
        let leading = style::CHROME_SIZE * 1.4;
        for (i, line) in lines.into_iter().enumerate() {
            let y = style::FOOTER_BASELINE - i as f32 * leading;
            self.text(page, self.left, y, line.text);
        }
    }
}
