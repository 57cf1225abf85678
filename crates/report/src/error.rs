//! Errors a report can fail with. Each has a stable code (logs, UI, CLI
//! `--json`) and a Simplified Chinese message, since staff and experts see them.

use thiserror::Error;

/// Why a report could not be rendered.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ReportError {
    /// The font file is absent or unreadable, or the collection has no face
    /// with the requested family name.
    #[error("report font missing: {path}: {detail}")]
    FontMissing { path: String, detail: String },
    /// The font file exists but cannot be parsed or subset.
    #[error("report font invalid: {path}: {detail}")]
    FontInvalid { path: String, detail: String },
    /// A character of the input has no glyph in the report font. Rendering it
    /// as an empty box would silently alter a signed document.
    #[error("no glyph for U+{:04X} in {context:?}", *.ch as u32)]
    UnsupportedCharacter { ch: char, context: String },
    /// A table whose shape cannot be laid out (no columns, bad widths, a row
    /// with the wrong number of cells).
    #[error("invalid table: {0}")]
    InvalidTable(String),
    /// A heading level other than 1, 2 or 3.
    #[error("invalid heading level {0}")]
    InvalidHeadingLevel(u8),
}

impl ReportError {
    /// Stable snake_case code.
    pub fn code(&self) -> &'static str {
        match self {
            ReportError::FontMissing { .. } => "font_missing",
            ReportError::FontInvalid { .. } => "font_invalid",
            ReportError::UnsupportedCharacter { .. } => "unsupported_character",
            ReportError::InvalidTable(_) => "invalid_table",
            ReportError::InvalidHeadingLevel(_) => "invalid_heading_level",
        }
    }

    /// The message shown to the user, in Simplified Chinese.
    pub fn message_zh(&self) -> String {
        match self {
            ReportError::FontMissing { path, detail } => format!(
                "找不到报告字体：{path}（{detail}）。请安装 fonts-noto-cjk，\
                 或用环境变量 PINGSHEN_REPORT_FONT 指定字体文件"
            ),
            ReportError::FontInvalid { path, detail } => {
                format!("报告字体无法使用：{path}（{detail}）")
            }
            ReportError::UnsupportedCharacter { ch, context } => format!(
                "报告字体中没有字符“{ch}”（U+{:04X}），位于：“{context}”。请修改该处文字后重新生成报告",
                *ch as u32
            ),
            ReportError::InvalidTable(reason) => format!("表格格式有误：{reason}"),
            ReportError::InvalidHeadingLevel(level) => {
                format!("标题级别 {level} 无效，只能是 1、2 或 3")
            }
        }
    }
}
