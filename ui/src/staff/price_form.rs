//! The structured form for the price method's parameters: the ceiling, the
//! benchmark's components and trimming table, K, the deviation deductions,
//! the price adjustments of the lowest-evaluated-price method, and when a
//! price must be reviewed as abnormally low (`[abnormally_low]`).

use crate::rules_view::price_lines;
use crate::staff::draft::Draft;
use crate::staff::fields::{
    CheckInput, CountInput, DecimalInput, FieldDiagnostics, OptDecimalInput, TextInput,
};
use leptos::prelude::*;
use pingshen_rules::{
    AbnormallyLow, Adjustment, AdjustmentUnit, Benchmark, Component, ComponentSource, Decimal,
    DeviationRule, KApply, KRule, PriceMethod, PriceRule, Rules, TrimBand,
};

#[component]
pub fn PriceForm(draft: Draft) -> impl IntoView {
    move || {
        draft.generation.track();
        draft
            .form
            .get_untracked()
            .map(|rules| view! { <PriceBody draft=draft rules=rules /> })
    }
}

#[component]
fn PriceBody(draft: Draft, rules: Rules) -> impl IntoView {
    let summary = move || {
        draft
            .form
            .with(|f| f.as_ref().map(price_lines).unwrap_or_default())
            .into_iter()
            .map(|l| view! { <li>{l}</li> })
            .collect_view()
    };
    let Some(price) = rules.price.clone() else {
        return view! { <p class="muted">"此评标办法不计价格分（合格制）。"</p> }.into_any();
    };
    let method = match &price.method {
        PriceMethod::LowestPrice => view! {
            <p class="muted">"低价优先法没有其他参数：满足要求的最低有效报价为评标基准价。"</p>
        }
        .into_any(),
        PriceMethod::Deviation {
            benchmark,
            k,
            deviation,
        } => view! {
            <BenchmarkFields draft=draft benchmark=benchmark.clone() />
            <KFields draft=draft k=*k />
            <DeviationFields draft=draft rule=*deviation />
        }
        .into_any(),
        PriceMethod::EvaluatedPrice => {
            view! { <AdjustmentFields draft=draft list=rules.adjustments.clone() /> }.into_any()
        }
    };
    view! {
        <div class="price-summary" id="price-summary">
            <h4>{format!("计算方法（{}）", method_zh(&price.method))}</h4>
            <ol>{summary}</ol>
        </div>
        <div class="form-block">
            <label class="inline">
                <span>"最高投标限价（元）"</span>
                <OptDecimalInput id="price-ceiling".into() value=price.ceiling class="money-input"
                    placeholder="留空：使用项目的最高投标限价"
                    on_set=Callback::new(move |v| edit_price(draft, |p| p.ceiling = v)) />
            </label>
            <FieldDiagnostics draft=draft prefix="price.ceiling".into() />
            <FieldDiagnostics draft=draft prefix="price.method".into() />
        </div>
        {method}
        <AbnormalFields draft=draft section=rules.abnormally_low.clone().unwrap_or_default() />
    }
    .into_any()
}

/// The abnormal-price triggers: each ratio optional (empty = not applied);
/// with none set the section is left out of the rules.
#[component]
fn AbnormalFields(draft: Draft, section: AbnormallyLow) -> impl IntoView {
    fn edit(draft: Draft, change: impl FnOnce(&mut AbnormallyLow)) {
        draft.edit_form(|r| {
            let mut s = r.abnormally_low.take().unwrap_or_default();
            change(&mut s);
            r.abnormally_low = s.triggers().next().is_some().then_some(s);
        })
    }
    let ratio = |id: &'static str,
                 label: &'static str,
                 value: Option<Decimal>,
                 set: fn(&mut AbnormallyLow, Option<Decimal>)| {
        view! {
            <label class="inline">
                <span>{label}</span>
                <OptDecimalInput id=id.to_string() value=value placeholder="不设"
                    on_set=Callback::new(move |v| edit(draft, |s| set(s, v))) />
            </label>
        }
    };
    view! {
        <h4 class="form-heading">"异常低价审查（启动条件）"</h4>
        <div class="form-block" id="abnormal-fields">
            <p class="muted">"比例为 0–1 之间的小数（0.50 即 50%）。有效报价低于任一条件时，评标委员会推选出组长后，平台即书面要求该投标人在期限内说明报价的合理性，再由评标委员会表决。三项均留空则不设异常低价审查。"</p>
            {ratio("abnormal-mean", "低于全部有效报价平均值的比例", section.below_mean_ratio, |s, v| s.below_mean_ratio = v)}
            {ratio("abnormal-second", "最低报价低于次低报价的比例", section.below_second_lowest_ratio, |s, v| s.below_second_lowest_ratio = v)}
            {ratio("abnormal-ceiling", "低于最高投标限价的比例", section.below_ceiling_ratio, |s, v| s.below_ceiling_ratio = v)}
            <label class="inline">
                <span>"书面说明期限（小时）"</span>
                <CountInput id="abnormal-hours".to_string() value=section.answer_hours optional=true
                    placeholder="留空：24"
                    on_set=Callback::new(move |v| edit(draft, |s| s.answer_hours = v)) />
            </label>
            <FieldDiagnostics draft=draft prefix="abnormally_low".into() />
        </div>
    }
}

fn method_zh(m: &PriceMethod) -> &'static str {
    match m {
        PriceMethod::LowestPrice => "低价优先法",
        PriceMethod::Deviation { .. } => "基准价偏差扣分法",
        PriceMethod::EvaluatedPrice => "经评审的最低投标价法",
    }
}

fn edit_price(draft: Draft, change: impl FnOnce(&mut PriceRule)) {
    draft.edit_form(|r| {
        if let Some(p) = r.price.as_mut() {
            change(p);
        }
    })
}

fn edit_deviation(
    draft: Draft,
    change: impl FnOnce(&mut Benchmark, &mut Option<KRule>, &mut DeviationRule),
) {
    edit_price(draft, |p| {
        if let PriceMethod::Deviation {
            benchmark,
            k,
            deviation,
        } = &mut p.method
        {
            change(benchmark, k, deviation);
        }
    })
}

fn restructure_benchmark(draft: Draft, change: impl FnOnce(&mut Benchmark)) {
    draft.restructure(|r| {
        if let Some(PriceRule {
            method: PriceMethod::Deviation { benchmark, .. },
            ..
        }) = r.price.as_mut()
        {
            change(benchmark);
        }
    })
}

#[component]
fn BenchmarkFields(draft: Draft, benchmark: Benchmark) -> impl IntoView {
    let components = benchmark
        .components
        .iter()
        .copied()
        .enumerate()
        .map(|(i, c)| view! { <ComponentRow draft=draft index=i component=c /> })
        .collect_view();
    let bands = benchmark
        .trim
        .iter()
        .copied()
        .enumerate()
        .map(|(i, t)| view! { <TrimRow draft=draft index=i band=t /> })
        .collect_view();
    view! {
        <h4 class="form-heading">"评标基准价组成"</h4>
        <table class="grid compact" id="benchmark-components">
            <thead><tr><th>"来源"</th><th class="num">"权重"</th><th></th></tr></thead>
            <tbody>{components}</tbody>
        </table>
        <div class="row-actions">
            <button class="secondary" id="add-component"
                on:click=move |_| restructure_benchmark(draft, |b| b.components.push(Component {
                    source: ComponentSource::Mean,
                    weight: Decimal::ZERO,
                }))>"＋ 添加组成部分"</button>
            <span class="muted">"权重之和须为 1"</span>
        </div>
        <FieldDiagnostics draft=draft prefix="price.benchmark.components".into() />
        <h4 class="form-heading">"按有效报价家数去高去低"</h4>
        <table class="grid compact" id="trim-bands">
            <thead>
                <tr>
                    <th>"有效报价家数（自）"</th><th>"至（空为以上）"</th>
                    <th>"去掉最高（家）"</th><th>"去掉最低（家）"</th><th></th>
                </tr>
            </thead>
            <tbody>{bands}</tbody>
        </table>
        <div class="row-actions">
            <button class="secondary" id="add-trim-band"
                on:click=move |_| restructure_benchmark(draft, |b| {
                    let next = b.trim.iter().map(|t| t.max_bids.unwrap_or(t.min_bids) + 1).max().unwrap_or(1);
                    b.trim.push(TrimBand { min_bids: next, max_bids: None, drop_highest: 0, drop_lowest: 0 });
                })>"＋ 添加分段"</button>
            <span class="muted">"分段须从 1 家起连续覆盖，最后一段可不填上限"</span>
        </div>
        <FieldDiagnostics draft=draft prefix="price.benchmark.trim".into() />
    }
}

#[component]
fn ComponentRow(draft: Draft, index: usize, component: Component) -> impl IntoView {
    let i = index;
    let edit = move |change: Box<dyn FnOnce(&mut Component)>| {
        edit_deviation(draft, move |b, _, _| {
            if let Some(c) = b.components.get_mut(i) {
                change(c);
            }
        })
    };
    let sources = [
        (ComponentSource::TrimmedMean, "trimmed_mean"),
        (ComponentSource::Mean, "mean"),
        (ComponentSource::Lowest, "lowest"),
        (ComponentSource::Ceiling, "ceiling"),
    ];
    view! {
        <tr>
            <td>
                <select id=format!("component-{i}-source")
                    on:change=move |ev| {
                        let key = event_target_value(&ev);
                        if let Some((s, _)) = sources.iter().find(|(_, k)| *k == key) {
                            let s = *s;
                            edit(Box::new(move |c| c.source = s));
                        }
                    }>
                    {sources
                        .iter()
                        .map(|(s, k)| view! {
                            <option value=*k selected=*s == component.source>{s.name_zh()}</option>
                        })
                        .collect_view()}
                </select>
            </td>
            <td class="num">
                <DecimalInput id=format!("component-{i}-weight") value=component.weight
                    on_set=Callback::new(move |v| edit(Box::new(move |c| c.weight = v))) />
            </td>
            <td>
                <button class="icon" title="删除" on:click=move |_| restructure_benchmark(draft, move |b| {
                    if i < b.components.len() {
                        b.components.remove(i);
                    }
                })>"✕"</button>
            </td>
        </tr>
    }
}

#[component]
fn TrimRow(draft: Draft, index: usize, band: TrimBand) -> impl IntoView {
    let i = index;
    let edit = move |change: Box<dyn FnOnce(&mut TrimBand)>| {
        edit_deviation(draft, move |b, _, _| {
            if let Some(t) = b.trim.get_mut(i) {
                change(t);
            }
        })
    };
    view! {
        <tr>
            <td><CountInput id=format!("trim-{i}-min") value=Some(band.min_bids)
                on_set=Callback::new(move |v: Option<u32>| edit(Box::new(move |t| t.min_bids = v.unwrap_or(0)))) /></td>
            <td><CountInput id=format!("trim-{i}-max") value=band.max_bids optional=true placeholder="及以上"
                on_set=Callback::new(move |v| edit(Box::new(move |t| t.max_bids = v))) /></td>
            <td><CountInput id=format!("trim-{i}-high") value=Some(band.drop_highest)
                on_set=Callback::new(move |v: Option<u32>| edit(Box::new(move |t| t.drop_highest = v.unwrap_or(0)))) /></td>
            <td><CountInput id=format!("trim-{i}-low") value=Some(band.drop_lowest)
                on_set=Callback::new(move |v: Option<u32>| edit(Box::new(move |t| t.drop_lowest = v.unwrap_or(0)))) /></td>
            <td>
                <button class="icon" title="删除此分段" on:click=move |_| restructure_benchmark(draft, move |b| {
                    if i < b.trim.len() {
                        b.trim.remove(i);
                    }
                })>"✕"</button>
            </td>
        </tr>
    }
}

#[component]
fn KFields(draft: Draft, k: Option<KRule>) -> impl IntoView {
    let shown = k.unwrap_or(KRule {
        apply: KApply::Discount,
        min: Decimal::ZERO,
        max: Decimal::new(3, 2),
        step: Decimal::new(5, 3),
    });
    let edit = move |change: Box<dyn FnOnce(&mut KRule)>| {
        edit_deviation(draft, move |_, k, _| {
            if let Some(k) = k.as_mut() {
                change(k);
            }
        })
    };
    view! {
        <h4 class="form-heading">"下浮系数 K"</h4>
        <div class="form-block k-grid">
            <label class="inline check">
                <CheckInput id="k-enabled".into() value=k.is_some()
                    on_set=Callback::new(move |on: bool| {
                        edit_deviation(draft, move |_, k, _| *k = on.then_some(shown));
                        draft.generation.update(|g| *g += 1);
                    }) />
                <span>"开标时抽取 K"</span>
            </label>
            {k.map(|k| view! {
                <label class="inline">
                    <span>"用法"</span>
                    <select id="k-apply" on:change=move |ev| {
                        let apply = if event_target_value(&ev) == "multiply" { KApply::Multiply } else { KApply::Discount };
                        edit(Box::new(move |k| k.apply = apply));
                    }>
                        <option value="discount" selected=k.apply == KApply::Discount>"基准价 × (1 − K)"</option>
                        <option value="multiply" selected=k.apply == KApply::Multiply>"基准价 × K"</option>
                    </select>
                </label>
                <label class="inline"><span>"最小"</span>
                    <DecimalInput id="k-min".into() value=k.min
                        on_set=Callback::new(move |v| edit(Box::new(move |k| k.min = v))) /></label>
                <label class="inline"><span>"最大"</span>
                    <DecimalInput id="k-max".into() value=k.max
                        on_set=Callback::new(move |v| edit(Box::new(move |k| k.max = v))) /></label>
                <label class="inline"><span>"步长"</span>
                    <DecimalInput id="k-step".into() value=k.step
                        on_set=Callback::new(move |v| edit(Box::new(move |k| k.step = v))) /></label>
            })}
        </div>
        <FieldDiagnostics draft=draft prefix="price.k".into() />
    }
}

#[component]
fn DeviationFields(draft: Draft, rule: DeviationRule) -> impl IntoView {
    let edit = move |change: Box<dyn FnOnce(&mut DeviationRule)>| {
        edit_deviation(draft, move |_, _, d| change(d))
    };
    view! {
        <h4 class="form-heading">"偏差扣分"</h4>
        <div class="form-block deviation-grid">
            <span>"高于基准价每 1% 扣"</span>
            <DecimalInput id="dev-above".into() value=rule.above_per_percent
                on_set=Callback::new(move |v| edit(Box::new(move |d| d.above_per_percent = v))) />
            <span>"分，最多扣"</span>
            <OptDecimalInput id="dev-above-cap".into() value=rule.above_cap placeholder="不限"
                on_set=Callback::new(move |v| edit(Box::new(move |d| d.above_cap = v))) />
            <span>"分"</span>
            <span>"低于基准价每 1% 扣"</span>
            <DecimalInput id="dev-below".into() value=rule.below_per_percent
                on_set=Callback::new(move |v| edit(Box::new(move |d| d.below_per_percent = v))) />
            <span>"分，最多扣"</span>
            <OptDecimalInput id="dev-below-cap".into() value=rule.below_cap placeholder="不限"
                on_set=Callback::new(move |v| edit(Box::new(move |d| d.below_cap = v))) />
            <span>"分"</span>
            <span>"最低得分"</span>
            <DecimalInput id="dev-floor".into() value=rule.floor
                on_set=Callback::new(move |v| edit(Box::new(move |d| d.floor = v))) />
            <span>"分"</span>
            <label class="inline check span2">
                <CheckInput id="dev-whole".into() value=rule.whole_percent
                    on_set=Callback::new(move |v| edit(Box::new(move |d| d.whole_percent = v))) />
                <span>"每满 1% 扣分，不足 1% 不扣"</span>
            </label>
        </div>
        <FieldDiagnostics draft=draft prefix="price.deviation".into() />
    }
}

#[component]
fn AdjustmentFields(draft: Draft, list: Vec<Adjustment>) -> impl IntoView {
    let rows = list
        .into_iter()
        .enumerate()
        .map(|(i, a)| view! { <AdjustmentRow draft=draft index=i adjustment=a /> })
        .collect_view();
    view! {
        <h4 class="form-heading">"价格折算"</h4>
        <table class="grid compact" id="adjustments">
            <thead>
                <tr>
                    <th>"折算项"</th><th>"单位"</th><th class="num">"每项（负数为减少）"</th>
                    <th class="num">"最多项数"</th><th>"说明"</th><th></th>
                </tr>
            </thead>
            {rows}
        </table>
        <div class="row-actions">
            <button class="secondary" id="add-adjustment" on:click=move |_| draft.restructure(add_adjustment)>
                "＋ 添加折算项"
            </button>
        </div>
    }
}

#[component]
fn AdjustmentRow(draft: Draft, index: usize, adjustment: Adjustment) -> impl IntoView {
    let i = index;
    let a = adjustment;
    let edit = move |change: Box<dyn FnOnce(&mut Adjustment)>| {
        draft.edit_form(move |r| {
            if let Some(a) = r.adjustments.get_mut(i) {
                change(a);
            }
        })
    };
    view! {
        <tbody>
            <tr>
                <td><TextInput id=format!("adj-{i}-name") value=Some(a.name.clone())
                    on_set=Callback::new(move |v: Option<String>| edit(Box::new(move |a| a.name = v.unwrap_or_default()))) />
                    <div class="fid">{a.id.clone()}</div></td>
                <td>
                    <select id=format!("adj-{i}-unit") on:change=move |ev| {
                        let unit = if event_target_value(&ev) == "amount" { AdjustmentUnit::Amount } else { AdjustmentUnit::PercentOfPrice };
                        edit(Box::new(move |a| a.unit = unit));
                    }>
                        <option value="percent_of_price" selected=a.unit == AdjustmentUnit::PercentOfPrice>"投标报价的 %"</option>
                        <option value="amount" selected=a.unit == AdjustmentUnit::Amount>"元"</option>
                    </select>
                </td>
                <td class="num"><DecimalInput id=format!("adj-{i}-per-unit") value=a.per_unit
                    on_set=Callback::new(move |v| edit(Box::new(move |a| a.per_unit = v))) /></td>
                <td class="num"><OptDecimalInput id=format!("adj-{i}-max") value=a.max_quantity placeholder="不限"
                    on_set=Callback::new(move |v| edit(Box::new(move |a| a.max_quantity = v))) /></td>
                <td><TextInput id=format!("adj-{i}-guidance") value=a.guidance.clone() optional=true class="wide-input"
                    on_set=Callback::new(move |v| edit(Box::new(move |a| a.guidance = v))) /></td>
                <td>
                    <button class="icon" title="删除此折算项" on:click=move |_| draft.restructure(move |r| {
                        if i < r.adjustments.len() {
                            r.adjustments.remove(i);
                        }
                    })>"✕"</button>
                </td>
            </tr>
            <tr class="row-diags"><td colspan="6">
                <FieldDiagnostics draft=draft prefix=format!("adjustments[{i}]") />
            </td></tr>
        </tbody>
    }
}

fn add_adjustment(r: &mut Rules) {
    let mut n = 1;
    while r
        .adjustments
        .iter()
        .any(|a| a.id == format!("adj.custom_{n}"))
    {
        n += 1;
    }
    r.adjustments.push(Adjustment {
        id: format!("adj.custom_{n}"),
        name: "新折算项".into(),
        unit: AdjustmentUnit::PercentOfPrice,
        per_unit: Decimal::ONE,
        max_quantity: None,
        guidance: None,
    });
}
