//! The witness's log as stored on this computer: every entry with its time,
//! stage, category, text, attachments, correction link and sync state.

use super::beijing_seconds;
use leptos::prelude::*;
use pingshen_api::ipc::WitnessEntryInfo;

#[component]
pub fn LogTable(entries: RwSignal<Vec<WitnessEntryInfo>>) -> impl IntoView {
    view! {
        <table class="grid witness-log" id="witness-log">
            <thead><tr>
                <th>"序号"</th><th>"时间（平台）"</th><th>"阶段"</th><th>"类别"</th>
                <th>"内容"</th><th>"附件"</th><th>"状态"</th>
            </tr></thead>
            <tbody>
                {move || {
                    let all = entries.get();
                    let seq_of = |id: &str| all.iter().find(|e| e.entry_id == id).map(|e| e.seq);
                    all.iter().rev().map(|e| {
                        let corrects = e.corrects.as_deref().and_then(seq_of);
                        view! {
                            <tr class="witness-entry" class:irregular=e.irregular data-seq=e.seq.to_string()>
                                <td>{e.seq}</td>
                                <td class="nowrap">{beijing_seconds(e.observed_at)}</td>
                                <td>{e.stage_zh.clone()}</td>
                                <td class="category">{e.category_zh.clone()}</td>
                                <td class="entry-text">
                                    {corrects.map(|s| view! { <span class="corrects">{format!("更正第 {s} 条：")}</span> })}
                                    {e.text.clone()}
                                </td>
                                <td class="attachments">{e.attachments.iter().map(|(name, size, sha)| view! {
                                    <div class="attachment" title=format!("SHA-256 {sha}")>{format!("{name}（{}）", kib(*size))}</div>
                                }).collect_view()}</td>
                                <td class="sync-state">{match e.synced_at {
                                    Some(t) => format!("已签名 · 平台已签收 {}", beijing_seconds(t)),
                                    None => "已签名 · 待同步".to_string(),
                                }}</td>
                            </tr>
                        }
                    }).collect_view()
                }}
            </tbody>
        </table>
        {move || entries.with(|e| e.is_empty()).then(|| view! { <p class="muted">"尚无记录。"</p> })}
    }
}

fn kib(n: u64) -> String {
    if n < 1024 {
        format!("{n} B")
    } else if n < 1 << 20 {
        format!("{:.1} KB", n as f64 / 1024.0)
    } else {
        format!("{:.1} MB", n as f64 / 1_048_576.0)
    }
}
