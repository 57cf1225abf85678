//! What a report is made of: document metadata and a list of blocks. Plain
//! data; layout and PDF writing live elsewhere.

use time::OffsetDateTime;

/// Document-level information. Nothing here is taken from the clock or the
/// environment, so the same value always renders the same bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportMeta {
    /// Document title: the PDF Title and the running header of every page.
    pub title: String,
    /// PDF Author (e.g. the panel leader or the witness).
    pub author: String,
    /// PDF CreationDate.
    pub created: OffsetDateTime,
    /// Optional text at the left of every footer, e.g. the document id.
    pub footer_note: Option<String>,
}

/// Horizontal alignment of a table column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Align {
    #[default]
    Left,
    Center,
    /// For numbers: digits line up on the right.
    Right,
}

/// One table column: header text, share of the content width, alignment.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub header: String,
    /// Share of the content width. Shares are normalised to sum to 1, so
    /// `[1, 2, 1]` and `[0.25, 0.5, 0.25]` mean the same.
    pub width: f32,
    pub align: Align,
}

impl Column {
    /// A left-aligned column.
    pub fn new(header: impl Into<String>, width: f32) -> Self {
        Column {
            header: header.into(),
            width,
            align: Align::Left,
        }
    }

    /// A right-aligned (numeric) column.
    pub fn numeric(header: impl Into<String>, width: f32) -> Self {
        Column::new(header, width).align(Align::Right)
    }

    pub fn align(mut self, align: Align) -> Self {
        self.align = align;
        self
    }
}

/// A table. Its header row is repeated on every page the table reaches.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Table {
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<String>>,
    /// Shade every other body row.
    pub striped: bool,
}

impl Table {
    pub fn new(columns: Vec<Column>) -> Self {
        Table {
            columns,
            rows: Vec::new(),
            striped: false,
        }
    }

    /// Append a row; it must have one cell per column (checked at render).
    pub fn row<S: Into<String>>(mut self, cells: impl IntoIterator<Item = S>) -> Self {
        self.push_row(cells);
        self
    }

    pub fn push_row<S: Into<String>>(&mut self, cells: impl IntoIterator<Item = S>) {
        self.rows.push(cells.into_iter().map(Into::into).collect());
    }

    pub fn striped(mut self, striped: bool) -> Self {
        self.striped = striped;
        self
    }
}

/// The signature block of one signer. All texts are given by the caller, who
/// knows whether and how the signature was verified.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Signature {
    /// 姓名
    pub name: String,
    /// 角色, e.g. 评标专家 / 评标组长 / 见证专家
    pub role: String,
    /// 证书颁发机构 (the certificate issuer's name)
    pub issuer: String,
    /// 签名时间, already formatted (empty when not yet signed)
    pub signed_at: String,
    /// 签名状态, e.g. 已签名（SM2/SM3）验证通过 / 待签名
    pub status: String,
}

/// A unit of content, laid out top to bottom.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// A centred document title (larger than a level-1 heading).
    Title(String),
    /// A heading of level 1, 2 or 3.
    Heading {
        level: u8,
        text: String,
    },
    /// Body text; `\n` forces a line break.
    Paragraph(String),
    /// Small grey text (remarks, legends, provenance).
    Note(String),
    /// Label–value pairs, labels in a narrow left column.
    KeyValues(Vec<(String, String)>),
    Table(Table),
    /// A thin full-width line.
    Rule,
    /// Kept on one page when it fits on one.
    Signature(Signature),
    /// Continue on a new page (ignored at the top of a page).
    PageBreak,
}
