//! `pingshen doc extract FILE.pdf [--json] [--ocr]`: per-page text, metadata and
//! outline of a PDF, extracted in an isolated worker (this binary re-run in
//! worker mode; `main` calls `pingshen_docs::worker::run_if_requested()`).
//!
//! Exit codes: 0 every page read (pages needing OCR count as read), 1 some
//! pages could not be read (they are listed), 2 the file could not be read
//! at all (not a PDF, damaged beyond reading, worker failure).

use anyhow::Context;
use clap::Subcommand;
use pingshen_docs::{Extraction, Extractor, Ocr, PdfDate};
use std::path::PathBuf;
use std::time::Duration;

#[derive(Subcommand)]
pub enum DocCommand {
    /// Extract per-page text, metadata and outline from a PDF (提取文本).
    Extract {
        file: PathBuf,
        /// Print one JSON document instead of text.
        #[arg(long)]
        json: bool,
        /// Seconds a page may take before it is skipped.
        #[arg(long, default_value_t = 10)]
        page_timeout: u64,
        /// OCR pages without a text layer (needs tesseract-ocr-chi-sim).
        #[arg(long)]
        ocr: bool,
    },
}

pub fn run(command: DocCommand) -> anyhow::Result<u8> {
    match command {
        DocCommand::Extract {
            file,
            json,
            page_timeout,
            ocr,
        } => extract(&file, json, page_timeout, ocr),
    }
}

fn extract(file: &PathBuf, json: bool, page_timeout: u64, ocr: bool) -> anyhow::Result<u8> {
    let bytes = std::fs::read(file).with_context(|| format!("无法读取文件 {}", file.display()))?;
    let ocr = if ocr {
        let found = Ocr::detect();
        if found.is_none() {
            eprintln!("提示：未安装 tesseract 中文识别（tesseract-ocr-chi-sim），不进行OCR");
        }
        found
    } else {
        None
    };
    let extractor = Extractor::new()?
        .page_timeout(Duration::from_secs(page_timeout.max(1)))
        .ocr(ocr);
    let name = file.display().to_string();
    let extraction = match extractor.extract(&bytes) {
        Ok(extraction) => extraction,
        Err(e) if json => {
            let out = serde_json::json!({
                "file": name,
                "error": { "code": e.code(), "message": e.to_string() },
            });
            println!("{}", serde_json::to_string_pretty(&out)?);
            return Ok(2);
        }
        Err(e) => anyhow::bail!("{}：{e}（{}）", name, e.code()),
    };
    if json {
        let out = serde_json::json!({ "file": name, "extraction": extraction });
        println!("{}", serde_json::to_string_pretty(&out)?);
    } else {
        print_text(&name, &extraction);
    }
    Ok(if extraction.failed_pages.is_empty() {
        0
    } else {
        1
    })
}

fn print_text(name: &str, extraction: &Extraction) {
    let meta = &extraction.metadata;
    println!("文件：{name}");
    println!("页数：{}　PDF版本：{}", meta.page_count, meta.pdf_version);
    let fields = [
        ("标题", &meta.title),
        ("作者", &meta.author),
        ("主题", &meta.subject),
        ("关键词", &meta.keywords),
        ("创建工具（Creator）", &meta.creator),
        ("生成工具（Producer）", &meta.producer),
    ];
    for (label, value) in fields {
        if let Some(value) = value {
            println!("{label}：{value}");
        }
    }
    for (label, date) in [
        ("创建时间", &meta.creation_date),
        ("修改时间", &meta.modification_date),
    ] {
        if let Some(date) = date {
            println!("{label}：{}", show_date(date));
        }
    }
    if !extraction.outline.is_empty() {
        println!("书签：");
        for entry in &extraction.outline {
            let indent = "  ".repeat(entry.level.max(1) as usize);
            let page = entry
                .page
                .map(|p| format!("第{p}页"))
                .unwrap_or_else(|| "无页码".into());
            println!("{indent}{} …… {page}", entry.title);
        }
    }
    for page in &extraction.pages {
        if page.needs_ocr {
            println!("==== 第 {} 页：无可用文本，需要OCR ====", page.number);
        } else {
            let source = serde_json::to_value(page.source).ok();
            let source = source.as_ref().and_then(|v| v.as_str()).unwrap_or("");
            println!("==== 第 {} 页（{source}） ====", page.number);
        }
        println!("{}", page.text.trim_end());
    }
    if !extraction.failed_pages.is_empty() {
        println!("未能读取的页面：");
        for failure in &extraction.failed_pages {
            println!(
                "  第 {} 页：{}（{}）",
                failure.number,
                failure.message,
                failure.code.code()
            );
        }
    }
}

fn show_date(date: &PdfDate) -> String {
    match &date.rfc3339 {
        Some(parsed) => format!("{parsed}（{}）", date.raw),
        None => format!("{}（无法解析）", date.raw),
    }
}
