//! 评审汇总 for the panel leader: every expert's scores, the aggregate, the
//! flags and the ranking with its tie-break trace.

use crate::ipc;
use crate::projects::ErrorPanel;
use leptos::prelude::*;
use pingshen_api::ipc::Workspace;

#[component]
pub fn SummaryPanel(ws: Workspace) -> impl IntoView {
    let is_leader =
        ws.panel.as_ref().and_then(|p| p.leader.clone()).as_deref() == Some(ws.me.as_str());
    let report = view! { <super::report::ReportCard ws=ws.clone() /> };
    if !is_leader {
        return view! {
            <p class="notice" id="summary-not-leader">"评审汇总由评标组长查看。全体委员提交评分表后，组长可在此查看汇总结果与排序。"</p>
            {report}
        }
        .into_any();
    }
    let project = ws.project.summary.id.clone();
    let names: Vec<(String, String)> = ws
        .project
        .bidders
        .iter()
        .map(|b| (b.id.clone(), b.name.clone()))
        .collect();
    let reload = RwSignal::new(0u32);
    let summary = LocalResource::new(move || {
        reload.track();
        let p = project.clone();
        async move { ipc::panel_summary(&p).await }
    });
    let retry = Callback::new(move |()| reload.update(|n| *n += 1));
    let leader_view = move || match summary.get() {
        None => view! { <p class="loading">"正在汇总…"</p> }.into_any(),
        Some(Err(e)) => view! { <ErrorPanel error=e on_retry=retry /> }.into_any(),
        Some(Ok(s)) => {
            let name_of = |id: &str| {
                names
                    .iter()
                    .find(|(b, _)| b == id)
                    .map(|(_, n)| n.clone())
                    .unwrap_or_default()
            };
            view! {
                <section class="card">
                    <h2>{format!("汇总结果（{}）", match s.result.status { pingshen_rules::PanelStatus::Final => "结论已确定", pingshen_rules::PanelStatus::Provisional => "暂定：尚有须处理的问题" })}</h2>
                    <table class="grid" id="summary-ranking">
                        <thead><tr><th>"排名"</th><th>"投标人"</th><th class="num">"得分/评标价"</th></tr></thead>
                        <tbody>{s.result.ranking.entries.iter().map(|e| view! {
                            <tr><td>{e.rank}</td><td>{format!("{} {}", e.bidder, name_of(&e.bidder))}</td><td class="num">{e.key.to_string()}</td></tr>
                        }).collect_view()}</tbody>
                    </table>
                </section>
                <section class="card">
                    <h2>"提示与问题"</h2>
                    {if s.result.flags.is_empty() {
                        view! { <p class="ok-line">"无客观分不一致、无超限偏离。"</p> }.into_any()
                    } else {
                        view! { <ul class="flags" id="summary-flags">{s.result.flags.iter().map(|f| view! {
                            <li class:blocking=f.blocking>{f.message_zh.clone()}</li>
                        }).collect_view()}</ul> }.into_any()
                    }}
                </section>
                <section class="card">
                    <h2>"计算说明"</h2>
                    <ol class="prose">{s.result.prose_zh.iter().map(|l| view! { <li>{l.clone()}</li> }).collect_view()}</ol>
                </section>
            }
            .into_any()
        }
    };
    view! { {report} {leader_view} }.into_any()
}
