//! 串标分析: what the screens found over the project's bids, each flag with
//! its evidence (passages side by side, shared strings in context, file
//! properties in a table, prices on a chart), and the panel's decision on
//! it, signed by the leader. The panel decides; the program only points.

use crate::confirm::ConfirmButton;
use crate::ipc;
use crate::loading::{loaded, ErrorLine};
use leptos::prelude::*;
use leptos::task::spawn_local;
use pingshen_api::ipc::{AppError, FlagDecisionRequest, ScreenPage, Workspace};
use pingshen_api::{RecordedScreenDecision, ScreenVerdict};
use pingshen_screens::{Evidence, Flag, Level, Party, ScreenReport};

fn parties(f: &Flag) -> Vec<String> {
    f.involved.iter().map(|p| p.id().to_string()).collect()
}

fn party_label(p: &Party, names: &[(String, String)]) -> String {
    match p {
        Party::Bidder(id) => names
            .iter()
            .find(|(b, _)| b == id)
            .map(|(_, n)| format!("{id} {n}"))
            .unwrap_or_else(|| id.clone()),
        Party::Expert(id) => format!("专家 {id}"),
    }
}

#[component]
pub fn ScreeningPanel(ws: Workspace) -> impl IntoView {
    let project = ws.project.summary.id.clone();
    let names: Vec<(String, String)> = ws
        .project
        .bidders
        .iter()
        .map(|b| (b.id.clone(), b.name.clone()))
        .collect();
    let names = StoredValue::new(names);
    let refresh = RwSignal::new(0u32);
    let p = project.clone();
    let page = LocalResource::new(move || {
        refresh.track();
        let p = p.clone();
        async move { ipc::screen_page(&p).await }
    });
    let on_retry = Callback::new(move |()| refresh.update(|n| *n += 1));
    let open = RwSignal::new(None::<String>);
    view! {
        <section class="card screening">
            <div class="grid-head">
                <h2>"串标分析"</h2>
                <button class="small" id="screen-rerun" on:click=move |_| refresh.update(|n| *n += 1)>"重新分析"</button>
            </div>
            <p class="muted">"以下疑点由程序对本机已核验的投标文件、文件属性和报价自动筛查得出，仅供评标委员会参考；是否属于串通投标，由评标委员会评议认定，组长以数字证书签名记录结论。"</p>
            {move || loaded(page.get(), "正在分析…", on_retry, |pg| match serde_json::from_str::<ScreenReport>(&pg.report_json) {
                    Err(e) => view! { <p class="error-line">{format!("分析结果无法读取：{e}")}</p> }.into_any(),
                    Ok(report) => view! {
                        <FlagList report=report page=pg project=project.clone() names=names open=open on_done=on_retry />
                    }.into_any(),
                })}
        </section>
    }
}

#[component]
fn FlagList(
    report: ScreenReport,
    page: ScreenPage,
    project: String,
    names: StoredValue<Vec<(String, String)>>,
    open: RwSignal<Option<String>>,
    on_done: Callback<()>,
) -> impl IntoView {
    if report.flags.is_empty() {
        return view! { <p class="ok-line" id="no-flags">"未发现需要关注的疑点。"</p> }.into_any();
    }
    let skipped = report
        .skipped
        .iter()
        .map(|s| format!("{}：{}", s.screen, s.message_zh))
        .collect::<Vec<_>>();
    let decisions = StoredValue::new(page.decisions.clone());
    view! {
        <p id="flag-count">{format!("共 {} 个疑点（强 {}、中 {}、弱 {}）。点开查看证据。",
            report.flags.len(),
            report.flags.iter().filter(|f| f.strength.level == Level::Strong).count(),
            report.flags.iter().filter(|f| f.strength.level == Level::Moderate).count(),
            report.flags.iter().filter(|f| f.strength.level == Level::Weak).count())}</p>
        {(!page.online).then(|| view! { <p class="notice">"离线：评标委员会已记录的结论暂不可见，联网后刷新。"</p> })}
        <ul class="flags" id="flags">
            {report.flags.into_iter().map(|f| {
                let id = f.id.clone();
                let id2 = id.clone();
                let latest = decisions.with_value(|d| latest_for(d, &f.id));
                let is_open = move || open.get().as_deref() == Some(id2.as_str());
                let level = f.strength.level;
                let who = f.involved.iter().map(|p| names.with_value(|n| party_label(p, n))).collect::<Vec<_>>().join("、");
                let flag = StoredValue::new(f.clone());
                let project = project.clone();
                let can_decide = page.is_leader;
                view! {
                    <li class="flag" class:strong=level == Level::Strong data-kind=f.kind.code()>
                        <button class="flag-head" id=format!("flag-{}", &id[..12.min(id.len())]) on:click=move |_| {
                            open.update(|o| *o = if o.as_deref() == Some(id.as_str()) { None } else { Some(id.clone()) })
                        }>
                            <span class=format!("level level-{}", level.name_zh())>{level.name_zh()}</span>
                            <strong>{f.title_zh.clone()}</strong>
                            <span class="muted">{who}</span>
                            {latest.as_ref().map(|d| view! { <span class="verdict">{format!("已定：{}", d.decision.verdict.label_zh())}</span> })}
                        </button>
                        <Show when=is_open.clone()>
                            <div class="flag-body">
                                <p>{flag.with_value(|f| f.explanation_zh.clone())}</p>
                                {flag.with_value(|f| evidence_view(&f.evidence, names))}
                                <DecisionBox flag=flag project=project.clone() latest=latest.clone() can_decide=can_decide on_done=on_done />
                            </div>
                        </Show>
                    </li>
                }
            }).collect_view()}
        </ul>
        {(!skipped.is_empty()).then(|| view! {
            <p class="muted">{format!("未运行的筛查：{}", skipped.join("；"))}</p>
        })}
    }
    .into_any()
}

fn latest_for(decisions: &[RecordedScreenDecision], flag: &str) -> Option<RecordedScreenDecision> {
    decisions
        .iter()
        .filter(|d| d.decision.flag_id == flag)
        .next_back()
        .cloned()
}

fn evidence_view(e: &Evidence, names: StoredValue<Vec<(String, String)>>) -> AnyView {
    match e {
        Evidence::Passages { passages, .. } => view! {
            <div class="passages">
                {passages.iter().map(|p| view! {
                    <div class="passage-pair">
                        <div class="side">
                            <div class="where">{format!("{} 第 {} 页", p.a.bidder, p.a.start.page)}</div>
                            <mark>{p.a.text.clone()}</mark>
                        </div>
                        <div class="side">
                            <div class="where">{format!("{} 第 {} 页", p.b.bidder, p.b.start.page)}</div>
                            <mark>{p.b.text.clone()}</mark>
                        </div>
                        <div class="similarity muted">{format!("相似度 {}，相同字符 {}", p.similarity, p.significant_chars)}</div>
                    </div>
                }).collect_view()}
            </div>
        }
        .into_any(),
        Evidence::SharedStrings { items } => view! {
            <table class="grid evidence">
                <thead><tr><th>"相同内容"</th><th>"投标人 · 页"</th><th>"上下文"</th></tr></thead>
                <tbody>{items.iter().flat_map(|s| s.occurrences.iter().map(move |o| {
                    let label = match &s.expected {
                        Some(x) => format!("{}（应为“{}”）", s.text, x),
                        None => s.text.clone(),
                    };
                    view! { <tr><td><mark>{label}</mark></td><td>{format!("{} · 第 {} 页", o.bidder, o.start.page)}</td><td>{o.context.clone()}</td></tr> }
                })).collect_view()}</tbody>
            </table>
        }
        .into_any(),
        Evidence::Metadata { rows } => view! {
            <table class="grid evidence">
                <thead><tr><th>"文件属性"</th><th>"各投标文件的值"</th><th>"说明"</th></tr></thead>
                <tbody>{rows.iter().map(|r| view! {
                    <tr class:match-row=r.matches>
                        <td>{r.field.name_zh()}</td>
                        <td>{r.values.iter().map(|v| v.clone().unwrap_or_else(|| "—".into())).collect::<Vec<_>>().join(" ｜ ")}</td>
                        <td class="muted">{r.note_zh.clone().unwrap_or_else(|| if r.matches { "一致".into() } else { String::new() })}</td>
                    </tr>
                }).collect_view()}</tbody>
            </table>
        }
        .into_any(),
        Evidence::Prices(p) => {
            let max = p.series.iter().map(|x| x.price).max().unwrap_or_default();
            view! {
                <div class="price-chart" id="price-chart">
                    {p.series.iter().map(|x| {
                        let pct = if max.is_zero() { 0.0 } else { (x.price / max).to_string().parse::<f64>().unwrap_or(0.0) * 100.0 };
                        let name = names.with_value(|n| n.iter().find(|(b, _)| *b == x.bidder).map(|(_, n)| n.clone()).unwrap_or_default());
                        view! {
                            <div class="bar-row">
                                <span class="bar-label">{format!("{} {}", x.bidder, name)}</span>
                                <span class="bar" class:marked=x.marked style=format!("width: {pct:.1}%")></span>
                                <span class="bar-value">{crate::format::yuan(x.price)}</span>
                            </div>
                        }
                    }).collect_view()}
                    <p class="muted">{format!("{}：{}（阈值 {}）· 依据：{}", p.statistic, p.value, p.threshold, p.source)}</p>
                    {p.details_zh.iter().map(|d| view! { <p class="muted">{d.clone()}</p> }).collect_view()}
                </div>
            }
            .into_any()
        }
        Evidence::ExpertScores { rows } => view! {
            <table class="grid evidence">
                <thead><tr><th>"专家"</th><th>"投标人"</th><th>"评分因素"</th><th class="num">"分值"</th><th class="num">"其他专家均值"</th><th class="num">"偏离"</th></tr></thead>
                <tbody>{rows.iter().map(|r| view! {
                    <tr>
                        <td>{r.expert.clone()}</td><td>{r.bidder.clone()}</td>
                        <td>{r.factor.clone().unwrap_or_else(|| "主观分合计".into())}</td>
                        <td class="num">{r.points.map(|d| d.to_string()).unwrap_or_default()}</td>
                        <td class="num">{r.others_mean.map(|d| d.to_string()).unwrap_or_default()}</td>
                        <td class="num">{r.deviation.map(|d| d.to_string()).unwrap_or_default()}</td>
                    </tr>
                }).collect_view()}</tbody>
            </table>
        }
        .into_any(),
    }
}

#[component]
fn DecisionBox(
    flag: StoredValue<Flag>,
    project: String,
    latest: Option<RecordedScreenDecision>,
    can_decide: bool,
    on_done: Callback<()>,
) -> impl IntoView {
    let verdict = RwSignal::new(ScreenVerdict::Noted);
    let reason = RwSignal::new(String::new());
    let error = RwSignal::new(None::<AppError>);
    let sent = RwSignal::new(false);
    let record = Callback::new(move |()| {
        let request = flag.with_value(|f| FlagDecisionRequest {
            flag_id: f.id.clone(),
            flag_kind: f.kind.code().to_string(),
            involved: parties(f),
            verdict: verdict.get_untracked(),
            reason: reason.get_untracked(),
        });
        let p = project.clone();
        spawn_local(async move {
            match ipc::decide_flag(&p, &request).await {
                Ok(_) => {
                    sent.set(true);
                    // Let the sender deliver it, then show the recorded state.
                    let _ = ipc::send_now().await;
                    on_done.run(());
                }
                Err(e) => error.set(Some(e)),
            }
        });
    });
    view! {
        <div class="decision">
            {latest.map(|d| view! {
                <p class="recorded" id="flag-decision">{format!("评标委员会结论：{} —— {}（{} 记录，平台已签收）",
                    d.decision.verdict.label_zh(), d.decision.reason, d.decision.decided_by)}</p>
            })}
            {can_decide.then(|| view! {
                <div class="decision-form">
                    <div class="verdicts">
                        {[ScreenVerdict::Dismissed, ScreenVerdict::Noted, ScreenVerdict::Referred].into_iter().map(|v| view! {
                            <label class="radio"><input type="radio" name="verdict" id=format!("verdict-{}", verdict_code(v))
                                prop:checked=move || verdict.get() == v on:change=move |_| verdict.set(v) />{v.label_zh()}</label>
                        }).collect_view()}
                    </div>
                    <textarea id="verdict-reason" rows="2" placeholder="评标委员会评议意见（必填）"
                        prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev))></textarea>
                    <ConfirmButton id="record-verdict".to_string() label="以组长数字证书签名记录结论".to_string()
                        confirm_label="确认记录？再次点击签名".to_string() on_confirm=record />
                    {move || sent.get().then(|| view! { <span class="muted">"已签名，正在发送…"</span> })}
                    {move || error.get().map(|e| view! { <ErrorLine error=e /> })}
                </div>
            })}
            {(!can_decide).then(|| view! { <p class="muted">"结论由评标组长代表评标委员会记录。"</p> })}
        </div>
    }
}

fn verdict_code(v: ScreenVerdict) -> &'static str {
    match v {
        ScreenVerdict::Dismissed => "dismissed",
        ScreenVerdict::Noted => "noted",
        ScreenVerdict::Referred => "referred",
    }
}
