//! Writing laid-out pages as a PDF. Object numbers are assigned in a fixed
//! order (catalog, page tree, info, pages, fonts), there is no /ID and no
//! clock, so the bytes depend only on the input.

mod compress;
mod content;
mod date;
mod font_embed;

use std::collections::BTreeMap;

use pdf_writer::{Filter, Finish, Pdf, Rect, Ref, TextStr};

use self::compress::deflate;
use self::content::{page_content, resource_name};
use self::date::pdf_date;
use self::font_embed::{embed_font, CidMap, FontRefs, UsedGlyphs};
use crate::error::ReportError;
use crate::fonts::book::FontBook;
use crate::fonts::FontId;
use crate::layout::page::{DrawOp, Page};
use crate::model::ReportMeta;
use crate::style;

pub(crate) const PRODUCER: &str = "Pingshen";

/// Hands out object numbers in order.
struct Refs(i32);

impl Refs {
    fn next(&mut self) -> Ref {
        self.0 += 1;
        Ref::new(self.0)
    }
}

/// The glyphs each embedded font must contain.
fn used_glyphs(pages: &[Page], book: &FontBook) -> BTreeMap<FontId, UsedGlyphs> {
    let mut used: BTreeMap<FontId, UsedGlyphs> = BTreeMap::new();
    for op in pages.iter().flat_map(|p| &p.ops) {
        if let DrawOp::Text { font, text, .. } = op {
            let face = book.face(*font);
            let set = used.entry(book.embedded_id(*font)).or_default();
            for c in text.chars() {
                if let Some(glyph) = face.glyph(c) {
                    set.add(glyph, c);
                }
            }
        }
    }
    used.retain(|_, set| set.len() > 0);
    used
}

pub(crate) fn write_pdf(
    pages: &[Page],
    meta: &ReportMeta,
    book: &FontBook,
) -> Result<Vec<u8>, ReportError> {
    let mut refs = Refs(0);
    let catalog = refs.next();
    let tree = refs.next();
    let info = refs.next();
    let page_refs: Vec<(Ref, Ref)> = pages.iter().map(|_| (refs.next(), refs.next())).collect();
    let used = used_glyphs(pages, book);
    let font_refs: BTreeMap<FontId, FontRefs> = used
        .keys()
        .map(|&id| {
            let r = FontRefs {
                type0: refs.next(),
                cid: refs.next(),
                descriptor: refs.next(),
                file: refs.next(),
                to_unicode: refs.next(),
            };
            (id, r)
        })
        .collect();
    let cids: BTreeMap<FontId, CidMap> = used
        .iter()
        .map(|(&id, set)| (id, CidMap::new(set)))
        .collect();

    let mut pdf = Pdf::new();
    let mut cat = pdf.catalog(catalog);
    cat.pages(tree).lang(TextStr("zh-CN"));
    cat.viewer_preferences().display_doc_title(true);
    cat.finish();
    pdf.pages(tree)
        .kids(page_refs.iter().map(|&(page, _)| page))
        .count(i32::try_from(pages.len()).unwrap_or(i32::MAX));
    pdf.document_info(info)
        .title(TextStr(&meta.title))
        .author(TextStr(&meta.author))
        .producer(TextStr(PRODUCER))
        .creation_date(pdf_date(meta.created));

    for (page, &(page_ref, content_ref)) in pages.iter().zip(&page_refs) {
        let mut p = pdf.page(page_ref);
        p.parent(tree)
            .media_box(Rect::new(0.0, 0.0, style::PAGE_WIDTH, style::PAGE_HEIGHT))
            .contents(content_ref);
        let mut resources = p.resources();
        let mut fonts = resources.fonts();
        for (&id, r) in &font_refs {
            fonts.pair(resource_name(id), r.type0);
        }
        fonts.finish();
        resources.finish();
        p.finish();
        let content = deflate(&page_content(page, book, &cids));
        pdf.stream(content_ref, &content)
            .filter(Filter::FlateDecode);
    }

    for (id, set) in &used {
        if let (Some(&r), Some(map)) = (font_refs.get(id), cids.get(id)) {
            embed_font(&mut pdf, r, book.face(*id), set, map)?;
        }
    }
    Ok(pdf.finish())
}
