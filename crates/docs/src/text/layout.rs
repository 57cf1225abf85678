//! Turns positioned glyphs, in content-stream order, into lines of text: a
//! line break where the baseline moves by more than half the font size or the
//! writing direction turns, a space where a new run of text starts clear of
//! the previous glyph, a glyph drawn right before the previous one (digits
//! placed right to left: "18" as "8", then "1" on its left) put before it,
//! duplicates (fake bold, shadows: the same text drawn again a hair's breadth
//! away) dropped.

use super::fxhash::FxHashMap;

/// Gap, in font sizes, from which two runs on one line are two words.
const WORD_GAP: f64 = 0.15;
/// Baseline shift, in font sizes, from which a glyph starts a new line.
const LINE_SHIFT: f64 = 0.5;
/// A glyph with the same text as one already on the page, less than this
/// share of the font size away along the writing direction (and less than
/// half its own advance) and less than `DUPLICATE_ACROSS` across it, sits on
/// top of it (poppler's tolerances).
const DUPLICATE_ALONG: f64 = 0.1;
const DUPLICATE_ACROSS: f64 = 0.2;
/// It is the same glyph drawn again if the glyph under it was drawn among
/// the last `RECENT` glyphs (a string or a glyph drawn twice in a row), or
/// if the glyphs before and after it are drawn again too (a whole line
/// drawn again later). A lone glyph that lands on an old one of the same
/// text (overlapping text, a watermark) is kept.
const RECENT: usize = 64;
/// Grid cell for finding earlier glyphs near a spot (device units).
const CELL: f64 = 4.0;
/// Glyphs remembered per page for duplicate detection.
const REMEMBERED: usize = 200_000;

/// A glyph placed on the page (device space, y up).
#[derive(Debug, Clone, Copy)]
pub struct Placed {
    /// Origin of the glyph.
    pub x: f64,
    pub y: f64,
    /// Unit vector of the writing direction.
    pub dx: f64,
    pub dy: f64,
    /// Advance along the writing direction (device units).
    pub advance: f64,
    /// Font size (device units).
    pub size: f64,
    /// First glyph of a text run: a new string, or after a TJ adjustment.
    pub run_start: bool,
}

#[derive(Debug, Clone, Copy)]
struct Last {
    x: f64,
    y: f64,
    dx: f64,
    dy: f64,
    /// Where the glyph ended: its advance from (x, y) along (dx, dy).
    end: f64,
    size: f64,
}

impl Last {
    fn of(g: &Placed, size: f64) -> Last {
        Last {
            x: g.x,
            y: g.y,
            dx: g.dx,
            dy: g.dy,
            end: g.advance,
            size,
        }
    }
}

/// (text hash, grid column, grid row).
type Cell = (u64, i64, i64);

#[derive(Debug, Default)]
pub struct Layout {
    text: String,
    last: Option<Last>,
    /// Where the previous glyph's text starts in `text`, if it was a glyph
    /// (not a blank, not after a forced line break).
    last_at: Option<usize>,
    pending_space: bool,
    /// Glyphs written so far, by (text hash, grid cell of `CELL` units):
    /// their number in writing order and exact position.
    placed: FxHashMap<Cell, Vec<(usize, f64, f64)>>,
    /// Glyphs written (numbers the next one).
    written: usize,
    /// The glyph the previous one was dropped as a duplicate of.
    previous_duplicate: Option<usize>,
    /// A glyph on top of an old one, held until the next glyph tells whether
    /// a whole run is being drawn again: (text, place, the old glyph).
    held: Option<(String, Placed, usize)>,
}

fn hash(text: &str) -> u64 {
    // FNV-1a: tiny strings, no need for more.
    text.bytes().fold(0xcbf29ce484222325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100000001b3)
    })
}

fn usable_size(size: f64) -> f64 {
    if size.is_finite() && size > 1e-6 {
        size
    } else {
        1.0
    }
}

impl Layout {
    pub fn new() -> Self {
        Layout::default()
    }

    /// Adds one glyph's text at its place.
    pub fn add(&mut self, text: &str, g: Placed) {
        if text.is_empty() {
            return;
        }
        if text.chars().all(char::is_whitespace) {
            self.flush_held();
            self.write(text, &g, true);
            return;
        }
        let under = self.glyphs_under(text, &g);
        if let Some((_, _, old)) = &self.held {
            let old = *old;
            if under.contains(&(old + 1)) {
                // The held glyph and this one repeat a run: both go.
                self.held = None;
                self.previous_duplicate = Some(old + 1);
                return;
            }
            self.flush_held();
        }
        if let Some(previous) = self.previous_duplicate {
            if under.contains(&(previous + 1)) {
                self.previous_duplicate = Some(previous + 1);
                return;
            }
        }
        self.previous_duplicate = None;
        if let Some(&recent) = under.iter().filter(|&&n| self.written - n <= RECENT).max() {
            self.previous_duplicate = Some(recent);
            return;
        }
        if let Some(&old) = under.iter().max() {
            self.held = Some((text.to_string(), g, old));
            return;
        }
        self.write(text, &g, false);
    }

    /// Writes a held glyph after all (it was not part of a repeated run).
    fn flush_held(&mut self) {
        if let Some((text, g, _)) = self.held.take() {
            self.previous_duplicate = None;
            self.write(&text, &g, false);
        }
    }

    /// The numbers of earlier glyphs with the same text under this one.
    fn glyphs_under(&self, text: &str, g: &Placed) -> Vec<usize> {
        let (x, y) = (g.x, g.y);
        if !x.is_finite() || !y.is_finite() {
            return Vec::new();
        }
        let size = usable_size(g.size);
        let h = hash(text);
        let mut along = DUPLICATE_ALONG * size;
        if g.advance > 0.0 {
            along = along.min(0.5 * g.advance);
        }
        let across = (DUPLICATE_ACROSS * size).min(CELL);
        let along = along.min(CELL);
        let (cx, cy) = ((x / CELL).floor() as i64, (y / CELL).floor() as i64);
        let mut found = Vec::new();
        for i in cx - 1..=cx + 1 {
            for j in cy - 1..=cy + 1 {
                let Some(spots) = self.placed.get(&(h, i, j)) else {
                    continue;
                };
                for &(n, px, py) in spots {
                    let (ex, ey) = (x - px, y - py);
                    let u = ex * g.dx + ey * g.dy;
                    let v = -ex * g.dy + ey * g.dx;
                    if u.abs() < along && v.abs() < across {
                        found.push(n);
                    }
                }
            }
        }
        found
    }

    /// Puts a glyph into the text: a line break or a space before it as its
    /// place says.
    fn write(&mut self, text: &str, g: &Placed, blank: bool) {
        let size = usable_size(g.size);
        if let Some(last) = self.last {
            // Coordinates in the previous glyph's frame: u along its
            // writing direction, v across it.
            let (ex, ey) = (g.x - last.x, g.y - last.y);
            let u = ex * last.dx + ey * last.dy;
            let v = -ex * last.dy + ey * last.dx;
            let same_direction = g.dx * last.dx + g.dy * last.dy > 0.95;
            let scale = size.max(last.size);
            if !same_direction || v.abs() > LINE_SHIFT * scale {
                self.newline();
            } else {
                // Ends where the previous glyph starts: drawn right to left.
                let before =
                    u < 0.0 && g.advance > 0.0 && (u + g.advance).abs() <= WORD_GAP * scale;
                if before && !blank && !self.pending_space {
                    if let Some(at) = self.last_at {
                        self.text.insert_str(at, text);
                        self.remember(text, g);
                        self.last = Some(Last::of(g, size));
                        return;
                    }
                }
                let gap = u - last.end;
                if g.run_start && (gap > WORD_GAP * scale || gap < -scale) {
                    self.pending_space = true;
                }
            }
        }
        if blank {
            if !self.text.is_empty() && !self.text.ends_with('\n') {
                self.pending_space = true;
            }
            self.last_at = None;
        } else {
            if self.pending_space && !self.text.is_empty() && !self.text.ends_with('\n') {
                self.text.push(' ');
            }
            self.pending_space = false;
            self.last_at = Some(self.text.len());
            self.text.push_str(text);
            self.remember(text, g);
        }
        self.last = Some(Last::of(g, size));
    }

    fn remember(&mut self, text: &str, g: &Placed) {
        let n = self.written;
        self.written += 1;
        if n >= REMEMBERED || !g.x.is_finite() || !g.y.is_finite() {
            return;
        }
        let cell = ((g.x / CELL).floor() as i64, (g.y / CELL).floor() as i64);
        self.placed
            .entry((hash(text), cell.0, cell.1))
            .or_default()
            .push((n, g.x, g.y));
    }

    /// A forced line break.
    pub fn newline(&mut self) {
        self.pending_space = false;
        self.last_at = None;
        if !self.text.is_empty() && !self.text.ends_with('\n') {
            self.text.push('\n');
        }
    }

    pub fn finish(mut self) -> String {
        self.flush_held();
        if !self.text.ends_with('\n') && !self.text.is_empty() {
            self.text.push('\n');
        }
        self.text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(x: f64, y: f64, run_start: bool) -> Placed {
        Placed {
            x,
            y,
            dx: 1.0,
            dy: 0.0,
            advance: 6.0,
            size: 10.0,
            run_start,
        }
    }

    /// Glyphs of one character each, 6 units apart from `x`.
    fn run(layout: &mut Layout, text: &str, x: f64, y: f64) {
        for (i, c) in text.chars().enumerate() {
            layout.add(&c.to_string(), at(x + 6.0 * i as f64, y, i == 0));
        }
    }

    #[test]
    fn duplicates() {
        // (what is drawn, text expected)
        type Draw<'a> = (&'a str, f64, f64);
        let cases: &[(&[Draw], &str)] = &[
            // A line drawn twice a hair apart (fake bold).
            (&[("Bold", 72.0, 700.0), ("Bold", 72.3, 700.0)], "Bold\n"),
            // Two lines, then both again (shadow drawn after the text).
            (
                &[
                    ("First line", 72.0, 700.0),
                    ("Second line", 72.0, 680.0),
                    ("First line", 72.5, 700.5),
                    ("Second line", 72.5, 680.5),
                ],
                "First line\nSecond line\n",
            ),
            // Other text crossing an old line where one letter coincides:
            // kept (it is not a repeated run).
            (
                &[
                    ("a long line of text here", 72.0, 700.0),
                    ("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", 72.0, 600.0),
                    ("ox", 72.0 + 6.0 * 3.0, 700.0),
                ],
                "a long line of text here\nxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\nox\n",
            ),
        ];
        for (draws, want) in cases {
            let mut layout = Layout::new();
            for &(text, x, y) in draws.iter() {
                run(&mut layout, text, x, y);
            }
            assert_eq!(layout.finish(), *want, "{draws:?}");
        }
    }

    #[test]
    fn glyphs_drawn_right_to_left() {
        // (glyphs as drawn: text and x, each its own run; text expected)
        let cases: &[(&[(&str, f64)], &str)] = &[
            // A page number drawn last digit first (PDFium output).
            (&[("8", 106.0), ("1", 100.0)], "18\n"),
            (
                &[("p", 80.0), ("3", 112.0), ("2", 106.0), ("1", 100.0)],
                "p 123\n",
            ),
            // A word further left, clear of the previous one: order kept.
            (&[("b", 100.0), ("a", 80.0)], "b a\n"),
            // Text continuing to the right after the reversed digits.
            (&[("8", 106.0), ("1", 100.0), ("x", 130.0)], "18 x\n"),
        ];
        for (draws, want) in cases {
            let mut layout = Layout::new();
            for &(text, x) in draws.iter() {
                layout.add(text, at(x, 700.0, true));
            }
            assert_eq!(layout.finish(), *want, "{draws:?}");
        }
    }
}
