//! The document an answer becomes (澄清函及答复): the panel's question and
//! the bidder's signed answer in one deterministic PDF, listed in the
//! project's manifest so every expert syncs it, verified and encrypted, and
//! opens it in the viewer. The signed envelopes themselves stay the record.

use crate::PlatformError;
use pingshen_api::{ClarificationAnswer, ClarificationQuestion, ProjectDetail};
use pingshen_report::{beijing, ReportBuilder, ReportMeta};
use time::OffsetDateTime;

pub fn render(
    project: &ProjectDetail,
    q: &ClarificationQuestion,
    asked_at: OffsetDateTime,
    a: &ClarificationAnswer,
    answered_at: OffsetDateTime,
    signer_subject: &str,
) -> Result<Vec<u8>, PlatformError> {
    let bidder = project
        .bidders
        .iter()
        .find(|b| b.id == a.bidder_id)
        .map(|b| format!("{} {}", b.id, b.name))
        .unwrap_or_else(|| a.bidder_id.clone());
    let mut r = ReportBuilder::new(ReportMeta {
        title: format!("{}澄清函及答复", project.summary.name),
        author: bidder.clone(),
        created: answered_at,
        footer_note: Some(format!(
            "{} · 澄清 {}",
            project.summary.id, q.clarification_id
        )),
    });
    r.title("澄清函及答复")
        .key_values([
            ("项目", format!("{}（{}）", project.summary.name, project.summary.id)),
            ("投标人", bidder),
            ("澄清编号", q.clarification_id.clone()),
            ("提问", format!("{}，{}", q.asker_zh(str::to_string), beijing(asked_at, false))),
            ("答复截止时间", beijing(q.deadline, false)),
        ])
        .heading(
            1,
            if q.by_platform() {
                "一、异常低价说明要求"
            } else {
                "一、评标委员会的问题"
            },
        )
        .paragraph(q.text.clone())
        .heading(1, "二、投标人的答复")
        .paragraph(a.text.clone())
        .key_values([
            ("答复时间（平台签收）", beijing(answered_at, true)),
            ("签名证书", signer_subject.to_string()),
        ])
        .note(
            "澄清答复不得超出投标文件的范围或者改变投标文件的实质性内容。答复由投标人以数字证书签名，签名文件与平台回执见评标档案包。",
        );
    r.render()
        .map_err(|e| PlatformError::Internal(format!("澄清文件生成失败：{e}")))
}
