//! `pingshen rules check|explain|aggregate`: evaluation rules (评标办法).
//!
//! Exit codes: 0 = valid / computed and final; 1 = the rules or an input
//! are invalid (diagnostics printed); 3 = aggregated, but provisional
//! (blocking flags or a tie awaiting lots); 2 = could not read a file.

use anyhow::{Context, Result};
use clap::Subcommand;
use pingshen_rules::{
    aggregate, compute_prices, Decimal, Diagnostic, ExpertSheet, LotOutcome, Method, PanelResult,
    PanelStatus, PriceOutcome, PriceRequest, Rules, RulesError, ScoreTrace,
};
use serde::de::DeserializeOwned;
use std::path::{Path, PathBuf};

#[derive(Subcommand)]
pub enum RulesCommand {
    /// Validate a rules file (校验评标办法); exit 0 when valid.
    Check {
        file: PathBuf,
        /// Print `{"valid": …, "diagnostics": […]}` instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Price scores and how they were computed (价格分及计算过程).
    Explain {
        file: PathBuf,
        /// `{"bids": [{"bidder", "price", "valid_after_preliminary"}], "ceiling"?, "k"?}`.
        #[arg(long)]
        prices: PathBuf,
        /// K drawn at opening; overrides `k` in the prices file.
        #[arg(long)]
        k: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Panel results and ranking from the experts' sheets (汇总与排名).
    Aggregate {
        file: PathBuf,
        /// Folder of expert sheets (`*.json`); `prices.json` and `lots.json`
        /// in it are read as the prices and the lot outcomes.
        #[arg(long)]
        sheets: PathBuf,
        #[arg(long)]
        prices: Option<PathBuf>,
        #[arg(long)]
        k: Option<String>,
        /// `[{"bidders": ["B02", "B01"]}]`: recorded lot drawings, best first.
        #[arg(long)]
        lots: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
}

const INVALID: u8 = 1;
const PROVISIONAL: u8 = 3;

pub fn run(c: RulesCommand) -> Result<u8> {
    match c {
        RulesCommand::Check { file, json } => check(&file, json),
        RulesCommand::Explain {
            file,
            prices,
            k,
            json,
        } => explain(&file, &prices, k.as_deref(), json),
        RulesCommand::Aggregate {
            file,
            sheets,
            prices,
            k,
            lots,
            json,
        } => run_aggregate(
            &file,
            &sheets,
            prices.as_deref(),
            k.as_deref(),
            lots.as_deref(),
            json,
        ),
    }
}

/// Either the parsed value or diagnostics to print and exit 1 with.
type Loaded<T> = std::result::Result<T, (PathBuf, RulesError)>;

fn read(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("无法读取文件 {}", path.display()))
}

fn load_rules(path: &Path) -> Result<Loaded<Rules>> {
    let text = read(path)?;
    Ok(Rules::from_toml(&text).map_err(|e| (path.to_path_buf(), e)))
}

fn load_json<T: DeserializeOwned>(path: &Path) -> Result<Loaded<T>> {
    let text = read(path)?;
    Ok(serde_json::from_str(&text).map_err(|e| {
        let mut d = Diagnostic::new("invalid_json", "", json_message(&e));
        d.line = u32::try_from(e.line()).ok().filter(|l| *l > 0);
        (path.to_path_buf(), RulesError(vec![d]))
    }))
}

/// serde_json's message, with our own decimal errors ("code|中文") unwrapped.
fn json_message(e: &serde_json::Error) -> String {
    let msg = e.to_string();
    match msg.split_once('|') {
        Some((code, rest)) if code.chars().all(|c| c.is_ascii_lowercase() || c == '_') => {
            rest.split(" at line").next().unwrap_or(rest).to_string()
        }
        _ => format!("JSON 格式错误：{msg}"),
    }
}

fn report(path: &Path, err: &RulesError, json: bool) -> u8 {
    if json {
        let out = serde_json::json!({ "valid": false, "file": path, "diagnostics": err.0 });
        println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
    } else {
        for d in &err.0 {
            let line = d.line.map_or(String::new(), |l| format!("{l}:"));
            let path_part = if d.path.is_empty() {
                String::new()
            } else {
                format!(" {}:", d.path)
            };
            eprintln!(
                "{}:{line} [{}]{path_part} {}",
                path.display(),
                d.code,
                d.message_zh
            );
        }
    }
    INVALID
}

fn check(file: &Path, json: bool) -> Result<u8> {
    let rules = match load_rules(file)? {
        Ok(r) => r,
        Err((p, e)) => return Ok(report(&p, &e, json)),
    };
    if json {
        let out = serde_json::json!({ "valid": true, "file": file, "diagnostics": [] });
        println!("{}", serde_json::to_string_pretty(&out)?);
    } else {
        println!(
            "规则有效：{}（{}，{} 条初步评审标准，{} 个评分因素）",
            rules.meta.name,
            rules.meta.method.name_zh(),
            rules.preliminary.len(),
            rules.factors.len()
        );
    }
    Ok(0)
}

fn parse_k(k: Option<&str>) -> Loaded<Option<Decimal>> {
    match k {
        None => Ok(None),
        Some(text) => pingshen_rules::dec::parse_decimal(text)
            .map(Some)
            .ok_or_else(|| {
                (
                    PathBuf::from("--k"),
                    RulesError::one(
                        "invalid_decimal",
                        "k",
                        format!("K 值 \"{text}\" 不是有效的数字"),
                    ),
                )
            }),
    }
}

fn load_prices(path: &Path, k: Option<&str>) -> Result<Loaded<PriceRequest>> {
    let mut req: PriceRequest = match load_json(path)? {
        Ok(r) => r,
        Err(e) => return Ok(Err(e)),
    };
    match parse_k(k) {
        Ok(Some(k)) => req.k = Some(k),
        Ok(None) => {}
        Err(e) => return Ok(Err(e)),
    }
    Ok(Ok(req))
}

fn explain(file: &Path, prices: &Path, k: Option<&str>, json: bool) -> Result<u8> {
    let rules = match load_rules(file)? {
        Ok(r) => r,
        Err((p, e)) => return Ok(report(&p, &e, json)),
    };
    let req = match load_prices(prices, k)? {
        Ok(r) => r,
        Err((p, e)) => return Ok(report(&p, &e, json)),
    };
    let outcome = match compute_prices(&rules, &req) {
        Ok(o) => o,
        Err(e) => return Ok(report(prices, &e, json)),
    };
    if json {
        println!("{}", serde_json::to_string_pretty(&outcome)?);
    } else {
        print!("{}", price_table(&rules, &outcome));
    }
    Ok(0)
}

fn run_aggregate(
    file: &Path,
    dir: &Path,
    prices: Option<&Path>,
    k: Option<&str>,
    lots: Option<&Path>,
    json: bool,
) -> Result<u8> {
    let rules = match load_rules(file)? {
        Ok(r) => r,
        Err((p, e)) => return Ok(report(&p, &e, json)),
    };
    let mut sheets: Vec<ExpertSheet> = Vec::new();
    let mut names: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("无法读取目录 {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    names.sort();
    let mut prices_path = prices.map(Path::to_path_buf);
    let mut lots_path = lots.map(Path::to_path_buf);
    for path in names {
        match path.file_name().and_then(|n| n.to_str()) {
            Some("prices.json") => {
                prices_path.get_or_insert(path);
            }
            Some("lots.json") => {
                lots_path.get_or_insert(path);
            }
            _ => match load_json::<ExpertSheet>(&path)? {
                Ok(s) => sheets.push(s),
                Err((p, e)) => return Ok(report(&p, &e, json)),
            },
        }
    }
    let req = match &prices_path {
        Some(p) => match load_prices(p, k)? {
            Ok(r) => Some(r),
            Err((p, e)) => return Ok(report(&p, &e, json)),
        },
        None => None,
    };
    let lots: Vec<LotOutcome> = match &lots_path {
        Some(p) => match load_json(p)? {
            Ok(l) => l,
            Err((p, e)) => return Ok(report(&p, &e, json)),
        },
        None => Vec::new(),
    };
    let result = match aggregate(&rules, &sheets, req.as_ref(), &lots) {
        Ok(r) => r,
        Err(e) => return Ok(report(dir, &e, json)),
    };
    if json {
        println!("{}", serde_json::to_string_pretty(&result)?);
    } else {
        print!("{}", panel_table(&result));
    }
    Ok(match result.status {
        PanelStatus::Final => 0,
        PanelStatus::Provisional => PROVISIONAL,
    })
}

/// Display width: CJK characters take two columns in a terminal.
fn width(s: &str) -> usize {
    s.chars()
        .map(|c| if c as u32 >= 0x1100 { 2 } else { 1 })
        .sum()
}

fn table(rows: &[Vec<String>]) -> String {
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..cols)
        .map(|i| {
            rows.iter()
                .filter_map(|r| r.get(i))
                .map(|c| width(c))
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for r in rows {
        let line: Vec<String> = r
            .iter()
            .enumerate()
            .map(|(i, c)| format!("{c}{}", " ".repeat(widths[i] - width(c))))
            .collect();
        out.push_str(line.join("  ").trim_end());
        out.push('\n');
    }
    out
}

fn price_table(rules: &Rules, o: &PriceOutcome) -> String {
    let e = &o.explanation;
    let method = match e.method.as_str() {
        "lowest_price" => "低价优先法",
        "deviation" => "基准价偏差扣分法",
        _ => "经评审的最低投标价法",
    };
    let mut out = format!("评标办法：{}（价格分：{method}）\n", rules.meta.name);
    if let Some(b) = &e.benchmark {
        out.push_str(&format!("评标基准价 B = {}\n", b.value()));
    }
    out.push('\n');
    let mut rows = vec![vec![
        "投标人".to_string(),
        "报价".into(),
        "状态".into(),
        "偏差率%".into(),
        "扣分".into(),
        "价格分".into(),
    ]];
    for b in &o.bids {
        let trace = e.scores.iter().find(|s| s.bidder() == b.bidder);
        let (dev, off) = match trace {
            Some(ScoreTrace::Deviation {
                deviation_percent,
                deduction,
                ..
            }) => (deviation_percent.to_string(), deduction.to_string()),
            _ => ("-".to_string(), "-".to_string()),
        };
        rows.push(vec![
            b.bidder.clone(),
            b.price.to_string(),
            b.status.name_zh().to_string(),
            dev,
            off,
            b.score.map_or("-".to_string(), |s| s.to_string()),
        ]);
    }
    out.push_str(&table(&rows));
    out.push_str("\n计算过程：\n");
    for (i, line) in e.prose_zh.iter().enumerate() {
        out.push_str(&format!("{:>2}. {line}\n", i + 1));
    }
    out
}

fn panel_table(r: &PanelResult) -> String {
    let mut out = String::new();
    let opt = |d: Option<Decimal>| d.map_or("-".to_string(), |d| d.to_string());
    match r.method {
        Method::Comprehensive => {
            let mut rows = vec![["排名", "投标人", "商务", "技术", "价格", "其他", "总分"]
                .iter()
                .map(|s| s.to_string())
                .collect::<Vec<_>>()];
            for e in &r.ranking.entries {
                if let Some(b) = r.bidders.iter().find(|b| b.bidder == e.bidder) {
                    let g = b.groups;
                    rows.push(vec![
                        e.rank.to_string(),
                        e.bidder.clone(),
                        g.business.to_string(),
                        g.technical.to_string(),
                        g.price.to_string(),
                        g.other.to_string(),
                        opt(b.total),
                    ]);
                }
            }
            out.push_str(&table(&rows));
        }
        Method::LowestEvaluatedPrice => {
            let mut rows = vec![["排名", "投标人", "投标报价", "价格折算", "经评审的投标价"]
                .iter()
                .map(|s| s.to_string())
                .collect::<Vec<_>>()];
            for e in &r.ranking.entries {
                if let Some(b) = r.bidders.iter().find(|b| b.bidder == e.bidder) {
                    let adj: Decimal = b.adjustments.iter().map(|a| a.amount).sum();
                    rows.push(vec![
                        e.rank.to_string(),
                        e.bidder.clone(),
                        opt(b.price),
                        adj.to_string(),
                        opt(b.evaluated_price),
                    ]);
                }
            }
            out.push_str(&table(&rows));
        }
        Method::Qualification => {}
    }
    let out_of_ranking: Vec<&str> = r
        .bidders
        .iter()
        .filter(|b| !r.qualified.contains(&b.bidder))
        .map(|b| b.bidder.as_str())
        .collect();
    if !out_of_ranking.is_empty() {
        out.push_str(&format!("未进入排名：{}\n", out_of_ranking.join("、")));
    }
    out.push_str("\n说明：\n");
    for (i, line) in r.prose_zh.iter().enumerate() {
        out.push_str(&format!("{:>2}. {line}\n", i + 1));
    }
    out
}
