//! Documents: sync with progress, the list, Chinese search, locate a factor
//! in every bid, the viewer and a side-by-side compare.

use super::finding::{LocateCard, SearchCard};
use super::viewer::{Open, Viewer};
use crate::ipc;
use crate::loading::ErrorLine;
use leptos::prelude::*;
use leptos::task::spawn_local;
use pingshen_api::ipc::{
    AppError, DocumentInfo, NoteInfo, SyncProgressEvent, SyncSummary, Workspace,
};
use pingshen_rules::{FactorKind, Rules};

/// A file's state in words; while a sync runs, unfinished files are on
/// their way rather than interrupted.
fn state_label(state: &str, syncing: bool) -> &'static str {
    match (state, syncing) {
        ("verified", _) => "已校验",
        ("failed", _) => "校验失败",
        ("partial", true) => "正在下载",
        ("partial", false) => "下载中断（可续传）",
        (_, true) => "等待下载",
        _ => "未下载",
    }
}

fn megabytes(n: u64) -> String {
    format!("{:.1} MB", n as f64 / 1_048_576.0)
}

/// 约 2 分 05 秒 / 约 40 秒.
fn duration_zh(secs: u64) -> String {
    match secs {
        0..=59 => format!("约 {secs} 秒"),
        60..=3599 => format!("约 {} 分 {:02} 秒", secs / 60, secs % 60),
        _ => format!("约 {} 小时 {:02} 分", secs / 3600, secs % 3600 / 60),
    }
}

/// Bytes, files, searchable files, rate and time left: what has been
/// measured, nothing guessed (no time left until a rate is known).
fn downloading_text(p: &SyncProgressEvent) -> String {
    let rate = p
        .bytes_per_sec
        .map(|r| format!(" · {}/秒", megabytes(r)))
        .unwrap_or_default();
    let left = match (p.bytes_done >= p.bytes_total, p.seconds_left) {
        (true, _) => String::new(),
        (false, Some(s)) => format!(" · 剩余{}", duration_zh(s)),
        (false, None) => " · 正在估算剩余时间".to_string(),
    };
    format!(
        "下载 {} / {} · 文件 {} / {} · 可检索 {}{rate}{left}{}",
        megabytes(p.bytes_done),
        megabytes(p.bytes_total),
        p.files_done,
        p.files_total,
        p.files_indexed,
        p.current
            .as_ref()
            .map(|c| format!(" · {c}"))
            .unwrap_or_default()
    )
}

#[component]
pub fn DocumentsPanel(ws: Workspace) -> impl IntoView {
    // The viewer is likely next: have pdf.js ready before the first click.
    super::viewer::warm();
    let project = ws.project.summary.id.clone();
    let progress = RwSignal::new(None::<SyncProgressEvent>);
    let open_a = RwSignal::new(None::<Open>);
    let open_b = RwSignal::new(None::<Open>);
    let notes = RwSignal::new(Vec::<NoteInfo>::new());
    {
        let p = project.clone();
        spawn_local(async move {
            if let Ok(n) = ipc::list_notes(&p).await {
                notes.set(n);
            }
        });
    }
    let docs = RwSignal::new(ws.documents.clone());
    {
        // Each finished (or newly indexed) file shows in the list at once.
        let p = project.clone();
        ipc::on_sync_progress(move |ev| {
            if ev.project != p {
                return;
            }
            let changed = progress.with_untracked(|old| {
                old.as_ref().is_none_or(|o| {
                    (o.files_done, o.files_indexed, o.phase.as_str())
                        != (ev.files_done, ev.files_indexed, ev.phase.as_str())
                })
            });
            progress.set(Some(ev));
            if changed {
                let p = p.clone();
                spawn_local(async move {
                    if let Ok(w) = ipc::workspace(&p).await {
                        docs.set(w.documents);
                    }
                });
            }
        });
    }
    let p = project.clone();
    let syncing: Action<(), Result<SyncSummary, AppError>> = Action::new_local(move |(): &()| {
        let p = p.clone();
        async move {
            let r = ipc::sync_project(&p).await;
            // The list shows the cache's state after the sync; the panel
            // itself stays (search results, open viewers, the summary).
            if let Ok(w) = ipc::workspace(&p).await {
                docs.set(w.documents);
            }
            r
        }
    });
    let busy = syncing.pending();
    // The last sync's outcome, not shown while the next one runs.
    let summary = move || (!busy.get()).then(|| syncing.value().get()).flatten();
    let sync = move |_| {
        syncing.dispatch_local(());
    };
    let open_doc = move |d: &DocumentInfo, pane: RwSignal<Option<Open>>| {
        let o = Open {
            file_id: d.file_id.clone(),
            name: d.name.clone(),
            size: Some(d.size),
            page: 1,
            term: None,
        };
        move |_| pane.set(Some(o.clone()))
    };

    let bidders = ws.project.bidders.clone();
    let factors: Vec<String> = ws
        .rules
        .as_ref()
        .and_then(|r| Rules::from_toml(&r.toml).ok())
        .map(|r| {
            r.factors
                .iter()
                .filter(|f| !matches!(f.kind, FactorKind::Price))
                .map(|f| f.name.clone())
                .collect()
        })
        .unwrap_or_default();
    let project_a = project.clone();
    let project_b = project.clone();

    view! {
        <section class="card">
            <div class="grid-head">
                <h2>"招投标文件"</h2>
                <button class="primary" id="sync-button" disabled=move || busy.get() on:click=sync>
                    {move || if busy.get() { "正在同步…" } else { "同步文件" }}
                </button>
            </div>
            {move || progress.get().map(|p| view! {
                <div class="sync-progress">
                    <progress id="sync-progress" max=p.bytes_total.max(1).to_string() value=p.bytes_done.to_string()></progress>
                    <span id="sync-progress-text">{match p.phase.as_str() {
                        "manifest" => "正在核验平台签名的文件清单…".to_string(),
                        "indexing" => "正在提取文字、建立检索索引…".to_string(),
                        "done" => format!("完成：{} 个文件", p.files_total),
                        _ => downloading_text(&p),
                    }}</span>
                </div>
            })}
            {move || summary().map(|s| match s {
                Ok(s) => view! { <p class="ok-line" id="sync-summary">{format!("已校验 {} / {} 个文件（大小、SHA-256、SM3 均与平台签名清单一致），已建立索引。", s.verified, s.files)}</p>
                    {s.failed.into_iter().map(|(name, why)| view! { <p class="error-line">{format!("{name}：{why}")}</p> }).collect_view()} }.into_any(),
                Err(e) => view! { <ErrorLine error=e id="sync-error" /> }.into_any(),
            })}
            <table class="grid" id="documents">
                <thead><tr><th>"文件"</th><th>"投标人"</th><th class="num">"大小"</th><th>"页数"</th><th>"状态"</th><th></th></tr></thead>
                <tbody>{move || docs.get().into_iter().map(|d| {
                    let d = &d;
                    let verified = d.state == "verified";
                    // While the sync runs, a file still on its way opens too:
                    // its pages are fetched first and verified chunk by chunk.
                    let openable = verified || (busy.get() && d.state != "failed");
                    view! {
                        <tr class="doc-row" data-file=d.file_id.clone() data-state=d.state.clone()>
                            <td>{d.name.clone()}</td>
                            <td>{d.bidder_id.clone().unwrap_or_else(|| "—".into())}</td>
                            <td class="num">{megabytes(d.size)}</td>
                            <td>{d.pages.map(|p| p.to_string()).unwrap_or_default()}</td>
                            <td class=format!("state {}", d.state)>{state_label(&d.state, busy.get())}</td>
                            <td>{openable.then(|| view! {
                                <button class="link dark" id=format!("open-doc-{}", d.file_id) on:click=open_doc(d, open_a)>{if verified { "打开" } else { "先看" }}</button>
                                <button class="link dark" id=format!("compare-doc-{}", d.file_id) on:click=open_doc(d, open_b)>"对比"</button>
                            })}</td>
                        </tr>
                    }
                }).collect_view()}</tbody>
            </table>
            {move || docs.with(|d| d.is_empty()).then(|| view! { <p class="muted">"尚未同步。点击“同步文件”下载并核验本项目的招标文件与投标文件。"</p> })}
        </section>
        <SearchCard project=project.clone() bidders=bidders.clone() docs=docs open=open_a />
        <LocateCard project=project.clone() factors=factors bidders=bidders docs=docs open=open_a />
        <div class="viewers" class:compare=move || open_b.get().is_some()>
            {move || open_a.get().map(|o| view! { <Viewer project=project_a.clone() open=o pane="a" notes=notes /> })}
            {move || open_b.get().map(|o| view! { <Viewer project=project_b.clone() open=o pane="b" notes=notes /> })}
        </div>
    }
}
