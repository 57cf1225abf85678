//! Document-level extraction errors: each has a stable code and a Chinese
//! message (the `Display` text), since the expert sees them.

use thiserror::Error;

/// Why a whole document could not be extracted. Page-level problems are not
/// errors: they are listed in [`crate::Extraction::failed_pages`].
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum ExtractError {
    #[error("文件不是PDF格式")]
    NotPdf,
    #[error("PDF文件已加密，无法读取文本")]
    Encrypted,
    #[error("PDF文件已损坏，无法读取任何页面：{0}")]
    Damaged(String),
    #[error("PDF文件过大（{size}字节，上限{limit}字节）")]
    TooLarge { size: usize, limit: usize },
    #[error("文本提取超时，已终止提取进程")]
    WorkerTimeout,
    #[error("文本提取进程内存超限，已终止")]
    WorkerOutOfMemory,
    #[error("文本提取进程异常退出：{0}")]
    WorkerCrashed(String),
    #[error("无法启动文本提取进程：{0}")]
    WorkerSpawn(String),
    #[error("文本提取进程返回了无法识别的数据：{0}")]
    Protocol(String),
}

impl ExtractError {
    /// Stable snake_case code for logs, the UI and the CLI's `--json` output.
    pub fn code(&self) -> &'static str {
        match self {
            ExtractError::NotPdf => "not_pdf",
            ExtractError::Encrypted => "encrypted",
            ExtractError::Damaged(_) => "damaged",
            ExtractError::TooLarge { .. } => "too_large",
            ExtractError::WorkerTimeout => "worker_timeout",
            ExtractError::WorkerOutOfMemory => "worker_out_of_memory",
            ExtractError::WorkerCrashed(_) => "worker_crashed",
            ExtractError::WorkerSpawn(_) => "worker_spawn_failed",
            ExtractError::Protocol(_) => "worker_protocol",
        }
    }
}

/// Why one page could not be read. Stable codes; Chinese messages.
/// Serialised as its stable code (`page_unreadable`, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum PageFailureCode {
    /// Both extractors returned an error or panicked on this page, or the
    /// page refers to content missing from the file.
    #[serde(rename = "page_unreadable")]
    Unreadable,
    /// The worker took too long on this page and was killed.
    #[serde(rename = "page_timeout")]
    PageTimeout,
    /// The worker died (crash or abort) while reading this page.
    #[serde(rename = "worker_crashed")]
    WorkerCrashed,
    /// The worker ran out of its memory allowance on this page.
    #[serde(rename = "worker_out_of_memory")]
    OutOfMemory,
    /// Not attempted: too many worker restarts on this document.
    #[serde(rename = "page_abandoned")]
    Abandoned,
}

impl PageFailureCode {
    pub fn code(self) -> &'static str {
        match self {
            PageFailureCode::Unreadable => "page_unreadable",
            PageFailureCode::PageTimeout => "page_timeout",
            PageFailureCode::WorkerCrashed => "worker_crashed",
            PageFailureCode::OutOfMemory => "worker_out_of_memory",
            PageFailureCode::Abandoned => "page_abandoned",
        }
    }

    /// The Chinese message shown to the expert.
    pub fn message_zh(self) -> &'static str {
        match self {
            PageFailureCode::Unreadable => "该页内容损坏，无法读取文本",
            PageFailureCode::PageTimeout => "读取该页超时，已跳过",
            PageFailureCode::WorkerCrashed => "读取该页时提取进程异常退出，已跳过",
            PageFailureCode::OutOfMemory => "读取该页时内存超限，已跳过",
            PageFailureCode::Abandoned => "该文件损坏页面过多，剩余页面未读取",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::PageFailureCode;

    #[test]
    fn page_failure_codes_serialise_as_their_stable_code() {
        for code in [
            PageFailureCode::Unreadable,
            PageFailureCode::PageTimeout,
            PageFailureCode::WorkerCrashed,
            PageFailureCode::OutOfMemory,
            PageFailureCode::Abandoned,
        ] {
            let json = serde_json::to_string(&code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.code()));
            assert_eq!(
                serde_json::from_str::<PageFailureCode>(&json).unwrap(),
                code
            );
        }
    }
}
