//! The explanation in Chinese, one sentence per step, for people.

use super::outcome::{BenchmarkTrace, MeanTrace, PriceExplanation, PricedBid, ScoreTrace};
use crate::model::KApply;
use rust_decimal::Decimal;

pub(crate) fn render(e: &PriceExplanation) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(c) = e.ceiling {
        out.push(format!("最高投标限价为 {c} 元。"));
    }
    for x in &e.excluded {
        out.push(format!(
            "{} 报价 {} 元，{}，不作为有效报价。",
            x.bidder,
            x.price,
            x.reason.name_zh()
        ));
    }
    if e.valid.is_empty() {
        out.push("没有有效报价，不计算价格分。".to_string());
        return out;
    }
    out.push(format!(
        "有效报价 {} 家（由低到高）：{}。",
        e.valid.len(),
        list(&e.valid)
    ));
    match &e.benchmark {
        Some(BenchmarkTrace::Lowest { bidder, value }) => out.push(format!(
            "评标基准价 B 为最低有效报价：{bidder} 的 {value} 元。"
        )),
        Some(BenchmarkTrace::Weighted {
            components,
            weighted_sum,
            k,
            value,
        }) => {
            for c in components {
                if let Some(m) = &c.mean {
                    out.push(mean_sentence(m));
                }
                out.push(format!(
                    "{} = {} 元，权重 {}。",
                    c.source.name_zh(),
                    c.value,
                    c.weight
                ));
            }
            match k {
                Some(k) => {
                    let how = match k.apply {
                        KApply::Discount => {
                            format!("× (1 − {}) = {weighted_sum} × {}", k.k, k.factor)
                        }
                        KApply::Multiply => format!("× K = {weighted_sum} × {}", k.k),
                    };
                    out.push(format!(
                        "开标抽取 K = {}，评标基准价 B = 加权值 {how} = {value} 元（保留 {} 位小数）。",
                        k.k, e.rounding.price
                    ));
                }
                None => out.push(format!(
                    "评标基准价 B = 加权值 {weighted_sum} = {value} 元（保留 {} 位小数）。",
                    e.rounding.price
                )),
            }
        }
        None => {}
    }
    for s in &e.scores {
        out.push(score_sentence(s, e.rounding.percent));
    }
    if e.method == "evaluated_price" {
        out.push("本方法不计价格分，按经评审的投标价由低到高排序。".to_string());
    }
    out
}

fn list(bids: &[PricedBid]) -> String {
    bids.iter()
        .map(|b| format!("{} {}", b.bidder, b.price))
        .collect::<Vec<_>>()
        .join("，")
}

fn mean_sentence(m: &MeanTrace) -> String {
    let mut s = format!("有效报价 {} 家，", m.count);
    if m.dropped_highest.is_empty() && m.dropped_lowest.is_empty() {
        s.push_str("不去除最高和最低报价，");
    } else {
        if !m.dropped_highest.is_empty() {
            s.push_str(&format!("去掉最高报价 {}，", list(&m.dropped_highest)));
        }
        if !m.dropped_lowest.is_empty() {
            s.push_str(&format!("去掉最低报价 {}，", list(&m.dropped_lowest)));
        }
    }
    s.push_str(&format!(
        "参与平均的 {} 家合计 {} 元，平均值 = {} ÷ {} = {} 元。",
        m.kept.len(),
        m.sum,
        m.sum,
        m.kept.len(),
        m.mean
    ));
    s
}

fn score_sentence(s: &ScoreTrace, percent_dp: u32) -> String {
    match s {
        ScoreTrace::LowestPrice {
            bidder,
            price,
            benchmark,
            full,
            score,
        } => format!(
            "{bidder}：价格分 = B ÷ P × {full} = {benchmark} ÷ {price} × {full} = {score} 分。"
        ),
        ScoreTrace::Deviation {
            bidder,
            price,
            benchmark,
            deviation_percent,
            whole_percent,
            counted_percent,
            per_percent,
            raw_deduction,
            cap,
            deduction,
            floor,
            full,
            score,
        } => {
            let mut t = format!(
                "{bidder}：偏差率 = ({price} − {benchmark}) ÷ {benchmark} × 100% = {}%（保留 {percent_dp} 位小数）",
                signed(*deviation_percent)
            );
            if deviation_percent.is_zero() {
                t.push_str(&format!("，等于基准价，不扣分，得 {score} 分。"));
                return t;
            }
            let side = if *deviation_percent > Decimal::ZERO {
                "高于"
            } else {
                "低于"
            };
            if *whole_percent {
                t.push_str(&format!("，按整百分点计 {counted_percent}"));
            }
            t.push_str(&format!(
                "，{side}基准价，扣 {counted_percent} × {per_percent} = {raw_deduction} 分"
            ));
            if let Some(c) = cap {
                if raw_deduction > c {
                    t.push_str(&format!("，超过扣分上限 {c}，按 {deduction} 分扣"));
                }
            }
            t.push_str(&format!("；得分 = {full} − {deduction}"));
            if *score == *floor && full - deduction < *floor {
                t.push_str(&format!("，低于最低分，按 {floor} 分计"));
            }
            t.push_str(&format!(" = {score} 分。"));
            t
        }
    }
}

fn signed(d: Decimal) -> String {
    if d > Decimal::ZERO {
        format!("+{d}")
    } else {
        d.to_string()
    }
}
