//! A read-only view of evaluation rules (评标办法): criteria by stage,
//! factors by group with their maxima and guidance, the price method and the
//! panel's rules in words. Experts see published rules this way; the staff
//! editor uses it as its preview.

use leptos::prelude::*;
use pingshen_rules::{
    AdjustmentUnit, Aggregation, Benchmark, ComponentSource, Decimal, Factor, FactorKind, Group,
    KApply, KRule, Method, PriceMethod, Rules, Stage,
};

/// Parses `toml` and shows it; a file that does not validate shows its
/// diagnostics instead (published rules always validate).
#[component]
pub fn RulesView(toml: String) -> impl IntoView {
    match Rules::from_toml(&toml) {
        Ok(rules) => view! { <RulesBody rules=rules /> }.into_any(),
        Err(e) => view! {
            <div class="rules-view rv-invalid" role="alert">
                <strong>"评标办法无法解析"</strong>
                <ul>
                    {e.0.into_iter().map(|d| view! { <li>{d.to_string()}</li> }).collect_view()}
                </ul>
            </div>
        }
        .into_any(),
    }
}

#[component]
pub fn RulesBody(rules: Rules) -> impl IntoView {
    let m = &rules.meta;
    let total = m.total.map(|t| format!("总分 {} 分", num(t)));
    let price = price_lines(&rules);
    let panel = panel_lines(&rules);
    view! {
        <article class="rules-view">
            <header class="rv-head">
                <h2 class="rv-title">{m.name.clone()}</h2>
                <div class="rv-tags">
                    <span class="rv-tag rv-method">{m.method.name_zh()}</span>
                    {total.map(|t| view! { <span class="rv-tag">{t}</span> })}
                    {m.category.clone().map(|c| view! { <span class="rv-tag rv-plain">{c}</span> })}
                </div>
                {m.description.clone().map(|d| view! { <p class="muted rv-desc">{d}</p> })}
            </header>
            <section class="rv-section">
                <h3>"初步评审"<span class="rv-note">"任一项不符合即否决；过半数评委认定不符合为准"</span></h3>
                <div class="rv-stages">
                    {[Stage::Form, Stage::Qualification, Stage::Responsiveness]
                        .into_iter()
                        .map(|s| view! { <CriteriaColumn rules=rules.clone() stage=s /> })
                        .collect_view()}
                </div>
            </section>
            {(!rules.factors.is_empty()).then(|| view! {
                <section class="rv-section">
                    <h3>"详细评审"</h3>
                    {Group::ALL
                        .into_iter()
                        .map(|g| view! { <FactorGroup rules=rules.clone() group=g /> })
                        .collect_view()}
                </section>
            })}
            {(!price.is_empty()).then(|| view! {
                <section class="rv-section rv-price">
                    <h3>"价格分计算方法"</h3>
                    <ol class="rv-lines">{price.into_iter().map(|l| view! { <li>{l}</li> }).collect_view()}</ol>
                </section>
            })}
            <section class="rv-section">
                <h3>"评委会与排序"</h3>
                <ul class="rv-lines">{panel.into_iter().map(|l| view! { <li>{l}</li> }).collect_view()}</ul>
            </section>
        </article>
    }
}

#[component]
fn CriteriaColumn(rules: Rules, stage: Stage) -> impl IntoView {
    let list: Vec<_> = rules
        .preliminary
        .into_iter()
        .filter(|c| c.stage == stage)
        .collect();
    (!list.is_empty()).then(|| {
        view! {
            <div class="rv-stage">
                <h4>{stage.name_zh()}<span class="rv-count">{format!("{} 项", list.len())}</span></h4>
                <ol>
                    {list
                        .into_iter()
                        .map(|c| view! {
                            <li>
                                {c.name}
                                {c.guidance.map(|g| view! { <div class="rv-guidance">{g}</div> })}
                            </li>
                        })
                        .collect_view()}
                </ol>
            </div>
        }
    })
}

#[component]
fn FactorGroup(rules: Rules, group: Group) -> impl IntoView {
    let list: Vec<Factor> = rules
        .factors
        .into_iter()
        .filter(|f| f.group == group)
        .collect();
    let sum: Decimal = list.iter().map(|f| f.max).sum();
    (!list.is_empty()).then(|| {
        view! {
            <div class="rv-group">
                <h4>{group.name_zh()}<span class="rv-count">{format!("{} 分", num(sum))}</span></h4>
                <table class="rv-factors">
                    <tbody>
                        {list.into_iter().map(|f| view! { <FactorRow factor=f /> }).collect_view()}
                    </tbody>
                </table>
            </div>
        }
    })
}

#[component]
fn FactorRow(factor: Factor) -> impl IntoView {
    let how = kind_zh(&factor);
    let items = kind_items(&factor);
    view! {
        <tr>
            <td class="rv-fname">
                {factor.name.clone()}
                {factor.objective.then(|| view! { <span class="rv-obj" title="各评委评分必须一致">"客观"</span> })}
                {factor.guidance.clone().map(|g| view! { <div class="rv-guidance">{g}</div> })}
            </td>
            <td class="rv-how">
                {how}
                {(!items.is_empty()).then(|| view! {
                    <ul class="rv-items">{items.into_iter().map(|i| view! { <li>{i}</li> }).collect_view()}</ul>
                })}
            </td>
            <td class="rv-max num">{format!("{} 分", num(factor.max))}</td>
        </tr>
    }
}

/// A decimal as people write it: "6", "0.5", never "6.00".
pub fn num(d: Decimal) -> String {
    d.normalize().to_string()
}

fn percent(d: Decimal) -> String {
    format!("{}%", num(d * Decimal::ONE_HUNDRED))
}

/// How a factor is scored, in one phrase.
pub fn kind_zh(f: &Factor) -> String {
    match &f.kind {
        FactorKind::Range { min, step } => {
            format!(
                "区间打分 {}～{} 分，步长 {}",
                num(*min),
                num(f.max),
                num(*step)
            )
        }
        FactorKind::Options(o) => format!("档次打分（{} 档）", o.len()),
        FactorKind::Deductions(_) => "扣分制，扣完为止".to_string(),
        FactorKind::PassFail => "符合得满分，不符合得 0 分".to_string(),
        FactorKind::Price => "按价格分计算方法".to_string(),
        FactorKind::Credit(c) => format!(
            "按平台信用记录计算：等级得分，近 {} 日内每条不良行为记录扣 {} 分，最多扣 {} 分",
            c.lookback_days,
            num(c.per_record),
            num(c.cap)
        ),
    }
}

/// The options or deduction items of a factor, one line each.
pub fn kind_items(f: &Factor) -> Vec<String> {
    match &f.kind {
        FactorKind::Options(o) => o
            .iter()
            .map(|x| format!("{}：{} 分", x.label, num(x.points)))
            .collect(),
        FactorKind::Deductions(d) => d
            .iter()
            .map(|x| match x.max_times {
                Some(n) => format!("{}：每项扣 {} 分，最多 {n} 项", x.label, num(x.points)),
                None => format!("{}：每项扣 {} 分", x.label, num(x.points)),
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// The price method in words, one step per line.
pub fn price_lines(rules: &Rules) -> Vec<String> {
    let Some(price) = &rules.price else {
        return Vec::new();
    };
    let full = rules.price_factor().map(|f| num(f.max));
    let mut out = Vec::new();
    match &price.method {
        PriceMethod::LowestPrice => {
            out.push("评标基准价为满足招标文件要求的最低有效报价。".to_string());
            out.push(format!(
                "价格分 = 评标基准价 ÷ 投标报价 × {} 分。",
                full.unwrap_or_else(|| "满分".into())
            ));
        }
        PriceMethod::Deviation {
            benchmark,
            k,
            deviation,
        } => {
            out.push(benchmark_line(benchmark, k.as_ref()));
            out.extend(trim_lines(benchmark));
            let rate = format!(
                "偏差率 = (投标报价 − 评标基准价) ÷ 评标基准价 × 100%，保留 {} 位小数",
                rules.rounding.percent
            );
            out.push(if deviation.whole_percent {
                format!("{rate}；每满 1% 扣分，不足 1% 不扣。")
            } else {
                format!("{rate}。")
            });
            out.push(side_line(
                "高于",
                deviation.above_per_percent,
                deviation.above_cap,
            ));
            out.push(side_line(
                "低于",
                deviation.below_per_percent,
                deviation.below_cap,
            ));
            out.push(format!(
                "价格分 = {} 分 − 扣分，最低 {} 分。",
                full.unwrap_or_else(|| "满分".into()),
                num(deviation.floor)
            ));
        }
        PriceMethod::EvaluatedPrice => {
            out.push("经评审的投标价 = 投标报价 + 各项价格折算。".to_string());
            for a in &rules.adjustments {
                out.push(adjustment_line(a));
            }
            out.push("通过初步评审的投标人按经评审的投标价由低到高排序。".to_string());
        }
    }
    out.push(match price.ceiling {
        Some(c) => format!("最高投标限价 {} 元，高于限价的报价无效。", num(c)),
        None => "高于最高投标限价（随项目给出）的报价无效。".to_string(),
    });
    if let Some(a) = &rules.abnormally_low {
        let when: Vec<String> = a
            .triggers()
            .map(|(t, r)| {
                format!(
                    "低于{}的 {}%",
                    t.reference_zh(),
                    num(r * Decimal::ONE_HUNDRED)
                )
            })
            .collect();
        out.push(format!(
            "异常低价审查：有效报价{}的，评标委员会推选出组长后，平台即书面要求该投标人在 {} 小时内说明报价的合理性，由评标委员会表决采纳说明或否决投标。",
            when.join("或"),
            a.answer_hours()
        ));
    }
    out
}

fn benchmark_line(b: &Benchmark, k: Option<&KRule>) -> String {
    let base = match b.components.as_slice() {
        [one] if one.weight == Decimal::ONE => one.source.name_zh().to_string(),
        parts => {
            let sum = parts
                .iter()
                .map(|c| format!("{} × {}", c.source.name_zh(), num(c.weight)))
                .collect::<Vec<_>>()
                .join(" + ");
            format!("({sum})")
        }
    };
    match k {
        None => format!("评标基准价 = {base}。"),
        Some(k) => {
            let (formula, show): (&str, fn(Decimal) -> String) = match k.apply {
                KApply::Discount => ("× (1 − K)", percent),
                KApply::Multiply => ("× K", num),
            };
            format!(
                "评标基准价 = {base} {formula}，K 于开标时在 {}～{} 之间按 {} 抽取。",
                show(k.min),
                show(k.max),
                show(k.step)
            )
        }
    }
}

fn trim_lines(b: &Benchmark) -> Vec<String> {
    let trims = b
        .components
        .iter()
        .any(|c| c.source == ComponentSource::TrimmedMean);
    if !trims {
        return Vec::new();
    }
    b.trim
        .iter()
        .map(|t| {
            let count = match t.max_bids {
                Some(max) if max == t.min_bids => format!("有效报价 {max} 家"),
                Some(max) => format!("有效报价 {}～{max} 家", t.min_bids),
                None => format!("有效报价 {} 家及以上", t.min_bids),
            };
            let drop = match (t.drop_highest, t.drop_lowest) {
                (0, 0) => "不去除".to_string(),
                (h, 0) => format!("去掉最高 {h} 家"),
                (0, l) => format!("去掉最低 {l} 家"),
                (h, l) => format!("去掉最高 {h} 家和最低 {l} 家"),
            };
            format!("{count}：{drop}后平均。")
        })
        .collect()
}

fn side_line(side: &str, per: Decimal, cap: Option<Decimal>) -> String {
    match cap {
        Some(c) => format!(
            "投标报价每{side}评标基准价 1%，扣 {} 分，最多扣 {} 分。",
            num(per),
            num(c)
        ),
        None => format!("投标报价每{side}评标基准价 1%，扣 {} 分。", num(per)),
    }
}

fn adjustment_line(a: &pingshen_rules::Adjustment) -> String {
    let up = a.per_unit >= Decimal::ZERO;
    let amount = a.per_unit.abs();
    let what = match a.unit {
        AdjustmentUnit::PercentOfPrice => format!("投标报价的 {}%", num(amount)),
        AdjustmentUnit::Amount => format!("{} 元", num(amount)),
    };
    let dir = if up { "增加" } else { "减少" };
    let limit = a
        .max_quantity
        .map(|q| format!("，最多 {} 项", num(q)))
        .unwrap_or_default();
    format!("{}：每项{dir}{what}{limit}。", a.name)
}

fn panel_lines(rules: &Rules) -> Vec<String> {
    let p = &rules.panel;
    let mut out = vec![format!("评标委员会 {} 人。", p.size)];
    if rules.meta.method == Method::Comprehensive {
        out.push(match (p.aggregation, p.drop_extremes_min_size) {
            (Aggregation::DropExtremes, Some(n)) => format!(
                "主观分取各评委评分的算术平均值；评委 {n} 人及以上时去掉一个最高分和一个最低分后平均。"
            ),
            (Aggregation::DropExtremes, None) => {
                "主观分去掉一个最高分和一个最低分后取算术平均值。".to_string()
            }
            (Aggregation::Mean, _) => "主观分取各评委评分的算术平均值。".to_string(),
        });
        if rules.factors.iter().any(|f| f.objective) {
            out.push("客观分各评委评分必须一致，不一致的须更正。".to_string());
        }
    }
    if let Some(t) = p.deviation_threshold {
        out.push(format!(
            "评委评分偏离全体评委平均分 {} 以上的，须书面说明理由。",
            percent(t)
        ));
    }
    if !rules.tie_break.is_empty() {
        let order = rules
            .tie_break
            .iter()
            .map(|t| t.name_zh())
            .collect::<Vec<_>>()
            .join(" → ");
        out.push(format!("同分时：{order}。"));
    }
    let r = &rules.rounding;
    out.push(format!(
        "得分保留 {} 位小数，金额保留 {} 位小数，均四舍五入。",
        r.points, r.price
    ));
    out
}
