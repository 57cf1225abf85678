//! Serialising a page's drawing operations into a content stream. Numbers
//! are rounded to 1/100 pt: finer than any printer, and short.

use std::collections::BTreeMap;

use pdf_writer::types::TextRenderingMode;
use pdf_writer::{Content, Name, Str};

use super::font_embed::CidMap;
use crate::fonts::book::FontBook;
use crate::fonts::FontId;
use crate::layout::page::{DrawOp, Page};

/// Stroke width of synthetic bold, as a share of the font size.
const SYNTHETIC_BOLD_STROKE: f32 = 0.03;

pub(crate) fn resource_name(id: FontId) -> Name<'static> {
    match id {
        FontId::Regular => Name(b"F1"),
        FontId::Bold => Name(b"F2"),
    }
}

fn r(v: f32) -> f32 {
    (v * 100.0).round() / 100.0
}

/// The content stream of `page` (uncompressed).
pub(crate) fn page_content(
    page: &Page,
    book: &FontBook,
    cids: &BTreeMap<FontId, CidMap>,
) -> Vec<u8> {
    let mut content = Content::new();
    for op in &page.ops {
        match op {
            DrawOp::Text {
                font,
                size,
                x,
                y,
                grey,
                spacing,
                text,
            } => {
                let embedded = book.embedded_id(*font);
                let Some(map) = cids.get(&embedded) else {
                    continue;
                };
                let face = book.face(*font);
                let bytes: Vec<u8> = text
                    .chars()
                    .filter_map(|c| face.glyph(c).and_then(|g| map.cid(g)))
                    .flat_map(u16::to_be_bytes)
                    .collect();
                // Rendering mode and stroke are graphics state that outlives
                // the text object: scope synthetic bold with q/Q.
                let synthetic = book.synthetic_bold(*font);
                if synthetic {
                    content.save_state();
                }
                content.begin_text();
                content.set_font(resource_name(embedded), r(*size));
                content.set_fill_gray(*grey);
                if synthetic {
                    content.set_text_rendering_mode(TextRenderingMode::FillStroke);
                    content.set_stroke_gray(*grey);
                    content.set_line_width(r(size * SYNTHETIC_BOLD_STROKE));
                }
                // Character spacing is text state that outlives the text
                // object: set it back after a justified line.
                let spacing = r(*spacing);
                if spacing != 0.0 {
                    content.set_char_spacing(spacing);
                }
                content.next_line(r(*x), r(*y));
                content.show(Str(&bytes));
                if spacing != 0.0 {
                    content.set_char_spacing(0.0);
                }
                content.end_text();
                if synthetic {
                    content.restore_state();
                }
            }
            DrawOp::Line {
                from,
                to,
                width,
                grey,
            } => {
                content.set_line_width(r(*width));
                content.set_stroke_gray(*grey);
                content.move_to(r(from.0), r(from.1));
                content.line_to(r(to.0), r(to.1));
                content.stroke();
            }
            DrawOp::Fill { x, y, w, h, grey } => {
                content.set_fill_gray(*grey);
                content.rect(r(*x), r(*y), r(*w), r(*h));
                content.fill_nonzero();
            }
        }
    }
    content.finish().into_vec()
}
