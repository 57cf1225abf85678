//! The structured form for the common edits: the method's name and total,
//! the panel, and each factor's name, group, maximum, step, objective flag
//! and guidance. Options, deduction items and criteria are edited in TOML.

use crate::rules_view::{kind_items, num};
use crate::staff::draft::Draft;
use crate::staff::fields::{
    CheckInput, CountInput, DecimalInput, FieldDiagnostics, OptDecimalInput, TextInput,
};
use leptos::prelude::*;
use pingshen_rules::{Aggregation, Decimal, Factor, FactorKind, Group, Method, Rules};

/// Rebuilt from the model when the draft is replaced or the text changes;
/// form edits only write into the model.
#[component]
pub fn FactorsForm(draft: Draft) -> impl IntoView {
    move || {
        draft.generation.track();
        draft
            .form
            .get_untracked()
            .map(|rules| view! { <FormBody draft=draft rules=rules /> })
    }
}

#[component]
fn FormBody(draft: Draft, rules: Rules) -> impl IntoView {
    let comprehensive = rules.meta.method == Method::Comprehensive;
    let rows = rules
        .factors
        .iter()
        .cloned()
        .enumerate()
        .map(|(i, f)| view! { <FactorRow draft=draft index=i factor=f /> })
        .collect_view();
    view! {
        <div class="form-block meta-grid">
            <label class="wide">
                <span>"评标办法名称"</span>
                <TextInput id="meta-name".into() value=Some(rules.meta.name.clone())
                    class="wide-input"
                    on_set=Callback::new(move |v: Option<String>| {
                        draft.edit_form(|r| r.meta.name = v.unwrap_or_default())
                    }) />
                <FieldDiagnostics draft=draft prefix="meta.name".into() />
            </label>
            <label>
                <span>"评标办法"</span>
                <span class="readonly">{rules.meta.method.name_zh()}</span>
            </label>
            {comprehensive.then(|| view! {
                <label>
                    <span>"总分"</span>
                    <OptDecimalInput id="meta-total".into() value=rules.meta.total
                        on_set=Callback::new(move |v| draft.edit_form(|r| r.meta.total = v)) />
                </label>
            })}
            <label>
                <span>"评委人数"</span>
                <CountInput id="panel-size".into() value=Some(rules.panel.size)
                    on_set=Callback::new(move |v: Option<u32>| {
                        draft.edit_form(|r| r.panel.size = v.unwrap_or(0))
                    }) />
            </label>
            {comprehensive.then(|| view! {
                <label>
                    <span>"主观分汇总"</span>
                    <select id="panel-aggregation"
                        on:change=move |ev| {
                            let a = if event_target_value(&ev) == "drop_extremes" {
                                Aggregation::DropExtremes
                            } else {
                                Aggregation::Mean
                            };
                            draft.edit_form(|r| r.panel.aggregation = a);
                        }>
                        <option value="mean" selected=rules.panel.aggregation == Aggregation::Mean>
                            "算术平均"
                        </option>
                        <option value="drop_extremes"
                            selected=rules.panel.aggregation == Aggregation::DropExtremes>
                            "去掉最高分和最低分后平均"
                        </option>
                    </select>
                </label>
                <label>
                    <span>"去最高最低的最少人数"</span>
                    <CountInput id="panel-drop-min".into() value=rules.panel.drop_extremes_min_size
                        optional=true placeholder="不限"
                        on_set=Callback::new(move |v| {
                            draft.edit_form(|r| r.panel.drop_extremes_min_size = v)
                        }) />
                </label>
                <label>
                    <span>"偏离平均分须说明的比例"</span>
                    <OptDecimalInput id="panel-deviation".into() value=rules.panel.deviation_threshold
                        placeholder="例如 0.30"
                        on_set=Callback::new(move |v| {
                            draft.edit_form(|r| r.panel.deviation_threshold = v)
                        }) />
                </label>
            })}
        </div>
        <div class="field-diags-block" id="meta-diagnostics">
            <FieldDiagnostics draft=draft prefix="meta.total".into() />
            <FieldDiagnostics draft=draft prefix="panel".into() />
        </div>
        {comprehensive.then(|| view! {
            <table class="grid factor-table" id="factor-table">
                <thead>
                    <tr>
                        <th class="idx">"#"</th>
                        <th>"评分因素"</th>
                        <th>"分组"</th>
                        <th>"评分方式"</th>
                        <th class="num">"满分"</th>
                        <th class="num">"步长"</th>
                        <th title="客观分：各评委评分必须一致">"客观"</th>
                        <th>"评分指引"</th>
                        <th></th>
                    </tr>
                </thead>
                {rows}
                <tfoot>
                    <tr>
                        <td colspan="9">
                            <div class="factor-foot">
                                <button class="secondary" id="add-factor"
                                    on:click=move |_| draft.restructure(add_factor)>
                                    "＋ 添加评分因素（区间打分）"
                                </button>
                                <GroupSums draft=draft />
                            </div>
                        </td>
                    </tr>
                </tfoot>
            </table>
        })}
        {(!comprehensive).then(|| view! {
            <p class="muted">"此评标办法没有详细评审打分因素；价格折算见「价格分」。"</p>
        })}
    }
}

#[component]
fn FactorRow(draft: Draft, index: usize, factor: Factor) -> impl IntoView {
    let i = index;
    let id = |field: &str| format!("factor-{i}-{field}");
    let is_price = matches!(factor.kind, FactorKind::Price);
    let step = match factor.kind {
        FactorKind::Range { step, .. } => Some(step),
        _ => None,
    };
    let items = kind_items(&factor).join("\n");
    let prefix = format!("factors[{i}]");
    let diag_prefix = prefix.clone();
    let has_diags = move || {
        draft.check.with(|c| {
            c.as_ref().err().is_some_and(|l| {
                l.iter()
                    .any(|d| crate::staff::draft::path_within(&d.path, &diag_prefix))
            })
        })
    };
    view! {
        <tbody class="factor" data-factor-id=factor.id.clone() class:has-diags=has_diags>
            <tr>
                <td class="idx">{i + 1}</td>
                <td class="fname">
                    <TextInput id=id("name") value=Some(factor.name.clone())
                        on_set=Callback::new(move |v: Option<String>| {
                            edit_factor(draft, i, |f| f.name = v.unwrap_or_default())
                        }) />
                    <div class="fid">{factor.id.clone()}</div>
                </td>
                <td>
                    <select id=id("group") disabled=is_price
                        on:change=move |ev| {
                            let g = group_of(&event_target_value(&ev));
                            edit_factor(draft, i, |f| f.group = g)
                        }>
                        {Group::ALL
                            .into_iter()
                            .map(|g| view! {
                                <option value=group_key(g) selected=factor.group == g>{g.name_zh()}</option>
                            })
                            .collect_view()}
                    </select>
                </td>
                <td class="fkind" title=items>{kind_short(&factor)}</td>
                <td class="num">
                    <DecimalInput id=id("max") value=factor.max
                        on_set=Callback::new(move |v| edit_factor(draft, i, |f| f.max = v)) />
                </td>
                <td class="num">
                    {match step {
                        Some(s) => view! {
                            <DecimalInput id=id("step") value=s
                                on_set=Callback::new(move |v| edit_factor(draft, i, |f| {
                                    if let FactorKind::Range { step, .. } = &mut f.kind {
                                        *step = v;
                                    }
                                })) />
                        }
                        .into_any(),
                        None => view! { <span class="muted">"—"</span> }.into_any(),
                    }}
                </td>
                <td class="center">
                    <CheckInput id=id("objective") value=factor.objective
                        on_set=Callback::new(move |v| edit_factor(draft, i, |f| f.objective = v)) />
                </td>
                <td class="fguide">
                    <TextInput id=id("guidance") value=factor.guidance.clone() optional=true
                        placeholder="评分标准与档次说明" class="wide-input"
                        on_set=Callback::new(move |v: Option<String>| {
                            edit_factor(draft, i, |f| f.guidance = v)
                        }) />
                </td>
                <td>
                    {(!is_price).then(|| view! {
                        <button class="icon" id=id("remove") title="删除此因素"
                            on:click=move |_| draft.restructure(move |r| {
                                if i < r.factors.len() {
                                    r.factors.remove(i);
                                }
                            })>"✕"</button>
                    })}
                </td>
            </tr>
            <tr class="row-diags">
                <td></td>
                <td colspan="8"><FieldDiagnostics draft=draft prefix=prefix /></td>
            </tr>
        </tbody>
    }
}

fn edit_factor(draft: Draft, i: usize, change: impl FnOnce(&mut Factor)) {
    draft.edit_form(move |r| {
        if let Some(f) = r.factors.get_mut(i) {
            change(f);
        }
    })
}

/// Sums of the factor maxima by group, against the stated total.
#[component]
fn GroupSums(draft: Draft) -> impl IntoView {
    move || {
        draft.form.with(|form| {
            let rules = form.as_ref()?;
            let parts: Vec<String> = Group::ALL
                .into_iter()
                .filter_map(|g| {
                    let of_group: Vec<&Factor> =
                        rules.factors.iter().filter(|f| f.group == g).collect();
                    (!of_group.is_empty()).then(|| {
                        let s: Decimal = of_group.iter().map(|f| f.max).sum();
                        format!("{} {}", g.name_zh(), num(s))
                    })
                })
                .collect();
            let sum: Decimal = rules.factors.iter().map(|f| f.max).sum();
            let total = rules.meta.total;
            let matches = total == Some(sum);
            let total_text = total.map(num).unwrap_or_else(|| "未填".into());
            Some(view! {
                <div class="group-sums" id="group-sums" class:bad=!matches>
                    <span>{parts.join(" + ")}</span>
                    <strong>{format!(" = {}", num(sum))}</strong>
                    <span>{format!("（总分 {total_text}）")}</span>
                </div>
            })
        })
    }
}

fn add_factor(r: &mut Rules) {
    let mut n = 1;
    while r
        .factors
        .iter()
        .any(|f| f.id == format!("custom.factor_{n}"))
    {
        n += 1;
    }
    let factor = Factor {
        id: format!("custom.factor_{n}"),
        name: "新评分因素".into(),
        group: Group::Technical,
        max: Decimal::ONE,
        objective: false,
        guidance: None,
        kind: FactorKind::Range {
            min: Decimal::ZERO,
            step: Decimal::new(5, 1),
        },
    };
    // Before the price factor, so the table keeps price last.
    let at = r
        .factors
        .iter()
        .position(|f| matches!(f.kind, FactorKind::Price))
        .unwrap_or(r.factors.len());
    r.factors.insert(at, factor);
}

fn kind_short(f: &Factor) -> String {
    match &f.kind {
        FactorKind::Range { min, .. } if min.is_zero() => "区间打分".into(),
        FactorKind::Range { min, .. } => format!("区间打分（自 {}）", num(*min)),
        FactorKind::Options(o) => format!("档次打分（{} 档）", o.len()),
        FactorKind::Deductions(d) => format!("扣分制（{} 项）", d.len()),
        FactorKind::PassFail => "符合性判定".into(),
        FactorKind::Price => "价格分".into(),
        FactorKind::Credit(_) => "信用分（按信用记录计算）".into(),
    }
}

fn group_key(g: Group) -> &'static str {
    match g {
        Group::Business => "business",
        Group::Technical => "technical",
        Group::Price => "price",
        Group::Other => "other",
    }
}

fn group_of(key: &str) -> Group {
    Group::ALL
        .into_iter()
        .find(|g| group_key(*g) == key)
        .unwrap_or(Group::Other)
}
