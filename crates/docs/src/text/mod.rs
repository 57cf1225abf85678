//! Our own page text reader on lopdf 0.47: it interprets the content stream
//! (text state, `Tj`/`TJ`/`'`/`"`, form XObjects), decodes strings through
//! each font's ToUnicode map, encoding, predefined CJK CMap or embedded
//! TrueType cmap, and lays the glyphs out into lines. Fonts and CMaps are
//! parsed once per document (cached by object id), which is what makes it
//! several times faster than pdf-extract, which rebuilds them on every page.
//!
//! It says how much of a page it could map ([`PageReading::clean`]); the
//! caller falls back to pdf-extract when it could not map enough.

mod cmap;
mod encoding;
mod font;
mod fxhash;
mod layout;
mod lexer;
mod metrics;
mod truetype;

#[cfg(test)]
mod tests;

use font::{Font, Glyph, Limits, Mapped};
use layout::{Layout, Placed};
use lexer::{Lexer, Operand};
use lopdf::{Dictionary, Document, Object, ObjectId};
use std::collections::HashMap;
use std::rc::Rc;

/// Operators interpreted per page, forms included; beyond this the page is
/// refused (a content stream that large is damage or an attack).
const MAX_OPERATIONS: usize = 5_000_000;
/// Form XObjects drawn per page, and their nesting depth.
const MAX_FORMS: usize = 10_000;
const MAX_FORM_DEPTH: usize = 12;
/// Decompressed form content kept for reuse across pages.
const FORM_CACHE_BYTES: usize = 32 << 20;
/// Share of codes (unmapped or only guessed) above which a page reading is
/// not trusted.
const UNTRUSTED_SHARE: f64 = 0.05;

/// What one page gave.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PageReading {
    pub text: String,
    /// Codes shown on the page.
    pub codes: usize,
    /// Codes with no text.
    pub unmapped: usize,
    /// Codes whose text came from a stand-in encoding.
    pub guessed: usize,
}

impl PageReading {
    /// Enough of the page mapped with confidence to trust the text.
    pub fn clean(&self) -> bool {
        (self.unmapped + self.guessed) as f64 <= UNTRUSTED_SHARE * self.codes as f64
    }
}

type Matrix = [f64; 6];
const IDENTITY: Matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

/// `a × b`: first `a`, then `b`.
fn multiply(a: &Matrix, b: &Matrix) -> Matrix {
    [
        a[0] * b[0] + a[1] * b[2],
        a[0] * b[1] + a[1] * b[3],
        a[2] * b[0] + a[3] * b[2],
        a[2] * b[1] + a[3] * b[3],
        a[4] * b[0] + a[5] * b[2] + b[4],
        a[4] * b[1] + a[5] * b[3] + b[5],
    ]
}

/// `translate(tx, ty) × m`.
fn translate(m: &mut Matrix, tx: f64, ty: f64) {
    m[4] += tx * m[0] + ty * m[2];
    m[5] += tx * m[1] + ty * m[3];
}

fn matrix_of(operands: &[Operand]) -> Option<Matrix> {
    if operands.len() < 6 {
        return None;
    }
    let o = &operands[operands.len() - 6..];
    let mut m = [0.0; 6];
    for (slot, operand) in m.iter_mut().zip(o) {
        *slot = operand.number()?;
    }
    Some(m)
}

fn matrix_from_object(doc: &Document, object: Option<&Object>) -> Option<Matrix> {
    let Object::Array(items) = doc.dereference(object?).ok()?.1 else {
        return None;
    };
    if items.len() != 6 {
        return None;
    }
    let mut m = [0.0; 6];
    for (slot, item) in m.iter_mut().zip(items) {
        *slot = match item {
            Object::Integer(i) => *i as f64,
            Object::Real(r) => f64::from(*r),
            _ => return None,
        };
    }
    Some(m)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum FontKey {
    Object(ObjectId),
    /// A font dictionary written inline in a resource dictionary.
    Inline(usize),
}

#[derive(Clone)]
struct GraphicsState {
    ctm: Matrix,
    font: Option<Rc<Font>>,
    size: f64,
    char_spacing: f64,
    word_spacing: f64,
    scale: f64,
    leading: f64,
    rise: f64,
}

impl Default for GraphicsState {
    fn default() -> Self {
        GraphicsState {
            ctm: IDENTITY,
            font: None,
            size: 0.0,
            char_spacing: 0.0,
            word_spacing: 0.0,
            scale: 1.0,
            leading: 0.0,
            rise: 0.0,
        }
    }
}

/// What a document's pages share: parsed fonts and decompressed forms,
/// kept from one page to the next.
#[derive(Default)]
pub struct Cache {
    fonts: HashMap<FontKey, Rc<Font>>,
    forms: HashMap<ObjectId, Rc<Vec<u8>>>,
    form_bytes: usize,
}

/// The text of one page (by object id) of `doc`. `max_stream` bounds every
/// decompression (page content, forms, CMaps, font programs).
pub fn page_text(
    doc: &Document,
    page_id: ObjectId,
    cache: &mut Cache,
    max_stream: usize,
) -> Result<PageReading, String> {
    TextReader {
        doc,
        limits: Limits { max_stream },
        cache,
    }
    .page(page_id)
}

struct TextReader<'a, 'c> {
    doc: &'a Document,
    limits: Limits,
    cache: &'c mut Cache,
}

/// Per-page interpretation state.
struct Page {
    /// The media box: glyphs wholly outside it are not on the page (as
    /// pdftotext has it; the crop box can hide printer's marks but also
    /// real text, so it does not clip).
    clip: Option<[f64; 4]>,
    /// The text position is known exactly: no estimated width has moved it
    /// since the last positioning operator. Only then is a glyph clipped.
    exact: bool,
    layout: Layout,
    reading: PageReading,
    operations: usize,
    forms: usize,
    scratch: String,
}

impl<'a> TextReader<'a, '_> {
    fn page(&mut self, page_id: ObjectId) -> Result<PageReading, String> {
        let doc = self.doc;
        let page = doc.get_dictionary(page_id).map_err(|e| e.to_string())?;
        let resources = inherited_resources(doc, page);
        let mut content = Vec::new();
        for id in doc.get_page_contents(page_id) {
            let stream = doc
                .get_object(id)
                .and_then(Object::as_stream)
                .map_err(|e| format!("content stream {id:?}: {e}"))?;
            let remaining = self.limits.max_stream.saturating_sub(content.len());
            let data = stream
                .get_plain_content_with_limit(remaining)
                .map_err(|e| format!("content stream {id:?}: {e}"))?;
            content.extend_from_slice(&data);
            content.push(b'\n');
        }
        let clip = page_box(doc, page, b"MediaBox");
        let mut state = Page {
            clip,
            exact: true,
            layout: Layout::new(),
            reading: PageReading::default(),
            operations: 0,
            forms: 0,
            scratch: String::new(),
        };
        let mut stack = Vec::new();
        self.run(
            &content,
            resources,
            GraphicsState::default(),
            &mut state,
            &mut stack,
        )?;
        let mut reading = state.reading;
        reading.text = state.layout.finish();
        Ok(reading)
    }

    fn font(&mut self, resources: Option<&'a Dictionary>, name: &[u8]) -> Option<Rc<Font>> {
        let doc = self.doc;
        let fonts = resources?.get(b"Font").ok()?;
        let fonts = doc.dereference(fonts).ok()?.1.as_dict().ok()?;
        let entry = fonts.get(name).ok()?;
        let (id, object) = doc.dereference(entry).ok()?;
        let dict = object.as_dict().ok()?;
        let key = match id {
            Some(id) => FontKey::Object(id),
            None => FontKey::Inline(dict as *const Dictionary as usize),
        };
        if let Some(font) = self.cache.fonts.get(&key) {
            return Some(font.clone());
        }
        let font = Rc::new(Font::load(doc, dict, &self.limits));
        self.cache.fonts.insert(key, font.clone());
        Some(font)
    }

    fn form(&mut self, id: ObjectId) -> Result<Rc<Vec<u8>>, String> {
        if let Some(data) = self.cache.forms.get(&id) {
            return Ok(data.clone());
        }
        let stream = self
            .doc
            .get_object(id)
            .and_then(Object::as_stream)
            .map_err(|e| e.to_string())?;
        let data = Rc::new(
            stream
                .get_plain_content_with_limit(self.limits.max_stream)
                .map_err(|e| format!("form {id:?}: {e}"))?,
        );
        if self.cache.form_bytes + data.len() <= FORM_CACHE_BYTES {
            self.cache.form_bytes += data.len();
            self.cache.forms.insert(id, data.clone());
        }
        Ok(data)
    }

    fn run(
        &mut self,
        content: &[u8],
        resources: Option<&'a Dictionary>,
        initial: GraphicsState,
        page: &mut Page,
        forms: &mut Vec<ObjectId>,
    ) -> Result<(), String> {
        let doc = self.doc;
        let mut lexer = Lexer::new(content);
        let mut operands = Vec::new();
        let mut gs = initial;
        let mut saved: Vec<GraphicsState> = Vec::new();
        let mut tm = IDENTITY;
        let mut tlm = IDENTITY;
        while let Some(op) = lexer.next_operation(&mut operands) {
            page.operations += 1;
            if page.operations > MAX_OPERATIONS {
                return Err("too many content operations".into());
            }
            let num = |i: usize| -> Option<f64> {
                operands
                    .len()
                    .checked_sub(i)
                    .and_then(|k| operands[k].number())
            };
            match op {
                b"q" if saved.len() < 1024 => saved.push(gs.clone()),
                b"Q" => {
                    if let Some(s) = saved.pop() {
                        gs = s;
                    }
                }
                b"cm" => {
                    if let Some(m) = matrix_of(&operands) {
                        gs.ctm = multiply(&m, &gs.ctm);
                    }
                }
                b"BT" => {
                    tm = IDENTITY;
                    tlm = IDENTITY;
                    page.exact = true;
                }
                b"Tf" => {
                    let name = operands.iter().rev().find_map(|o| match o {
                        Operand::Name(n) => Some(n.clone()),
                        _ => None,
                    });
                    gs.font = name.and_then(|n| self.font(resources, &n));
                    if let Some(size) = num(1) {
                        gs.size = size;
                    }
                }
                b"Tc" => gs.char_spacing = num(1).unwrap_or(gs.char_spacing),
                b"Tw" => gs.word_spacing = num(1).unwrap_or(gs.word_spacing),
                b"Tz" => gs.scale = num(1).map_or(gs.scale, |s| s / 100.0),
                b"TL" => gs.leading = num(1).unwrap_or(gs.leading),
                b"Ts" => gs.rise = num(1).unwrap_or(gs.rise),
                b"Td" | b"TD" => {
                    if let (Some(tx), Some(ty)) = (num(2), num(1)) {
                        if op == b"TD" {
                            gs.leading = -ty;
                        }
                        translate(&mut tlm, tx, ty);
                        tm = tlm;
                        page.exact = true;
                    }
                }
                b"Tm" => {
                    if let Some(m) = matrix_of(&operands) {
                        tlm = m;
                        tm = m;
                        page.exact = true;
                    }
                }
                b"T*" => {
                    translate(&mut tlm, 0.0, -gs.leading);
                    tm = tlm;
                    page.exact = true;
                }
                b"Tj" | b"'" | b"\"" => {
                    if op == b"\"" {
                        if let (Some(aw), Some(ac)) = (num(3), num(2)) {
                            gs.word_spacing = aw;
                            gs.char_spacing = ac;
                        }
                    }
                    if op != b"Tj" {
                        translate(&mut tlm, 0.0, -gs.leading);
                        tm = tlm;
                        page.exact = true;
                    }
                    if let Some(Operand::String(s)) = operands.last() {
                        show(&gs, &mut tm, s, page);
                    }
                }
                b"TJ" => {
                    if let Some(Operand::Array(items)) = operands.last() {
                        let mut run_start = true;
                        for item in items {
                            match item {
                                Operand::String(s) => {
                                    show_run(&gs, &mut tm, s, page, run_start);
                                    run_start = false;
                                }
                                Operand::Number(n) if n.is_finite() => {
                                    let shift = -n / 1000.0 * gs.size;
                                    if gs.font.as_ref().is_some_and(|f| f.vertical) {
                                        translate(&mut tm, 0.0, shift);
                                    } else {
                                        translate(&mut tm, shift * gs.scale, 0.0);
                                    }
                                    if n.abs() > 0.0 {
                                        run_start = true;
                                    }
                                }
                                _ => {}
                            }
                        }
                    }
                }
                b"Do" => {
                    let Some(Operand::Name(name)) = operands.last() else {
                        continue;
                    };
                    let Some((id, stream)) = xobject(doc, resources, name) else {
                        continue;
                    };
                    if stream.dict.get(b"Subtype").and_then(Object::as_name).ok() != Some(b"Form") {
                        continue;
                    }
                    page.forms += 1;
                    if forms.contains(&id)
                        || forms.len() >= MAX_FORM_DEPTH
                        || page.forms > MAX_FORMS
                    {
                        // A form that draws itself, or too deep: skip it.
                        continue;
                    }
                    let data = self.form(id)?;
                    let own = stream
                        .dict
                        .get(b"Resources")
                        .ok()
                        .and_then(|r| doc.dereference(r).ok())
                        .and_then(|(_, r)| r.as_dict().ok());
                    let mut inner = gs.clone();
                    if let Some(m) = matrix_from_object(doc, stream.dict.get(b"Matrix").ok()) {
                        inner.ctm = multiply(&m, &inner.ctm);
                    }
                    forms.push(id);
                    let result = self.run(&data, own.or(resources), inner, page, forms);
                    forms.pop();
                    result?;
                }
                _ => {}
            }
        }
        Ok(())
    }
}

fn show(gs: &GraphicsState, tm: &mut Matrix, bytes: &[u8], page: &mut Page) {
    show_run(gs, tm, bytes, page, true)
}

/// Shows one string: each code's text placed, the text matrix advanced.
fn show_run(gs: &GraphicsState, tm: &mut Matrix, bytes: &[u8], page: &mut Page, run_start: bool) {
    let Some(font) = gs.font.as_ref() else {
        // No (or a missing) font: nothing can be read, and that counts.
        page.reading.codes += bytes.len();
        page.reading.unmapped += bytes.len();
        return;
    };
    let mut at = 0;
    let mut first = run_start;
    while at < bytes.len() {
        page.scratch.clear();
        let glyph: Glyph = font.decode(bytes, at, &mut page.scratch);
        at += glyph.len.max(1);
        page.reading.codes += 1;
        match glyph.mapped {
            Mapped::Yes => {}
            Mapped::Guessed => page.reading.guessed += 1,
            Mapped::No => page.reading.unmapped += 1,
        }
        let trm = multiply(tm, &gs.ctm);
        let spacing = gs.char_spacing
            + if glyph.word_space {
                gs.word_spacing
            } else {
                0.0
            };
        let (x, y) = (gs.rise * trm[2] + trm[4], gs.rise * trm[3] + trm[5]);
        if font.vertical {
            let unit = trm[2].hypot(trm[3]);
            let (dx, dy) = if unit > 1e-12 {
                (-trm[2] / unit, -trm[3] / unit)
            } else {
                (0.0, -1.0)
            };
            let size = gs.size.abs() * trm[0].hypot(trm[1]);
            place(
                page,
                Placed {
                    x,
                    y,
                    dx,
                    dy,
                    advance: gs.size.abs() * unit,
                    size,
                    run_start: first,
                },
            );
            translate(tm, 0.0, -gs.size + spacing);
        } else {
            let unit = trm[0].hypot(trm[1]);
            let (dx, dy) = if unit > 1e-12 {
                (trm[0] / unit, trm[1] / unit)
            } else {
                (1.0, 0.0)
            };
            let size = gs.size.abs() * trm[2].hypot(trm[3]);
            place(
                page,
                Placed {
                    x,
                    y,
                    dx,
                    dy,
                    advance: glyph.width * gs.size.abs() * gs.scale.abs() * unit,
                    size,
                    run_start: first,
                },
            );
            translate(tm, (glyph.width * gs.size + spacing) * gs.scale, 0.0);
        }
        if glyph.estimated {
            page.exact = false;
        }
        first = false;
    }
}

/// A page box, inherited from the page tree, normalised to (llx, lly, urx, ury).
fn page_box(doc: &Document, page: &Dictionary, key: &[u8]) -> Option<[f64; 4]> {
    let mut node = page;
    for _ in 0..32 {
        if let Ok(object) = node.get(key) {
            let Object::Array(items) = doc.dereference(object).ok()?.1 else {
                return None;
            };
            let v: Vec<f64> = items
                .iter()
                .filter_map(|o| match doc.dereference(o).ok()?.1 {
                    Object::Integer(i) => Some(*i as f64),
                    Object::Real(r) => Some(f64::from(*r)),
                    _ => None,
                })
                .collect();
            if v.len() != 4 || v.iter().any(|x| !x.is_finite()) {
                return None;
            }
            let b = [
                v[0].min(v[2]),
                v[1].min(v[3]),
                v[0].max(v[2]),
                v[1].max(v[3]),
            ];
            return (b[2] - b[0] > 1.0 && b[3] - b[1] > 1.0).then_some(b);
        }
        let parent = node.get(b"Parent").ok()?;
        node = doc.dereference(parent).ok()?.1.as_dict().ok()?;
    }
    None
}

/// True if a glyph (origin, advance along the direction, size across it)
/// lies wholly outside the box.
fn outside(clip: &[f64; 4], g: &Placed) -> bool {
    let corners = [
        (g.x, g.y),
        (g.x + g.advance * g.dx, g.y + g.advance * g.dy),
        (g.x - g.size * g.dy, g.y + g.size * g.dx),
        (
            g.x + g.advance * g.dx - g.size * g.dy,
            g.y + g.advance * g.dy + g.size * g.dx,
        ),
    ];
    let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for (x, y) in corners {
        x0 = x0.min(x);
        y0 = y0.min(y);
        x1 = x1.max(x);
        y1 = y1.max(y);
    }
    x1 < clip[0] || x0 > clip[2] || y1 < clip[1] || y0 > clip[3]
}

fn place(page: &mut Page, glyph: Placed) {
    if page.exact && page.clip.as_ref().is_some_and(|c| outside(c, &glyph)) {
        return;
    }
    page.layout.add(&page.scratch, glyph);
}

/// The page's resources, inherited from the page tree when the page has none.
fn inherited_resources<'a>(doc: &'a Document, page: &'a Dictionary) -> Option<&'a Dictionary> {
    let mut node = page;
    for _ in 0..32 {
        if let Ok(resources) = node.get(b"Resources") {
            return doc.dereference(resources).ok()?.1.as_dict().ok();
        }
        let parent = node.get(b"Parent").ok()?;
        node = doc.dereference(parent).ok()?.1.as_dict().ok()?;
    }
    None
}

fn xobject<'a>(
    doc: &'a Document,
    resources: Option<&'a Dictionary>,
    name: &[u8],
) -> Option<(ObjectId, &'a lopdf::Stream)> {
    let xobjects = doc.dereference(resources?.get(b"XObject").ok()?).ok()?.1;
    let entry = xobjects.as_dict().ok()?.get(name).ok()?;
    let (id, object) = doc.dereference(entry).ok()?;
    Some((id?, object.as_stream().ok()?))
}
