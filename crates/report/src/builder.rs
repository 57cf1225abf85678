//! The public entry point: collect blocks, then render them to PDF bytes.

use crate::error::ReportError;
use crate::fonts::book::FontBook;
use crate::fonts::{FontSource, LoadedFonts};
use crate::layout::layout;
use crate::model::{Block, ReportMeta, Signature, Table};
use crate::pdf::write_pdf;
use crate::style::Margins;

#[derive(Debug, Clone)]
enum Fonts {
    /// [`FontSource::from_env`] at render time.
    FromEnv,
    Source(FontSource),
    Loaded(LoadedFonts),
}

/// Builds an A4 portrait report. Rendering is deterministic: the same
/// builder contents (and font files) give byte-identical PDFs.
///
/// ```no_run
/// use pingshen_report::{Column, ReportBuilder, ReportMeta, Table};
/// use time::macros::datetime;
///
/// let mut report = ReportBuilder::new(ReportMeta {
///     title: "评标报告".into(),
///     author: "张伟".into(),
///     created: datetime!(2026-11-30 16:00 +08:00),
///     footer_note: Some("文档编号 JA-2026-0117-R1".into()),
/// });
/// report
///     .heading(1, "一、项目概况")
///     .paragraph("本项目采用综合评估法。")
///     .table(Table::new(vec![Column::new("投标人", 3.0), Column::numeric("总分", 1.0)])
///         .row(["武汉江城路桥工程有限公司", "91.35"]));
/// let pdf: Vec<u8> = report.render()?;
/// # Ok::<(), pingshen_report::ReportError>(())
/// ```
#[derive(Debug, Clone)]
pub struct ReportBuilder {
    meta: ReportMeta,
    margins: Margins,
    fonts: Fonts,
    blocks: Vec<Block>,
}

impl ReportBuilder {
    /// An empty report using the fonts named by the environment
    /// (`PINGSHEN_REPORT_FONT`) or Noto Sans CJK SC.
    pub fn new(meta: ReportMeta) -> Self {
        ReportBuilder {
            meta,
            margins: Margins::default(),
            fonts: Fonts::FromEnv,
            blocks: Vec::new(),
        }
    }

    pub fn meta(&self) -> &ReportMeta {
        &self.meta
    }

    pub fn blocks(&self) -> &[Block] {
        &self.blocks
    }

    pub fn margins(&mut self, margins: Margins) -> &mut Self {
        self.margins = margins;
        self
    }

    /// Font files to load at render time.
    pub fn font_source(&mut self, source: FontSource) -> &mut Self {
        self.fonts = Fonts::Source(source);
        self
    }

    /// Fonts already in memory (load once, render many reports).
    pub fn fonts(&mut self, fonts: LoadedFonts) -> &mut Self {
        self.fonts = Fonts::Loaded(fonts);
        self
    }

    pub fn block(&mut self, block: Block) -> &mut Self {
        self.blocks.push(block);
        self
    }

    pub fn title(&mut self, text: impl Into<String>) -> &mut Self {
        self.block(Block::Title(text.into()))
    }

    /// Level 1, 2 or 3 (others fail at render with `invalid_heading_level`).
    pub fn heading(&mut self, level: u8, text: impl Into<String>) -> &mut Self {
        self.block(Block::Heading {
            level,
            text: text.into(),
        })
    }

    pub fn paragraph(&mut self, text: impl Into<String>) -> &mut Self {
        self.block(Block::Paragraph(text.into()))
    }

    pub fn note(&mut self, text: impl Into<String>) -> &mut Self {
        self.block(Block::Note(text.into()))
    }

    pub fn key_values<K: Into<String>, V: Into<String>>(
        &mut self,
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> &mut Self {
        let pairs = pairs.into_iter().map(|(k, v)| (k.into(), v.into()));
        self.block(Block::KeyValues(pairs.collect()))
    }

    pub fn table(&mut self, table: Table) -> &mut Self {
        self.block(Block::Table(table))
    }

    pub fn rule(&mut self) -> &mut Self {
        self.block(Block::Rule)
    }

    pub fn signature(&mut self, signature: Signature) -> &mut Self {
        self.block(Block::Signature(signature))
    }

    pub fn page_break(&mut self) -> &mut Self {
        self.block(Block::PageBreak)
    }

    /// Lays out and writes the PDF.
    pub fn render(&self) -> Result<Vec<u8>, ReportError> {
        let loaded;
        let fonts = match &self.fonts {
            Fonts::Loaded(fonts) => fonts,
            Fonts::Source(source) => {
                loaded = source.load()?;
                &loaded
            }
            Fonts::FromEnv => {
                loaded = FontSource::from_env().load()?;
                &loaded
            }
        };
        let book = FontBook::new(fonts)?;
        let pages = layout(&self.blocks, &self.meta, self.margins, &book)?;
        write_pdf(&pages, &self.meta, &book)
    }
}
