//! `pingshen screen --tender TENDER.pdf --bids DIR [--prices PRICES.json]
//! [--rules RULES.toml] [--settings SETTINGS.json] [--json]`: the document
//! and price screens (串标分析) on files.
//!
//! Every `*.pdf` in DIR except the tender is a bid; the bidder id is the file
//! name without its extension and without a leading `bid-` (`bid-B03.pdf` →
//! `B03`), matching the ids in PRICES.json. PDFs are extracted through
//! `pingshen_docs` in isolated workers, as `pingshen doc extract` does.
//!
//! Exit codes: 0 the screens ran (with or without flags); 2 bad input (a
//! file that cannot be read or extracted, malformed prices, rules or
//! settings), with a message on stderr.

use anyhow::{bail, Context};
use clap::Args;
use pingshen_docs::{Extraction, Extractor};
use pingshen_rules::{PriceRequest, Rules};
use pingshen_screens::{
    screen, BidDocument, DocMeta, DocTime, Evidence, Flag, Page, ScreenInput, ScreenReport,
    Settings, TenderDocument,
};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::time::Duration;

#[derive(Args)]
pub struct ScreenArgs {
    /// The tender document (招标文件), PDF.
    #[arg(long)]
    pub tender: PathBuf,
    /// Folder of bid documents (投标文件): every *.pdf but the tender.
    #[arg(long)]
    pub bids: PathBuf,
    /// Bid prices, JSON as for `pingshen rules explain` (bids, ceiling, k).
    #[arg(long)]
    pub prices: Option<PathBuf>,
    /// Evaluation rules (TOML), for the benchmark screen.
    #[arg(long)]
    pub rules: Option<PathBuf>,
    /// Threshold overrides, JSON (see docs/screens.md).
    #[arg(long)]
    pub settings: Option<PathBuf>,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
    /// Seconds a page may take to extract before it is skipped.
    #[arg(long, default_value_t = 10)]
    pub page_timeout: u64,
}

fn read(path: &Path) -> anyhow::Result<Vec<u8>> {
    std::fs::read(path).with_context(|| format!("无法读取文件 {}", path.display()))
}

fn read_text(path: &Path) -> anyhow::Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("无法读取文件 {}", path.display()))
}

/// `bid-B03.pdf` → `B03`.
fn bidder_id(path: &Path) -> String {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    for prefix in ["bid-", "bid_", "BID-", "BID_"] {
        if let Some(rest) = stem.strip_prefix(prefix) {
            if !rest.is_empty() {
                return rest.to_string();
            }
        }
    }
    stem
}

fn bid_files(dir: &Path, tender: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let tender = tender.canonicalize().ok();
    let entries = std::fs::read_dir(dir)
        .with_context(|| format!("无法读取投标文件目录 {}", dir.display()))?;
    let mut files = Vec::new();
    for entry in entries {
        let path = entry
            .with_context(|| format!("无法读取投标文件目录 {}", dir.display()))?
            .path();
        let is_pdf = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("pdf"));
        if is_pdf && path.is_file() && path.canonicalize().ok() != tender {
            files.push(path);
        }
    }
    files.sort();
    if files.is_empty() {
        bail!("目录 {} 中没有投标文件（*.pdf）", dir.display());
    }
    Ok(files)
}

fn pages(extraction: &Extraction) -> Vec<Page> {
    extraction
        .pages
        .iter()
        .map(|p| Page {
            number: p.number,
            text: p.text.clone(),
        })
        .collect()
}

fn doc_time(date: &Option<pingshen_docs::PdfDate>) -> Option<DocTime> {
    let date = date.as_ref()?;
    Some(DocTime {
        unix_seconds: date.unix_seconds?,
        text: date.rfc3339.clone().unwrap_or_else(|| date.raw.clone()),
    })
}

fn meta(extraction: &Extraction) -> DocMeta {
    let m = &extraction.metadata;
    DocMeta {
        author: m.author.clone(),
        creator: m.creator.clone(),
        producer: m.producer.clone(),
        created: doc_time(&m.creation_date),
        modified: doc_time(&m.modification_date),
    }
}

fn warn_failed_pages(name: &str, extraction: &Extraction) {
    for failure in &extraction.failed_pages {
        eprintln!(
            "警告：{name} 第 {} 页未能读取：{}（{}），该页不参与比对",
            failure.number,
            failure.message,
            failure.code.code()
        );
    }
}

struct Loaded {
    tender: TenderDocument,
    bids: Vec<BidDocument>,
}

fn load_documents(args: &ScreenArgs) -> anyhow::Result<Loaded> {
    let files = bid_files(&args.bids, &args.tender)?;
    let mut names = vec![args.tender.display().to_string()];
    let mut contents = vec![read(&args.tender)?];
    for file in &files {
        names.push(file.display().to_string());
        contents.push(read(file)?);
    }
    let extractor = Extractor::new()?.page_timeout(Duration::from_secs(args.page_timeout.max(1)));
    let slices: Vec<&[u8]> = contents.iter().map(Vec::as_slice).collect();
    let mut extracted = Vec::new();
    for (name, result) in names.iter().zip(extractor.extract_many(&slices)) {
        match result {
            Ok(extraction) => {
                warn_failed_pages(name, &extraction);
                extracted.push(extraction);
            }
            Err(e) => bail!("{name}：{e}（{}）", e.code()),
        }
    }
    let tender = TenderDocument {
        pages: pages(&extracted[0]),
    };
    let bids = files
        .iter()
        .zip(&extracted[1..])
        .zip(&contents[1..])
        .map(|((file, extraction), bytes)| BidDocument {
            bidder: bidder_id(file),
            file: file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            pages: pages(extraction),
            metadata: meta(extraction),
            sha256: Some(hex_digest(bytes)),
            size: Some(bytes.len() as u64),
            hardware_ids: Vec::new(),
        })
        .collect();
    Ok(Loaded { tender, bids })
}

fn hex_digest(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn load_json<T: serde::de::DeserializeOwned>(path: &Path, what: &str) -> anyhow::Result<T> {
    let text = read_text(path)?;
    serde_json::from_str(&text).with_context(|| format!("{what} {} 格式不正确", path.display()))
}

pub fn run(args: ScreenArgs) -> anyhow::Result<u8> {
    let prices: Option<PriceRequest> = match &args.prices {
        Some(path) => Some(load_json(path, "报价文件")?),
        None => None,
    };
    let rules = match &args.rules {
        Some(path) => Some(
            Rules::from_toml(&read_text(path)?)
                .map_err(|e| anyhow::anyhow!("评标办法 {} 有误：\n{e}", path.display()))?,
        ),
        None => None,
    };
    let settings: Settings = match &args.settings {
        Some(path) => load_json(path, "筛查参数文件")?,
        None => Settings::default(),
    };
    settings
        .validate()
        .map_err(|e| anyhow::anyhow!("{e}（{}）", e.code()))?;
    let docs = load_documents(&args)?;
    let input = ScreenInput {
        tender: Some(&docs.tender),
        bids: &docs.bids,
        prices: prices.as_ref(),
        rules: rules.as_ref(),
        ..ScreenInput::default()
    };
    let report = screen(&input, &settings).map_err(|e| anyhow::anyhow!("{e}（{}）", e.code()))?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print_report(&args.tender, &docs.bids, &report);
    }
    Ok(0)
}

fn print_report(tender: &Path, bids: &[BidDocument], report: &ScreenReport) {
    println!("串标分析");
    println!("招标文件：{}", tender.display());
    let list: Vec<String> = bids
        .iter()
        .map(|b| format!("{}（{}）", b.bidder, b.file))
        .collect();
    println!("投标文件：{}份：{}", bids.len(), list.join("、"));
    if let Some(t) = &report.text {
        println!(
            "文本比对：{}页，{}字；已剔除招标文件的文字和{}份及以上投标文件共有的文字。",
            t.pages, t.compared_chars, t.boilerplate_bids
        );
    }
    let count = |level| {
        report
            .flags
            .iter()
            .filter(|f| f.strength.level == level)
            .count()
    };
    use pingshen_screens::Level;
    println!(
        "\n发现{}项提示（强{}，中{}，弱{}）。以下为程序筛查结果，是否构成串通投标由评标委员会判断。",
        report.flags.len(),
        count(Level::Strong),
        count(Level::Moderate),
        count(Level::Weak)
    );
    for (i, flag) in report.flags.iter().enumerate() {
        print_flag(i + 1, flag);
    }
    if let Some(prices) = &report.prices {
        println!("\n报价分析（{}家）：", prices.bids);
        for row in &prices.rows {
            let value = dash(row.value);
            let threshold = around(row.threshold, "，阈值 ", "");
            let mark = if row.flagged { "【提示】" } else { "" };
            let note = around(row.note_zh.as_deref(), "（", "）");
            println!("  {}：{value}{threshold}{mark}{note}", row.name_zh);
        }
    }
    if !report.skipped.is_empty() {
        println!("\n说明：");
        for s in &report.skipped {
            println!("  {}（{}）", s.message_zh, s.code);
        }
    }
}

/// The value, or a dash when there is none.
fn dash(value: Option<impl std::fmt::Display>) -> String {
    value.map(|v| v.to_string()).unwrap_or_else(|| "—".into())
}

/// `before value after`, or nothing when there is no value.
fn around(value: Option<impl std::fmt::Display>, before: &str, after: &str) -> String {
    value
        .map(|v| format!("{before}{v}{after}"))
        .unwrap_or_default()
}

fn excerpt(text: &str, limit: usize) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join("");
    let mut out: String = flat.chars().take(limit).collect();
    if flat.chars().count() > limit {
        out.push('…');
    }
    out
}

fn print_flag(n: usize, flag: &Flag) {
    println!(
        "\n[{n}] {}（{}）{} 强度：{} {}",
        flag.kind.name_zh(),
        flag.kind.code(),
        flag.title_zh,
        flag.strength.level.name_zh(),
        flag.strength.score
    );
    println!("    编号：{}", flag.id);
    println!("    {}", flag.explanation_zh);
    match &flag.evidence {
        Evidence::Passages { passages, .. } => {
            for (i, p) in passages.iter().enumerate() {
                println!(
                    "    段落{}：{} 第{}页第{}字 ↔ {} 第{}页第{}字（{}字，相似度{}）",
                    i + 1,
                    p.a.bidder,
                    p.a.start.page,
                    p.a.start.offset,
                    p.b.bidder,
                    p.b.start.page,
                    p.b.start.offset,
                    p.significant_chars,
                    p.similarity
                );
                println!("      {}：{}", p.a.bidder, excerpt(&p.a.text, 60));
                println!("      {}：{}", p.b.bidder, excerpt(&p.b.text, 60));
            }
        }
        Evidence::SharedStrings { items } => {
            for item in items {
                for o in &item.occurrences {
                    println!(
                        "    {} 第{}页第{}字：{}",
                        o.bidder,
                        o.start.page,
                        o.start.offset,
                        excerpt(&o.context, 60)
                    );
                }
            }
        }
        Evidence::Metadata { rows } => {
            for row in rows {
                let values: Vec<String> = row.values.iter().map(|v| dash(v.as_ref())).collect();
                let mark = if row.matches { "一致" } else { "不同" };
                let note = around(row.note_zh.as_deref(), "，", "");
                println!(
                    "    {}：{}（{mark}{note}）",
                    row.field.name_zh(),
                    values.join(" | ")
                );
            }
        }
        Evidence::Prices(p) => {
            println!(
                "    统计量 {}：{}，阈值 {}",
                p.statistic, p.value, p.threshold
            );
            for d in &p.details_zh {
                println!("    {d}");
            }
            println!("    依据：{}", p.source);
        }
        Evidence::ExpertScores { rows } => {
            for r in rows {
                println!("    {} → {}：{}", r.expert, r.bidder, dash(r.points));
            }
        }
    }
}
