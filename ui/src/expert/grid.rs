//! The review grids: 初步评审 (criteria × bidders, pass/fail with a reason on
//! fail) and 详细评审 (factors × bidders, input checked against the rules, a
//! reason for any deduction), with price scores, live totals and the
//! expert's own ranking. Every change is saved at once (autosave).

use crate::confirm::ConfirmButton;
use crate::ipc;
use leptos::prelude::*;
use leptos::task::spawn_local;
use pingshen_api::ipc::Workspace;
use pingshen_rules::cells::{build_sheet, Cell, FACTOR, PRELIMINARY};
use pingshen_rules::{Decimal, Factor, FactorKind, PriceInput, PriceOutcome, PriceRequest, Rules};
use std::str::FromStr;

/// The sheet's cells in the page, saved through the shell on every change.
#[derive(Clone, Copy)]
struct Cells {
    project: StoredValue<String>,
    cells: RwSignal<Vec<Cell>>,
    editable: bool,
    /// Shown next to the grid: 已自动保存 / 保存失败 …
    status: RwSignal<String>,
}

impl Cells {
    fn new(ws: &Workspace) -> Self {
        Cells {
            project: StoredValue::new(ws.project.summary.id.clone()),
            cells: RwSignal::new(ws.cells.clone()),
            editable: ws.sheet_editable,
            status: RwSignal::new(String::new()),
        }
    }

    fn get(&self, kind: &str, bidder: &str, item: &str) -> Option<Cell> {
        self.cells.with(|cs| {
            cs.iter()
                .find(|c| c.kind == kind && c.bidder == bidder && c.item == item)
                .cloned()
        })
    }

    fn value(&self, kind: &str, bidder: &str, item: &str) -> String {
        self.get(kind, bidder, item)
            .map(|c| c.value)
            .unwrap_or_default()
    }

    fn reason(&self, kind: &str, bidder: &str, item: &str) -> String {
        self.get(kind, bidder, item)
            .map(|c| c.reason)
            .unwrap_or_default()
    }

    /// Updates one cell here and saves it (durably) in the shell.
    fn set(
        &self,
        kind: &str,
        bidder: &str,
        item: &str,
        value: Option<String>,
        reason: Option<String>,
    ) {
        if !self.editable {
            return;
        }
        let mut cell = self.get(kind, bidder, item).unwrap_or(Cell {
            kind: kind.to_string(),
            bidder: bidder.to_string(),
            item: item.to_string(),
            value: String::new(),
            reason: String::new(),
        });
        if let Some(v) = value {
            cell.value = v;
        }
        if let Some(r) = reason {
            cell.reason = r;
        }
        self.cells.update(|cs| {
            match cs
                .iter_mut()
                .find(|c| c.kind == cell.kind && c.bidder == cell.bidder && c.item == cell.item)
            {
                Some(c) => *c = cell.clone(),
                None => cs.push(cell.clone()),
            }
        });
        let project = self.project.get_value();
        let status = self.status;
        status.set("正在保存…".into());
        spawn_local(async move {
            match ipc::save_cell(&project, &cell).await {
                Ok(()) => status.set("已自动保存".into()),
                Err(e) => status.set(format!("保存失败：{}（{}）", e.message, e.code)),
            }
        });
    }

    fn rule_cells(&self) -> Vec<Cell> {
        self.cells.get()
    }
}

fn parse_rules(ws: &Workspace) -> Option<Rules> {
    ws.rules
        .as_ref()
        .and_then(|r| Rules::from_toml(&r.toml).ok())
}

fn no_rules() -> AnyView {
    view! { <p class="notice">"尚未取得评标办法，请联网后刷新。"</p> }.into_any()
}

fn read_only_notice(ws: &Workspace) -> Option<AnyView> {
    (!ws.sheet_editable).then(|| {
        view! { <p class="notice" id="sheet-locked">{format!("第 {} 版评分表已签名提交，现为只读。如需更正，请联系工作人员办理评审回退。", ws.sheet_version)}</p> }
            .into_any()
    })
}

/// Enter moves down a column, Shift+Enter up; Ctrl+arrows move anywhere.
fn grid_keys(ev: leptos::ev::KeyboardEvent) {
    use wasm_bindgen::JsCast;
    let Some(target) = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
    else {
        return;
    };
    let Some(pos) = target.get_attribute("data-nav") else {
        return;
    };
    let Some((r, c)) = pos
        .split_once(',')
        .and_then(|(r, c)| Some((r.parse::<i32>().ok()?, c.parse::<i32>().ok()?)))
    else {
        return;
    };
    let (dr, dc) = match (ev.key().as_str(), ev.ctrl_key(), ev.shift_key()) {
        ("Enter", _, false) => (1, 0),
        ("Enter", _, true) => (-1, 0),
        ("ArrowDown", true, _) => (1, 0),
        ("ArrowUp", true, _) => (-1, 0),
        ("ArrowRight", true, _) => (0, 1),
        ("ArrowLeft", true, _) => (0, -1),
        _ => return,
    };
    let next = format!("[data-nav=\"{},{}\"]", r + dr, c + dc);
    if let Some(el) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector(&next).ok().flatten())
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        ev.prevent_default();
        let _ = el.focus();
    }
}

#[component]
pub fn PreliminaryGrid(ws: Workspace) -> impl IntoView {
    let Some(rules) = parse_rules(&ws) else {
        return no_rules();
    };
    let cells = Cells::new(&ws);
    let bidders = ws.project.bidders.clone();
    let header = bidders.iter().map(|b| view! { <th class="bidder-col" title=b.name.clone()>{b.id.clone()}<br/><span class="muted">{short(&b.name)}</span></th> }).collect_view();
    let rows = rules.preliminary.iter().enumerate().map(|(r, c)| {
        let cols = bidders.iter().enumerate().map(|(col, b)| {
            let (bid, crit) = (b.id.clone(), c.id.clone());
            let (bid2, crit2) = (bid.clone(), crit.clone());
            let (bid3, crit3) = (bid.clone(), crit.clone());
            let failed = move || cells.value(PRELIMINARY, &bid3, &crit3) == "fail";
            let failed_class = failed.clone();
            view! {
                <td class:fail=failed_class>
                    <select id=format!("pre-{}-{}", b.id, c.id) data-nav=format!("{r},{col}") disabled=!cells.editable
                        on:change=move |ev| cells.set(PRELIMINARY, &bid, &crit, Some(event_target_value(&ev)), None)>
                        <option value="" prop:selected={ let (b, c) = (b.id.clone(), c.id.clone()); move || cells.value(PRELIMINARY, &b, &c).is_empty() }>"—"</option>
                        <option value="pass" prop:selected={ let (b, c) = (b.id.clone(), c.id.clone()); move || cells.value(PRELIMINARY, &b, &c) == "pass" }>"通过"</option>
                        <option value="fail" prop:selected={ let (b, c) = (b.id.clone(), c.id.clone()); move || cells.value(PRELIMINARY, &b, &c) == "fail" }>"不通过"</option>
                    </select>
                    <Show when=failed>
                        <input class="reason" type="text" placeholder="不通过理由（必填）" id=format!("pre-reason-{}-{}", bid2, crit2)
                            prop:value={ let (b, c) = (bid2.clone(), crit2.clone()); move || cells.reason(PRELIMINARY, &b, &c) } disabled=!cells.editable
                            on:change={ let (b, c) = (bid2.clone(), crit2.clone()); move |ev| cells.set(PRELIMINARY, &b, &c, None, Some(event_target_value(&ev))) } />
                    </Show>
                </td>
            }
        }).collect_view();
        view! {
            <tr>
                <th class="row-head" title=c.guidance.clone().unwrap_or_default()>
                    <span class="stage-tag">{c.stage.name_zh()}</span>{c.name.clone()}
                </th>
                {cols}
            </tr>
        }
    }).collect_view();
    let criteria: Vec<String> = rules.preliminary.iter().map(|c| c.id.clone()).collect();
    let pass_all = bidders.iter().map(|b| {
        let bid = b.id.clone();
        let crit = criteria.clone();
        let on_confirm = Callback::new(move |()| {
            for c in &crit {
                if cells.value(PRELIMINARY, &bid, c).is_empty() {
                    cells.set(PRELIMINARY, &bid, c, Some("pass".into()), None);
                }
            }
        });
        view! { <td>{cells.editable.then(|| view! {
            <ConfirmButton id=format!("pass-all-{}", b.id) label="其余全部通过".to_string() confirm_label="确认？".to_string() class="small" on_confirm=on_confirm />
        })}</td> }
    }).collect_view();
    view! {
        <section class="card grid-card">
            <div class="grid-head"><h2>"初步评审（形式、资格、响应性）"</h2><span class="save-status" id="save-status">{move || cells.status.get()}</span></div>
            {read_only_notice(&ws)}
            <p class="muted">"逐项判定“通过/不通过”，不通过须写明理由；任一项不通过即不进入详细评审（以评标委员会多数意见为准）。Enter 下移，Ctrl+方向键移动。"</p>
            <div class="table-scroll">
                <table class="grid review" id="preliminary-grid" on:keydown=grid_keys>
                    <thead><tr><th>"评审项"</th>{header}</tr></thead>
                    <tbody>{rows}<tr class="shortcut-row"><th>"快捷操作"</th>{pass_all}</tr></tbody>
                </table>
            </div>
        </section>
    }
    .into_any()
}

fn short(name: &str) -> String {
    let n: String = name.chars().take(6).collect();
    if name.chars().count() > 6 {
        format!("{n}…")
    } else {
        n
    }
}

/// The expert's own price scores: bids they failed in preliminary review,
/// and bids the panel rejected by vote, are not valid prices.
fn price_outcome(rules: &Rules, ws: &Workspace, cells: &[Cell]) -> Option<PriceOutcome> {
    rules.price.as_ref()?;
    let failed = |bidder: &str| {
        ws.rejected.iter().any(|r| r.bidder == bidder)
            || cells
                .iter()
                .any(|c| c.kind == PRELIMINARY && c.bidder == bidder && c.value == "fail")
    };
    let req = PriceRequest {
        bids: ws
            .project
            .bidders
            .iter()
            .map(|b| PriceInput {
                bidder: b.id.clone(),
                price: b.bid_price,
                valid_after_preliminary: !failed(&b.id),
            })
            .collect(),
        ceiling: Some(ws.project.summary.ceiling_price),
        k: ws.project.k,
    };
    pingshen_rules::compute_prices(rules, &req).ok()
}

fn needs_reason(f: &Factor, value: &str) -> bool {
    match &f.kind {
        FactorKind::Range { .. } => Decimal::from_str(value.trim()).is_ok_and(|v| v < f.max),
        FactorKind::Options(opts) => opts.iter().any(|o| o.id == value && o.points < f.max),
        FactorKind::Deductions(_) => !value.trim().is_empty(),
        FactorKind::PassFail => value == "fail",
        FactorKind::Price | FactorKind::Credit(_) => false,
    }
}

/// The value that gives full marks, for the "no deduction" shortcut.
fn full_marks(f: &Factor) -> Option<String> {
    match &f.kind {
        FactorKind::Range { .. } => Some(f.max.normalize().to_string()),
        FactorKind::Options(opts) => opts
            .iter()
            .find(|o| o.points == f.max)
            .map(|o| o.id.clone()),
        FactorKind::Deductions(_) => Some(String::new()),
        FactorKind::PassFail => Some("pass".into()),
        FactorKind::Price | FactorKind::Credit(_) => None,
    }
}

#[component]
pub fn DetailedGrid(ws: Workspace) -> impl IntoView {
    let Some(rules) = parse_rules(&ws) else {
        return no_rules();
    };
    let rules = StoredValue::new(rules);
    let cells = Cells::new(&ws);
    let ws_store = StoredValue::new(ws.clone());
    let bidders = ws.project.bidders.clone();
    let bidder_ids: Vec<String> = bidders.iter().map(|b| b.id.clone()).collect();
    let bidder_ids = StoredValue::new(bidder_ids);
    let me = String::new();
    // Live: price scores, totals and the expert's own ranking.
    let live = Memo::new(move |_| {
        let cs = cells.rule_cells();
        rules.with_value(|r| {
            let price = ws_store.with_value(|w| price_outcome(r, w, &cs));
            let sheet = build_sheet(r, &me, &bidder_ids.get_value(), &cs);
            let view = pingshen_rules::expert_view(r, &sheet, price.as_ref()).ok();
            (price, view)
        })
    });
    let factors: Vec<Factor> = rules.with_value(|r| r.factors.clone());
    let header = bidders.iter().map(|b| view! { <th class="bidder-col" title=b.name.clone()>{b.id.clone()}<br/><span class="muted">{short(&b.name)}</span></th> }).collect_view();
    let rows = factors.iter().enumerate().map(|(r, f)| {
        let f = f.clone();
        let cols = bidders.iter().enumerate().map(|(col, b)| {
            let bid = b.id.clone();
            if let FactorKind::Credit(rule) = &f.kind {
                // Computed from the platform's signed credit records (verified
                // on load), read-only; the title says how.
                let computed = ws_store.with_value(|w| {
                    w.credit.as_ref().map(|records| {
                        pingshen_rules::credit::credit_points(&f.id, f.max, rule, &b.id, records)
                    })
                });
                return match computed {
                    Some(c) => view! { <td class="num computed" id=format!("credit-{}", b.id) title=c.prose_zh.clone()>{c.points.to_string()}</td> }.into_any(),
                    None => view! { <td class="num computed muted" id=format!("credit-{}", b.id)>"联网后按信用记录计算"</td> }.into_any(),
                };
            }
            if matches!(f.kind, FactorKind::Price) {
                let bid = bid.clone();
                return view! { <td class="num computed" id=format!("price-{}", b.id)>{move || {
                    live.with(|(p, _)| p.as_ref().and_then(|p| p.bids.iter().find(|x| x.bidder == bid).map(|x| x.score.map(|s| s.to_string()).unwrap_or_else(|| x.status.name_zh().to_string()))))
                        .unwrap_or_default()
                }}</td> }.into_any();
            }
            let editor = factor_editor(&f, &bid, cells, r, col);
            let (fr, br) = (f.clone(), bid.clone());
            let show_reason = move || needs_reason(&fr, &cells.value(FACTOR, &br, &fr.id));
            let (fid, bid2) = (f.id.clone(), bid.clone());
            view! {
                <td>
                    {editor}
                    <Show when=show_reason>
                        <input class="reason" type="text" placeholder="扣分理由（必填）" id=format!("reason-{}-{}", bid2, fid)
                            prop:value={ let (b, f) = (bid2.clone(), fid.clone()); move || cells.reason(FACTOR, &b, &f) } disabled=!cells.editable
                            on:change={ let (b, f) = (bid2.clone(), fid.clone()); move |ev| cells.set(FACTOR, &b, &f, None, Some(event_target_value(&ev))) } />
                    </Show>
                </td>
            }.into_any()
        }).collect_view();
        view! {
            <tr>
                <th class="row-head" title=f.guidance.clone().unwrap_or_default()>
                    <span class="stage-tag">{f.group.name_zh()}</span>{f.name.clone()}
                    <span class="muted">{format!(" {} 分", f.max.normalize())}</span>
                    {f.objective.then(|| view! { <span class="objective" title="客观分：各评委应一致">"客观"</span> })}
                </th>
                {cols}
            </tr>
        }
    }).collect_view();
    let totals = bidders
        .iter()
        .map(|b| {
            let bid = b.id.clone();
            view! { <td class="num total" id=format!("total-{}", b.id)>{move || live.with(|(_, v)| {
                v.as_ref()
                    .and_then(|v| v.bidders.iter().find(|x| x.bidder == bid))
                    .map(|x| match x.total {
                        Some(t) => t.to_string(),
                        None if !x.passes_preliminary => "未通过初审".to_string(),
                        None => "未完成".to_string(),
                    })
            }).unwrap_or_default()}</td> }
        })
        .collect_view();
    let shortcuts = bidders.iter().map(|b| {
        let bid = b.id.clone();
        let fs = factors.clone();
        let on_confirm = Callback::new(move |()| {
            for f in &fs {
                if let Some(v) = full_marks(f) {
                    if cells.get(FACTOR, &bid, &f.id).is_none() {
                        cells.set(FACTOR, &bid, &f.id, Some(v), None);
                    }
                }
            }
        });
        view! { <td>{cells.editable.then(|| view! {
            <ConfirmButton id=format!("no-deduction-{}", b.id) label="其余无扣分".to_string() confirm_label="确认满分？".to_string() class="small" on_confirm=on_confirm />
        })}</td> }
    }).collect_view();
    let names: Vec<(String, String)> = bidders
        .iter()
        .map(|b| (b.id.clone(), b.name.clone()))
        .collect();
    view! {
        <section class="card grid-card">
            <div class="grid-head"><h2>"详细评审（技术、商务、价格）"</h2><span class="save-status" id="save-status">{move || cells.status.get()}</span></div>
            {read_only_notice(&ws)}
            <p class="muted">"分值须在规定范围内且符合步长；低于满分须写明扣分理由。价格分由评标办法自动计算。Enter 下移，Ctrl+方向键移动。"</p>
            <div class="table-scroll">
                <table class="grid review" id="detailed-grid" on:keydown=grid_keys>
                    <thead><tr><th>"评分因素"</th>{header}</tr></thead>
                    <tbody>
                        {rows}
                        <tr class="total-row"><th>"合计"</th>{totals}</tr>
                        <tr class="shortcut-row"><th>"快捷操作"</th>{shortcuts}</tr>
                    </tbody>
                </table>
            </div>
        </section>
        <section class="card">
            <h2>"本人排序（实时）"</h2>
            <ol class="ranking" id="my-ranking">{move || live.with(|(_, v)| v.as_ref().map(|v| v.ranking.entries.iter().map(|e| {
                let name = names.iter().find(|(id, _)| id == &e.bidder).map(|(_, n)| n.clone()).unwrap_or_default();
                view! { <li>{format!("第 {} 名 {} {}（{} 分）", e.rank, e.bidder, name, e.key)}</li> }
            }).collect_view()))}</ol>
        </section>
        <section class="card">
            <h2>"价格分计算说明"</h2>
            <ol class="prose" id="price-explanation">{move || live.with(|(p, _)| p.as_ref().map(|p| p.explanation.prose_zh.iter().map(|line| view! { <li>{line.clone()}</li> }).collect_view()))}</ol>
        </section>
        {credit_card(&factors, &ws_store.get_value())}
    }
    .into_any()
}

/// The credit records the credit factors are computed from (signed by the
/// platform, verified), and each bidder's computation: read-only.
fn credit_card(factors: &[Factor], ws: &Workspace) -> Option<AnyView> {
    let (f, rule) = factors.iter().find_map(|f| match &f.kind {
        FactorKind::Credit(rule) => Some((f, rule)),
        _ => None,
    })?;
    let body = match &ws.credit {
        None => view! { <p class="muted">"平台尚未发布信用记录，或当前离线：联网后显示。"</p> }.into_any(),
        Some(records) => view! {
            <p class="muted">{format!("平台签名的信用记录（已核验），截至 {}；信用分由程序计算，评委不填写。", records.as_of)}</p>
            <ul class="prose" id="credit-explanation">
                {ws.project.bidders.iter().map(|b| {
                    let c = pingshen_rules::credit::credit_points(&f.id, f.max, rule, &b.id, records);
                    let listed = records.bidders.iter().find(|x| x.bidder == b.id);
                    let details = listed.map(|x| x.records.iter().map(|r| format!(
                        "{} {} {}：{}{}", r.id, r.date, r.source, r.description,
                        r.valid_until.map(|u| format!("（有效期至 {u}）")).unwrap_or_default()
                    )).collect::<Vec<_>>()).unwrap_or_default();
                    view! {
                        <li>{c.prose_zh.clone()}
                            {(!details.is_empty()).then(|| view! { <ul>{details.into_iter().map(|d| view! { <li class="muted">{d}</li> }).collect_view()}</ul> })}
                        </li>
                    }
                }).collect_view()}
            </ul>
        }.into_any(),
    };
    Some(
        view! {
            <section class="card" id="credit-records">
                <h2>{format!("信用记录与{}", f.name)}</h2>
                {body}
            </section>
        }
        .into_any(),
    )
}

fn factor_editor(f: &Factor, bidder: &str, cells: Cells, row: usize, col: usize) -> AnyView {
    let id = format!("score-{}-{}", bidder, f.id);
    let nav = format!("{row},{col}");
    let (b, fid) = (bidder.to_string(), f.id.clone());
    let disabled = !cells.editable;
    // Values follow the cells (a shortcut fills many at once).
    let current = {
        let (b, fid) = (b.clone(), fid.clone());
        move || cells.value(FACTOR, &b, &fid)
    };
    match &f.kind {
        FactorKind::Range { min, step } => {
            let invalid = {
                let (f, b, fid) = (f.clone(), b.clone(), fid.clone());
                let (min, step) = (*min, *step);
                move || {
                    let v = cells.value(FACTOR, &b, &fid);
                    !v.trim().is_empty()
                        && match Decimal::from_str(v.trim()) {
                            Ok(d) => d < min || d > f.max || (step > Decimal::ZERO && !((d - min) % step).is_zero()),
                            Err(_) => true,
                        }
                }
            };
            view! {
                <input type="number" class="points" id=id data-nav=nav min=min.to_string() max=f.max.to_string() step=step.to_string()
                    prop:value=current disabled=disabled class:invalid=invalid
                    title=format!("{}–{} 分，步长 {}", min.normalize(), f.max.normalize(), step.normalize())
                    on:change=move |ev| cells.set(FACTOR, &b, &fid, Some(event_target_value(&ev)), None) />
            }
            .into_any()
        }
        FactorKind::Options(opts) => view! {
            <select id=id data-nav=nav disabled=disabled on:change=move |ev| cells.set(FACTOR, &b, &fid, Some(event_target_value(&ev)), None)>
                <option value="" prop:selected={ let c = current.clone(); move || c().is_empty() }>"—"</option>
                {opts.iter().map(|o| { let (c, oid) = (current.clone(), o.id.clone()); view! { <option value=o.id.clone() prop:selected=move || c() == oid>{format!("{}（{} 分）", o.label, o.points.normalize())}</option> } }).collect_view()}
            </select>
        }
        .into_any(),
        FactorKind::Deductions(items) => {
            let items = items.clone();
            view! {
                <div class="deductions" id=id>
                    {items.iter().map(|item| {
                        let max = item.max_times.unwrap_or(9);
                        let (b, fid, item_id) = (b.clone(), fid.clone(), item.id.clone());
                        let (b2, fid2, item_id2) = (b.clone(), fid.clone(), item.id.clone());
                        view! {
                            <label class="deduction" title=item.label.clone()>
                                <span>{format!("{}（每次 −{}）", item.label, item.points.normalize())}</span>
                                <select disabled=disabled data-nav=nav.clone() on:change=move |ev| {
                                    let n: u32 = event_target_value(&ev).parse().unwrap_or(0);
                                    let mut hits = pingshen_rules::cells::parse_deductions(&cells.value(FACTOR, &b, &fid));
                                    hits.retain(|h| h.item != item_id);
                                    if n > 0 {
                                        hits.push(pingshen_rules::DeductionHit { item: item_id.clone(), times: n });
                                    }
                                    cells.set(FACTOR, &b, &fid, Some(pingshen_rules::cells::format_deductions(&hits)), None);
                                }>
                                                    {(0..=max).map(|n| {
                                        let (b, fid, item_id) = (b2.clone(), fid2.clone(), item_id2.clone());
                                        let chosen = move || pingshen_rules::cells::parse_deductions(&cells.value(FACTOR, &b, &fid))
                                            .iter().find(|h| h.item == item_id).map(|h| h.times).unwrap_or(0) == n;
                                        view! { <option value=n.to_string() prop:selected=chosen>{n.to_string()}</option> }
                                    }).collect_view()}
                                </select>
                            </label>
                        }
                    }).collect_view()}
                    // An untouched deductions factor is not scored yet: one click confirms "none".
                    {
                        let (b, fid, b2, fid2) = (b.clone(), fid.clone(), b.clone(), fid.clone());
                        view! {
                            <Show when=move || cells.get(FACTOR, &b2, &fid2).is_none()>
                                <button class="link dark small" disabled=disabled on:click={ let (b, fid) = (b.clone(), fid.clone()); move |_| cells.set(FACTOR, &b, &fid, Some(String::new()), None) }>"确认无扣分"</button>
                            </Show>
                        }
                    }
                </div>
            }
            .into_any()
        }
        FactorKind::PassFail => view! {
            <select id=id data-nav=nav disabled=disabled on:change=move |ev| cells.set(FACTOR, &b, &fid, Some(event_target_value(&ev)), None)>
                <option value="" prop:selected={ let c = current.clone(); move || c().is_empty() }>"—"</option>
                <option value="pass" prop:selected={ let c = current.clone(); move || c() == "pass" }>"合格"</option>
                <option value="fail" prop:selected={ let c = current.clone(); move || c() == "fail" }>"不合格"</option>
            </select>
        }
        .into_any(),
        FactorKind::Price | FactorKind::Credit(_) => view! { <span></span> }.into_any(),
    }
}
