//! The evaluation report (评标报告): a deterministic PDF of the project, the
//! rules in force, every expert's scores with the panel aggregate, the price
//! computation explained, the flags and the ranking with its tie-break
//! trace. Every panel member signs its SHA-256; the same inputs always give
//! the same bytes (`docs/report.md`), so the hash identifies the content.

use crate::PlatformError;
use pingshen_api::{
    Clarification, ClarificationState, MotionStatus, ProjectDetail, PublishedRules,
};
use pingshen_report::{beijing, Column, ReportBuilder, ReportMeta, Table};
use pingshen_rules::{ExpertSheet, PanelResult, Rules};
use time::OffsetDateTime;

fn opt(d: Option<rust_decimal::Decimal>) -> String {
    d.map(|d| d.to_string()).unwrap_or_else(|| "—".into())
}

/// Money as printed in Chinese reports (the same function as the UI's).
use pingshen_rules::display::money as yuan;

/// Renders the report. `generated_at` is the report's date (the time the
/// last sheet arrived), never the clock, so re-rendering is stable.
pub fn render(
    project: &ProjectDetail,
    experts: &[(String, String)],
    rules: &PublishedRules,
    sheets: &[ExpertSheet],
    result: &PanelResult,
    motions: &[MotionStatus],
    clarifications: &[Clarification],
    generated_at: OffsetDateTime,
) -> Result<Vec<u8>, PlatformError> {
    let parsed = Rules::from_toml(&rules.rules_toml)
        .map_err(|_| PlatformError::Internal("已发布的评标办法无法解析".into()))?;
    let s = &project.summary;
    let name_of = |id: &str| {
        project
            .bidders
            .iter()
            .find(|b| b.id == id)
            .map(|b| b.name.clone())
            .unwrap_or_default()
    };
    let factor_name = |id: &str| {
        parsed
            .factors
            .iter()
            .find(|f| f.id == id)
            .map(|f| f.name.clone())
            .unwrap_or_else(|| id.to_string())
    };
    let expert_name = |id: &str| {
        experts
            .iter()
            .find(|(e, _)| e == id)
            .map(|(_, n)| format!("{n}（{id}）"))
            .unwrap_or_else(|| id.to_string())
    };
    let mut r = ReportBuilder::new(ReportMeta {
        title: format!("{}评标报告", s.name),
        author: "评标委员会".into(),
        created: generated_at,
        footer_note: Some(format!("{} · 评标报告", s.id)),
    });
    r.title("评 标 报 告")
        .heading(1, "一、项目概况")
        .key_values([
            ("项目名称", s.name.clone()),
            ("项目编号", s.id.clone()),
            ("标段", s.lot.clone()),
            ("招标人", s.tenderer.clone()),
            ("交易中心", s.centre.clone()),
            ("开标时间", beijing(s.opening_time, false)),
            ("最高投标限价（元）", yuan(s.ceiling_price)),
            ("报告生成时间", beijing(generated_at, false)),
        ]);
    let mut bidders = Table::new(vec![
        Column::new("编号", 0.8),
        Column::new("投标人", 4.0),
        Column::numeric("投标报价（元）", 1.8),
    ]);
    for b in &project.bidders {
        bidders.push_row([b.id.clone(), b.name.clone(), yuan(b.bid_price)]);
    }
    r.table(bidders.striped(true));

    r.heading(1, "二、评标办法").key_values([
        ("评标办法", parsed.meta.name.clone()),
        (
            "版本",
            format!(
                "第 {} 版（{} 发布）",
                rules.version, rules.published_by_name
            ),
        ),
        ("SHA-256", rules.sha256.clone()),
        (
            "评标委员会成员",
            result
                .experts
                .iter()
                .map(|e| expert_name(e))
                .collect::<Vec<_>>()
                .join("、"),
        ),
    ]);

    r.heading(1, "三、初步评审");
    let mut pre = Table::new(vec![
        Column::new("投标人", 3.0),
        Column::new("结论", 1.0),
        Column::new("不通过项（评委意见）", 4.0),
    ]);
    for p in &result.preliminary {
        let criterion_name = |id: &str| {
            parsed
                .preliminary
                .iter()
                .find(|c| c.id == id)
                .map(|c| c.name.clone())
                .unwrap_or_else(|| id.to_string())
        };
        let failed = p
            .criteria
            .iter()
            .map(|c| {
                let reasons = c
                    .reasons
                    .iter()
                    .map(|r| format!("{}：{}", expert_name(&r.expert), r.reason))
                    .collect::<Vec<_>>()
                    .join("，");
                format!(
                    "{}（{}/{} 位评委判不通过{}）{}",
                    criterion_name(&c.criterion),
                    c.fails,
                    c.experts,
                    if c.failed { "，多数" } else { "" },
                    if reasons.is_empty() {
                        String::new()
                    } else {
                        format!("——{reasons}")
                    }
                )
            })
            .collect::<Vec<_>>()
            .join("；");
        pre.push_row([
            format!("{} {}", p.bidder, name_of(&p.bidder)),
            if p.passed { "通过" } else { "不通过" }.to_string(),
            if failed.is_empty() {
                "—".into()
            } else {
                failed
            },
        ]);
    }
    r.table(pre.striped(true));

    r.heading(1, "四、价格分计算");
    match &result.price {
        Some(p) => {
            for line in &p.explanation.prose_zh {
                r.paragraph(line.clone());
            }
        }
        None => {
            r.paragraph("本评标办法不计算价格分。");
        }
    }

    r.heading(1, "五、详细评审（各评委评分与汇总）");
    for b in &result.bidders {
        r.heading(2, format!("{} {}", b.bidder, name_of(&b.bidder)));
        let mut cols = vec![Column::new("评分因素", 3.0)];
        for e in &result.experts {
            cols.push(Column::numeric(e.clone(), 0.9));
        }
        cols.push(Column::numeric("汇总", 1.0));
        let mut t = Table::new(cols);
        for f in &b.factors {
            let mut row = vec![factor_name(&f.factor)];
            for e in &result.experts {
                let v = f
                    .scores
                    .iter()
                    .find(|x| &x.expert == e)
                    .map(|x| x.points.to_string())
                    .unwrap_or_else(|| "—".into());
                let dropped = f.dropped.iter().any(|d| d == e);
                row.push(if dropped { format!("({v})") } else { v });
            }
            row.push(f.points.to_string());
            t.push_row(row);
        }
        t.push_row({
            let mut row = vec!["价格分".to_string()];
            row.extend(result.experts.iter().map(|_| String::new()));
            row.push(opt(b.price_score));
            row
        });
        t.push_row({
            let mut row = vec!["合计".to_string()];
            row.extend(result.experts.iter().map(|_| String::new()));
            row.push(opt(b.total.or(b.evaluated_price)));
            row
        });
        r.table(t.striped(true));
    }
    r.note(format!(
        "注：括号内为按评标办法去掉的最高或最低分。评委：{}。",
        result
            .experts
            .iter()
            .map(|e| expert_name(e))
            .collect::<Vec<_>>()
            .join("、")
    ));

    r.heading(1, "六、表决事项");
    if motions.is_empty() {
        r.paragraph("评审过程中未提请表决。");
    }
    for (i, m) in motions.iter().enumerate() {
        let about = m
            .motion
            .bidder_id
            .as_deref()
            .map(|b| format!("（涉及 {b} {}）", name_of(b)))
            .unwrap_or_default();
        r.heading(
            2,
            format!("表决 {}：{}{about}", i + 1, m.motion.kind.name_zh()),
        );
        r.key_values([
            ("事项", m.motion.text.clone()),
            (
                "提议",
                format!(
                    "{}，{}",
                    expert_name(&m.motion.proposer_id),
                    beijing(m.proposed_at, false)
                ),
            ),
            ("选项", m.motion.options.join(" / ")),
            (
                "表决",
                if m.votes.is_empty() {
                    "尚无人表决".to_string()
                } else {
                    m.votes
                        .iter()
                        .map(|v| format!("{}：{}", expert_name(&v.voter_id), v.option))
                        .collect::<Vec<_>>()
                        .join("；")
                },
            ),
            ("结果", m.outcome_zh.clone()),
        ]);
    }

    r.heading(1, "七、澄清");
    if clarifications.is_empty() {
        r.paragraph("评审过程中未要求投标人澄清。");
    }
    for (i, c) in clarifications.iter().enumerate() {
        let q = &c.question;
        r.heading(
            2,
            format!("澄清 {}：{} {}", i + 1, q.bidder_id, name_of(&q.bidder_id)),
        );
        let (status, answer) = match (&c.answer, c.state) {
            (Some(a), _) => (
                format!(
                    "已答复，平台签收于 {}（投标人以数字证书签名）",
                    beijing(a.received_at, true)
                ),
                a.answer.text.clone(),
            ),
            (None, ClarificationState::Expired) => {
                ("截止时间前未收到答复".to_string(), "—".to_string())
            }
            (None, _) => ("等待答复".to_string(), "—".to_string()),
        };
        r.key_values([
            (
                "提问",
                format!(
                    "{}，{}",
                    if q.by_platform() {
                        pingshen_api::PLATFORM_ASKER_ZH.to_string()
                    } else {
                        expert_name(&q.asked_by)
                    },
                    beijing(c.asked_at, false)
                ),
            ),
            ("问题", q.text.clone()),
            ("截止时间", beijing(q.deadline, false)),
            ("状态", status),
            ("答复", answer),
        ]);
    }

    r.heading(1, "八、评审中发现的问题");
    if result.flags.is_empty() {
        r.paragraph("无。");
    } else {
        for f in &result.flags {
            r.paragraph(format!(
                "{}{}",
                if f.blocking { "【须处理】" } else { "" },
                f.message_zh
            ));
        }
    }

    r.heading(1, "九、推荐中标候选人排序");
    let mut rank = Table::new(vec![
        Column::numeric("名次", 0.7),
        Column::new("投标人", 4.0),
        Column::numeric("得分 / 评审价", 1.6),
    ]);
    for e in &result.ranking.entries {
        rank.push_row([
            e.rank.to_string(),
            format!("{} {}", e.bidder, name_of(&e.bidder)),
            e.key.to_string(),
        ]);
    }
    r.table(rank.striped(true));
    for line in &result.prose_zh {
        r.paragraph(line.clone());
    }
    r.note(format!(
        "本报告依据 {} 份已签名评分表生成。评标委员会成员以数字证书对本报告的 SHA-256 哈希签名确认；签名与平台回执见评标档案包，可用 pingshen verify 核验。",
        sheets.len()
    ));
    r.render()
        .map_err(|e| PlatformError::Internal(format!("评标报告生成失败：{e}")))
}
