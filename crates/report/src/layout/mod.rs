//! Layout: blocks in, pages of drawing operations out. Pure computation on
//! font metrics; no I/O and nothing that varies between runs.

mod cells;
mod chrome;
mod flow;
mod key_values;
pub(crate) mod page;
mod signature;
mod table;
mod text_blocks;

use self::chrome::Chrome;
use self::flow::{ContentBox, Flow};
use self::page::Page;
use crate::error::ReportError;
use crate::fonts::book::FontBook;
use crate::fonts::FontId;
use crate::model::{Block, ReportMeta};
use crate::sanitize::clean_text;
use crate::style::{self, Margins};

/// Lays out `blocks` on A4 pages and adds the running header and footer.
pub(crate) fn layout(
    blocks: &[Block],
    meta: &ReportMeta,
    margins: Margins,
    book: &FontBook,
) -> Result<Vec<Page>, ReportError> {
    let area = content_box(margins);
    let mut flow = Flow::new(book, area);
    for block in blocks {
        match block {
            Block::Title(text) => flow.title(text)?,
            Block::Heading { level, text } => flow.heading(*level, text)?,
            Block::Paragraph(text) => flow.paragraph(text)?,
            Block::Note(text) => flow.note(text)?,
            Block::KeyValues(pairs) => flow.key_values(pairs)?,
            Block::Table(table) => flow.table(table)?,
            Block::Rule => flow.rule(6.0),
            Block::Signature(sig) => flow.signature(sig)?,
            Block::PageBreak => {
                if !flow.at_top(0.0) {
                    flow.new_page();
                }
            }
        }
    }

    book.check(FontId::Regular, &clean_text(&meta.title, false))?;
    if let Some(note) = &meta.footer_note {
        book.check(FontId::Regular, &clean_text(note, false))?;
    }
    let chrome = Chrome {
        book,
        left: area.left,
        right: area.right,
        title: meta.title.clone(),
        note: meta.footer_note.clone(),
    };
    let mut pages = flow.pages;
    let total = pages.len();
    for (i, page) in pages.iter_mut().enumerate() {
        chrome.draw(page, i + 1, total);
    }
    Ok(pages)
}

/// The content area inside the margins, never inverted: absurd margins
/// give a thin area rather than negative sizes.
fn content_box(m: Margins) -> ContentBox {
    let clamp = |v: f32, max: f32| {
        if v.is_finite() {
            v.clamp(0.0, max)
        } else {
            0.0
        }
    };
    let left = clamp(m.left, style::PAGE_WIDTH / 2.0 - 20.0);
    let right = style::PAGE_WIDTH - clamp(m.right, style::PAGE_WIDTH / 2.0 - 20.0);
    let top = style::PAGE_HEIGHT - clamp(m.top, style::PAGE_HEIGHT / 2.0 - 50.0);
    let bottom = clamp(m.bottom, style::PAGE_HEIGHT / 2.0 - 50.0);
    ContentBox {
        left,
        right,
        top,
        bottom,
    }
}
