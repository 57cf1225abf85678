//! The witness report (见证报告): a PDF summarising a project's witness log,
//! and the witness's signature over its hash (a detached envelope kept next
//! to it). The PDF is deterministic (`docs/report.md`): re-rendering the same
//! log gives the same bytes, so an auditor can compare hashes.

use crate::AppError;
use pingshen_api::ipc::WitnessEntryInfo;
use pingshen_api::{ProjectDetail, SignedEnvelope, WitnessReportSignature, WITNESS_REPORT_TYP};
use pingshen_pki::Signer;
use pingshen_report::{beijing, Column, ReportBuilder, ReportMeta, Signature, Table};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use time::OffsetDateTime;

/// Who signs the report, as printed in its signature block.
pub struct WitnessSigner<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub issuer: &'a str,
    pub algorithm: &'a str,
}

/// Renders the report of `entries` (the whole log, in order).
pub fn render(
    project: &ProjectDetail,
    witness: &WitnessSigner<'_>,
    entries: &[WitnessEntryInfo],
    signed_at: OffsetDateTime,
) -> Result<Vec<u8>, AppError> {
    let s = &project.summary;
    let mut r = ReportBuilder::new(ReportMeta {
        title: format!("{}见证报告", s.name),
        author: witness.name.to_string(),
        created: signed_at,
        footer_note: Some(format!("{} · 见证报告", s.id)),
    });
    let period = match (entries.first(), entries.last()) {
        (Some(a), Some(b)) => format!(
            "{} 至 {}",
            beijing(a.observed_at, true),
            beijing(b.observed_at, true)
        ),
        _ => "—".to_string(),
    };
    r.title("见 证 报 告")
        .heading(1, "一、项目概况")
        .key_values([
            ("项目名称", s.name.clone()),
            ("项目编号", s.id.clone()),
            ("标段", s.lot.clone()),
            ("招标人", s.tenderer.clone()),
            ("交易中心", s.centre.clone()),
            ("见证专家", format!("{}（{}）", witness.name, witness.id)),
            ("见证时段（平台时间）", period),
        ]);

    let irregular: Vec<&WitnessEntryInfo> = entries.iter().filter(|e| e.irregular).collect();
    let mut by_category: BTreeMap<&str, usize> = BTreeMap::new();
    for e in entries {
        *by_category.entry(e.category_zh.as_str()).or_default() += 1;
    }
    r.heading(1, "二、见证情况汇总").paragraph(format!(
        "本项目共形成见证记录 {} 条，其中异常情况 {} 条。每条记录均由见证专家以数字证书签名，并包含前一条记录的哈希值，形成不可篡改的记录链。",
        entries.len(),
        irregular.len()
    ));
    let mut counts = Table::new(vec![Column::new("类别", 3.0), Column::numeric("条数", 1.0)]);
    for (category, n) in &by_category {
        counts.push_row([category.to_string(), n.to_string()]);
    }
    r.table(counts.striped(true));
    if irregular.is_empty() {
        r.paragraph("见证期间未发现异常情况。");
    } else {
        r.heading(2, "异常情况");
        for e in &irregular {
            r.paragraph(format!(
                "第 {} 条（{}，{}）{}：{}",
                e.seq,
                beijing(e.observed_at, true),
                e.stage_zh,
                e.category_zh,
                e.text
            ));
        }
    }

    r.heading(1, "三、见证记录明细");
    let seq_of = |id: &str| entries.iter().find(|e| e.entry_id == id).map(|e| e.seq);
    let mut detail = Table::new(vec![
        Column::numeric("序号", 0.6),
        Column::new("时间（平台）", 1.9),
        Column::new("阶段", 1.1),
        Column::new("类别", 1.2),
        Column::new("内容", 4.2),
        Column::new("附件（SHA-256 前 16 位）", 2.2),
    ]);
    for e in entries {
        let text = match e.corrects.as_deref().and_then(seq_of) {
            Some(n) => format!("【更正第 {n} 条】{}", e.text),
            None => e.text.clone(),
        };
        let attachments = e
            .attachments
            .iter()
            .map(|(name, _, sha)| format!("{name} {}", &sha[..16.min(sha.len())]))
            .collect::<Vec<_>>()
            .join("\n");
        detail.push_row([
            e.seq.to_string(),
            beijing(e.observed_at, true),
            e.stage_zh.clone(),
            e.category_zh.clone(),
            text,
            attachments,
        ]);
    }
    r.table(detail.striped(true));
    let unsynced = entries.iter().filter(|e| e.synced_at.is_none()).count();
    r.heading(1, "四、记录链");
    r.paragraph(format!(
        "记录链共 {} 条，末条记录哈希（SHA-256）：{}。{}",
        entries.len(),
        entries.last().map(|e| e.entry_hash.as_str()).unwrap_or("—"),
        if unsynced == 0 {
            "全部记录已由交易平台签收。".to_string()
        } else {
            format!("其中 {unsynced} 条尚未同步至交易平台。")
        }
    ));
    r.note("注：本报告由见证专家以数字证书对其 SHA-256 哈希签名，签名文件（.sig.json）随报告提供，可用 pingshen verify 核验。");
    r.rule().signature(Signature {
        name: witness.name.to_string(),
        role: "见证专家".into(),
        issuer: witness.issuer.to_string(),
        signed_at: beijing(signed_at, true),
        status: format!(
            "以数字证书签名（{}），签名见随附签名文件",
            witness.algorithm
        ),
    });
    r.render()
        .map_err(|e| AppError::new(e.code(), format!("见证报告生成失败：{e}")))
}

/// Signs the report's hash as the witness.
pub fn sign(
    signer: &dyn Signer,
    project: &str,
    witness_id: &str,
    pdf: &[u8],
    entries: &[WitnessEntryInfo],
    signed_at: OffsetDateTime,
) -> Result<(WitnessReportSignature, SignedEnvelope), AppError> {
    let doc = WitnessReportSignature {
        project_id: project.to_string(),
        witness_id: witness_id.to_string(),
        report_sha256: hex::encode(Sha256::digest(pdf)),
        entries: entries.len() as u64,
        last_entry_hash: entries
            .last()
            .map(|e| e.entry_hash.clone())
            .ok_or_else(|| AppError::new("witness_log_empty", "尚无见证记录，无法生成见证报告"))?,
        signed_at,
    };
    let envelope = pingshen_client::sign_document(signer, WITNESS_REPORT_TYP, &doc)?;
    Ok((doc, envelope))
}

/// Where a report was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportFiles {
    pub pdf: std::path::PathBuf,
    pub signature: std::path::PathBuf,
    pub sha256: String,
    pub entries: u64,
}

/// Renders the report of the project's whole local log, signs it, and writes
/// the PDF and its signature (`.sig.json`) into `out_dir`.
pub fn make(
    store: &pingshen_store::Store,
    signer: &dyn Signer,
    project: &str,
    witness: &WitnessSigner<'_>,
    out_dir: &std::path::Path,
    signed_at: OffsetDateTime,
) -> Result<ReportFiles, AppError> {
    let entries = crate::witness::list(store, project)?;
    if entries.is_empty() {
        return Err(AppError::new(
            "witness_log_empty",
            "尚无见证记录，无法生成见证报告",
        ));
    }
    let detail: ProjectDetail = store
        .projects()
        .get(project)?
        .and_then(|c| c.detail_json)
        .and_then(|j| serde_json::from_str(&j).ok())
        .ok_or_else(|| AppError::new("not_synced", "该项目尚未在本机打开过"))?;
    let pdf = render(&detail, witness, &entries, signed_at)?;
    let (doc, envelope) = sign(signer, project, witness.id, &pdf, &entries, signed_at)?;
    let io = |path: &std::path::Path, e: std::io::Error| {
        AppError::new(
            "report_write_failed",
            format!("无法写入 {}：{e}", path.display()),
        )
    };
    std::fs::create_dir_all(out_dir).map_err(|e| io(out_dir, e))?;
    let stamp = {
        let t =
            signed_at.to_offset(time::UtcOffset::from_hms(8, 0, 0).unwrap_or(time::UtcOffset::UTC));
        format!(
            "{:04}{:02}{:02}-{:02}{:02}{:02}",
            t.year(),
            u8::from(t.month()),
            t.day(),
            t.hour(),
            t.minute(),
            t.second()
        )
    };
    let pdf_path = out_dir.join(format!("见证报告-{project}-{stamp}.pdf"));
    let sig_path = out_dir.join(format!("见证报告-{project}-{stamp}.sig.json"));
    let json = serde_json::to_vec_pretty(&envelope)
        .map_err(|e| AppError::new("internal_error", e.to_string()))?;
    for (path, bytes) in [(&pdf_path, &pdf), (&sig_path, &json)] {
        let tmp = path.with_extension("tmp");
        std::fs::write(&tmp, bytes).map_err(|e| io(&tmp, e))?;
        std::fs::rename(&tmp, path).map_err(|e| io(path, e))?;
    }
    Ok(ReportFiles {
        pdf: pdf_path,
        signature: sig_path,
        sha256: doc.report_sha256,
        entries: doc.entries,
    })
}
