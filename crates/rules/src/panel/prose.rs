//! The panel result in Chinese, for the panel leader and the report.

use super::result::{PanelResult, PanelStatus};
use crate::model::{Method, Rules, TieBreak};

pub(crate) fn render(rules: &Rules, r: &PanelResult) -> Vec<String> {
    let mut out = vec![format!(
        "{}（{}），评标委员会 {} 人：{}。",
        rules.meta.name,
        rules.meta.method.name_zh(),
        r.experts.len(),
        r.experts.join("、")
    )];
    for p in &r.preliminary {
        if let Some(decision) = &p.rejected {
            out.push(format!(
                "投标人 {} {decision}，按初步评审未通过处理。",
                p.bidder
            ));
        }
        for c in p.criteria.iter().filter(|c| c.failed) {
            let name = rules
                .criterion(&c.criterion)
                .map_or(c.criterion.as_str(), |x| x.name.as_str());
            out.push(format!(
                "投标人 {} 初步评审未通过：“{name}”被 {}/{} 名专家判定不合格。",
                p.bidder, c.fails, c.experts
            ));
        }
    }
    for c in &r.credit {
        out.push(format!("信用分（{}）：{}", c.factor, c.prose_zh));
    }
    for f in &r.flags {
        let tag = if f.blocking {
            "【须处理】"
        } else {
            "【提示】"
        };
        out.push(format!("{tag}{}", f.message_zh));
    }
    match r.method {
        Method::Qualification => {
            out.push(format!("合格的投标人：{}。", list_or_none(&r.qualified)));
        }
        method => {
            for step in &r.ranking.trace {
                if step.rule == TieBreak::Lots {
                    let drawn = step.groups.iter().all(|g| g.len() == 1);
                    out.push(if drawn {
                        format!(
                            "{} 同分，按记录的抽签结果：{}。",
                            step.bidders.join("、"),
                            step.groups
                                .iter()
                                .map(|g| g.join(""))
                                .collect::<Vec<_>>()
                                .join(" > ")
                        )
                    } else {
                        format!(
                            "{} 同分，须抽签决定，尚未记录抽签结果。",
                            step.bidders.join("、")
                        )
                    });
                    continue;
                }
                let values = step
                    .values
                    .iter()
                    .map(|v| format!("{} {}", v.bidder, v.value))
                    .collect::<Vec<_>>()
                    .join("，");
                let order = step
                    .groups
                    .iter()
                    .map(|g| g.join("="))
                    .collect::<Vec<_>>()
                    .join(" > ");
                out.push(format!(
                    "{} 同分，按“{}”{}：{order}。",
                    step.bidders.join("、"),
                    step.rule.name_zh(),
                    if values.is_empty() {
                        String::new()
                    } else {
                        format!("（{values}）")
                    }
                ));
            }
            let what = if method == Method::Comprehensive {
                "总分"
            } else {
                "经评审的投标价"
            };
            for e in &r.ranking.entries {
                out.push(format!(
                    "第 {} 名：{}，{what} {}。",
                    e.rank, e.bidder, e.key
                ));
            }
        }
    }
    out.push(match r.status {
        PanelStatus::Final => "汇总结果为最终结果。".to_string(),
        PanelStatus::Provisional => "汇总结果为暂定结果：须先处理上述事项。".to_string(),
    });
    out
}

fn list_or_none(v: &[String]) -> String {
    if v.is_empty() {
        "无".to_string()
    } else {
        v.join("、")
    }
}
