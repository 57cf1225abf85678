//! Finding things in the bids: Chinese full-text search over the verified
//! documents, and where each bidder answers an evaluation factor. A hit
//! opens the viewer at its page.

use super::viewer::Open;
use crate::ipc;
use leptos::prelude::*;
use leptos::task::spawn_local;
use pingshen_api::ipc::{AppError, DocumentInfo, LocateHit, SearchHit};
use pingshen_api::Bidder;

/// Where a hit opens: the file's name and size from the document list
/// (read, not tracked: a hit's label is fixed when the hit is shown).
fn open_at(
    docs: RwSignal<Vec<DocumentInfo>>,
    file_id: &str,
    page: u32,
    term: Option<String>,
) -> Open {
    let (name, size) = docs.with_untracked(|d| {
        d.iter()
            .find(|d| d.file_id == file_id)
            .map(|d| (d.name.clone(), Some(d.size)))
            .unwrap_or_default()
    });
    Open {
        file_id: file_id.to_string(),
        name,
        size,
        page,
        term,
    }
}

#[component]
pub fn SearchCard(
    project: String,
    bidders: Vec<Bidder>,
    docs: RwSignal<Vec<DocumentInfo>>,
    open: RwSignal<Option<Open>>,
) -> impl IntoView {
    let query = RwSignal::new(String::new());
    let bidder_filter = RwSignal::new(String::new());
    let hits = RwSignal::new(None::<Result<Vec<SearchHit>, AppError>>);
    let run_search = move || {
        let (p, q, b) = (
            project.clone(),
            query.get_untracked(),
            bidder_filter.get_untracked(),
        );
        if q.trim().is_empty() {
            return;
        }
        spawn_local(async move {
            hits.set(Some(
                ipc::search(&p, q.trim(), (!b.is_empty()).then_some(b), None).await,
            ));
        });
    };
    let run_search2 = run_search.clone();
    view! {
        <section class="card">
            <h2>"全文检索"</h2>
            <div class="search-bar">
                <input id="search-input" type="search" placeholder="输入要查找的词，如 工期、废标、质量保证措施"
                    prop:value=move || query.get() on:input=move |ev| query.set(event_target_value(&ev))
                    on:keydown=move |ev| if ev.key() == "Enter" { run_search2() } />
                <select id="search-bidder" on:change=move |ev| bidder_filter.set(event_target_value(&ev))>
                    <option value="">"全部投标人"</option>
                    {bidders.iter().map(|b| view! { <option value=b.id.clone()>{format!("{} {}", b.id, b.name)}</option> }).collect_view()}
                </select>
                <button class="primary" id="search-button" on:click=move |_| run_search()>"检索"</button>
            </div>
            {move || hits.get().map(|r| match r {
                Err(e) => view! { <p class="error-line">{e.message.clone()}</p> }.into_any(),
                Ok(list) if list.is_empty() => view! { <p class="muted" id="search-empty">"没有找到。"</p> }.into_any(),
                Ok(list) => view! {
                    <ul class="search-results" id="search-results">{list.into_iter().map(|h| {
                        let at = open_at(docs, &h.file_id, h.page, Some(query.get_untracked().trim().to_string()));
                        let label = format!("{} · 第 {} 页", at.name, h.page);
                        view! {
                            <li class="search-hit" data-file=h.file_id.clone() data-page=h.page.to_string() on:click=move |_| open.set(Some(at.clone()))>
                                <span class="hit-where">{label}</span>
                                <span class="snippet">{highlighted(&h.snippet, &h.highlights)}</span>
                            </li>
                        }
                    }).collect_view()}</ul>
                }.into_any(),
            })}
        </section>
    }
}

#[component]
pub fn LocateCard(
    project: String,
    /// The factors' names (price factors have no text to find).
    factors: Vec<String>,
    bidders: Vec<Bidder>,
    docs: RwSignal<Vec<DocumentInfo>>,
    open: RwSignal<Option<Open>>,
) -> impl IntoView {
    let located = RwSignal::new(None::<Result<Vec<LocateHit>, AppError>>);
    let locate = move |ev: leptos::ev::Event| {
        let name = event_target_value(&ev);
        if name.is_empty() {
            return;
        }
        let p = project.clone();
        spawn_local(async move { located.set(Some(ipc::locate(&p, &name).await)) });
    };
    let bidder_name = StoredValue::new(
        bidders
            .iter()
            .map(|b| (b.id.clone(), b.name.clone()))
            .collect::<Vec<_>>(),
    );
    view! {
        <section class="card">
            <h2>"定位评分因素"</h2>
            <select id="locate-factor" on:change=locate>
                <option value="">"选择评分因素，查看各投标人在何处响应…"</option>
                {factors.iter().map(|name| view! { <option value=name.clone()>{name.clone()}</option> }).collect_view()}
            </select>
            {move || located.get().map(|r| match r {
                Err(e) => view! { <p class="error-line">{e.message.clone()}</p> }.into_any(),
                Ok(list) if list.is_empty() => view! { <p class="muted">"各投标文件中未找到相应章节或用语。"</p> }.into_any(),
                Ok(list) => view! {
                    <ul class="locate-results" id="locate-results">{list.into_iter().map(|h| {
                        let who = h.bidder_id.clone().and_then(|b| bidder_name.with_value(|n| n.iter().find(|(id, _)| *id == b).map(|(id, n)| format!("{id} {n}")))).unwrap_or_default();
                        let at = open_at(docs, &h.file_id, h.page, None);
                        view! { <li class="locate-hit" on:click=move |_| open.set(Some(at.clone()))>
                            <span class="hit-where">{format!("{who} · 第 {} 页 · {}", h.page, if h.source == "outline" { "书签" } else { "检索" })}</span>
                            <span>{h.title.clone()}</span>
                        </li> }
                    }).collect_view()}</ul>
                }.into_any(),
            })}
        </section>
    }
}

/// The snippet with its matches in `<mark>`; ranges are byte offsets.
fn highlighted(snippet: &str, ranges: &[(usize, usize)]) -> impl IntoView {
    let mut parts = Vec::new();
    let mut at = 0;
    for &(a, b) in ranges {
        if a < at
            || b > snippet.len()
            || !snippet.is_char_boundary(a)
            || !snippet.is_char_boundary(b)
        {
            continue;
        }
        parts.push(view! { <span>{snippet[at..a].to_string()}</span> }.into_any());
        parts.push(view! { <mark>{snippet[a..b].to_string()}</mark> }.into_any());
        at = b;
    }
    parts.push(view! { <span>{snippet[at..].to_string()}</span> }.into_any());
    parts
}
