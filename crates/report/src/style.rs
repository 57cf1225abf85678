//! Page geometry and typography, in PDF points (1/72 inch). Body text is
//! 10.5 pt (五号), the usual size of Chinese official documents.

/// A4 portrait.
pub const PAGE_WIDTH: f32 = 595.28;
pub const PAGE_HEIGHT: f32 = 841.89;

/// Page margins around the content area (header and footer sit inside the
/// top and bottom margins).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Margins {
    pub top: f32,
    pub bottom: f32,
    pub left: f32,
    pub right: f32,
}

impl Default for Margins {
    /// 25 mm top and bottom, 20 mm left and right.
    fn default() -> Self {
        Margins {
            top: 70.87,
            bottom: 70.87,
            left: 56.69,
            right: 56.69,
        }
    }
}

pub const BODY_SIZE: f32 = 10.5;
pub const BODY_LEADING: f32 = 1.65;
pub const NOTE_SIZE: f32 = 8.5;
pub const NOTE_LEADING: f32 = 1.5;
pub const TITLE_SIZE: f32 = 20.0;
/// Heading sizes for levels 1, 2 and 3.
pub const HEADING_SIZES: [f32; 3] = [15.0, 12.5, 11.0];
pub const HEADING_LEADING: f32 = 1.4;

pub const TABLE_SIZE: f32 = 9.0;
pub const TABLE_LEADING: f32 = 1.45;
pub const CELL_PAD_X: f32 = 4.0;
pub const CELL_PAD_Y: f32 = 3.5;

pub const CHROME_SIZE: f32 = 8.0;
/// Header text baseline and rule, measured down from the page top edge.
pub const HEADER_BASELINE_FROM_TOP: f32 = 40.0;
pub const HEADER_RULE_FROM_TOP: f32 = 46.0;
/// Footer first baseline, measured up from the page bottom edge.
pub const FOOTER_BASELINE: f32 = 40.0;
pub const FOOTER_RULE: f32 = 52.0;

/// Greys (0 = black, 1 = white).
pub const TEXT_GREY: f32 = 0.0;
pub const MUTED_GREY: f32 = 0.35;
pub const RULE_GREY: f32 = 0.55;
pub const BORDER_GREY: f32 = 0.6;
pub const HEADER_FILL: f32 = 0.9;
pub const STRIPE_FILL: f32 = 0.96;
pub const LINE_WIDTH: f32 = 0.5;
