//! Turns positioned glyphs, in content-stream order, into lines of text: a
//! line break where the baseline moves by more than half the font size or the
//! writing direction turns, a space where a new run of text starts clear of
//! the previous glyph, duplicates (fake bold: the same glyph drawn again a
//! hair's breadth away) dropped.

use std::collections::HashMap;

/// Gap, in font sizes, from which two runs on one line are two words.
const WORD_GAP: f64 = 0.15;
/// Baseline shift, in font sizes, from which a glyph starts a new line.
const LINE_SHIFT: f64 = 0.5;
/// Duplicate detection: a glyph with the same text within this share of the
/// font size (and at most `DUPLICATE_MAX` units) of one already on the page
/// is the same glyph drawn again.
const DUPLICATE_SHARE: f64 = 0.2;
const DUPLICATE_MAX: f64 = 4.0;
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

#[derive(Debug, Default)]
pub struct Layout {
    text: String,
    last: Option<Last>,
    pending_space: bool,
    /// Glyphs placed so far by (text hash, grid cell of `DUPLICATE_MAX`
    /// units): their exact positions.
    placed: HashMap<(u64, i64, i64), Vec<(f64, f64)>>,
    remembered: usize,
}

fn hash(text: &str) -> u64 {
    // FNV-1a: tiny strings, no need for more.
    text.bytes().fold(0xcbf29ce484222325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100000001b3)
    })
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
        let size = if g.size.is_finite() && g.size > 1e-6 {
            g.size
        } else {
            1.0
        };
        let blank = text.chars().all(char::is_whitespace);
        if !blank && self.duplicate(text, g.x, g.y, size) {
            return;
        }
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
        } else {
            if self.pending_space && !self.text.is_empty() && !self.text.ends_with('\n') {
                self.text.push(' ');
            }
            self.pending_space = false;
            self.text.push_str(text);
        }
        self.last = Some(Last {
            x: g.x,
            y: g.y,
            dx: g.dx,
            dy: g.dy,
            end: g.advance,
            size,
        });
    }

    /// True if the same text was placed at (about) the same spot before;
    /// otherwise remembers this one.
    fn duplicate(&mut self, text: &str, x: f64, y: f64, size: f64) -> bool {
        if !x.is_finite() || !y.is_finite() {
            return false;
        }
        let h = hash(text);
        let tolerance = (DUPLICATE_SHARE * size).min(DUPLICATE_MAX);
        let (cx, cy) = (
            (x / DUPLICATE_MAX).floor() as i64,
            (y / DUPLICATE_MAX).floor() as i64,
        );
        for i in cx - 1..=cx + 1 {
            for j in cy - 1..=cy + 1 {
                if let Some(spots) = self.placed.get(&(h, i, j)) {
                    if spots
                        .iter()
                        .any(|&(px, py)| (px - x).abs() < tolerance && (py - y).abs() < tolerance)
                    {
                        return true;
                    }
                }
            }
        }
        if self.remembered < REMEMBERED {
            self.remembered += 1;
            self.placed.entry((h, cx, cy)).or_default().push((x, y));
        }
        false
    }

    /// A forced line break (e.g. between pages of form content).
    pub fn newline(&mut self) {
        self.pending_space = false;
        if !self.text.is_empty() && !self.text.ends_with('\n') {
            self.text.push('\n');
        }
    }

    pub fn finish(mut self) -> String {
        if !self.text.ends_with('\n') && !self.text.is_empty() {
            self.text.push('\n');
        }
        self.text
    }
}
