//! The document viewer: pdf.js renders pages read through the desktop's
//! `pingshen-doc` protocol. Page navigation, zoom, highlighted search hits,
//! notes and bookmarks per page.

use crate::ipc;
use leptos::prelude::*;
use leptos::task::spawn_local;
use pingshen_api::ipc::NoteInfo;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/viewer.js")]
extern "C" {
    /// Loads pdf.js and its worker ahead of the first document.
    pub fn warm();
    #[wasm_bindgen(js_name = pageCount, catch)]
    async fn page_count(url: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_name = renderPage, catch)]
    async fn render_page(
        container: &str,
        url: &str,
        page: u32,
        scale: f64,
        term: &str,
    ) -> Result<JsValue, JsValue>;
}

/// The viewer's URL of a synced document. WebKitGTK serves custom schemes
/// as `scheme://localhost/…`.
pub fn doc_url(project: &str, file_id: &str) -> String {
    format!("pingshen-doc://localhost/{project}/{file_id}")
}

/// What the viewer shows: a document, a page, and a term to highlight.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Open {
    pub file_id: String,
    pub name: String,
    /// The file's size when known: the viewer then reads it range by range
    /// (and can open it while it is still downloading).
    pub size: Option<u64>,
    pub page: u32,
    pub term: Option<String>,
}

#[component]
pub fn Viewer(
    project: String,
    open: Open,
    pane: &'static str,
    notes: RwSignal<Vec<NoteInfo>>,
) -> impl IntoView {
    let url = match open.size {
        Some(n) => format!("{}?size={n}", doc_url(&project, &open.file_id)),
        None => doc_url(&project, &open.file_id),
    };
    let page = RwSignal::new(open.page.max(1));
    let pages = RwSignal::new(0u32);
    let scale = RwSignal::new(1.2f64);
    let status = RwSignal::new(String::from("正在打开…"));
    let container = format!("pdf-page-{pane}");
    {
        // Opened from the list or a hit further up: bring the viewer into sight.
        let id = format!("viewer-{pane}");
        request_animation_frame(move || {
            if let Some(el) = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.get_element_by_id(&id))
            {
                el.scroll_into_view();
            }
        });
    }
    let term = open.term.clone().unwrap_or_default();
    {
        let url = url.clone();
        spawn_local(async move {
            match page_count(&url).await {
                Ok(n) => pages.set(n.as_f64().unwrap_or(0.0) as u32),
                Err(e) => status.set(format!(
                    "无法打开文件：{}",
                    e.as_string().unwrap_or_default()
                )),
            }
        });
    }
    {
        let (url, container, term) = (url.clone(), container.clone(), term.clone());
        Effect::new(move |_| {
            let (p, s) = (page.get(), scale.get());
            if pages.get() == 0 {
                return;
            }
            let (url, container, term) = (url.clone(), container.clone(), term.clone());
            spawn_local(async move {
                match render_page(&container, &url, p, s, &term).await {
                    Ok(hits) => {
                        let hits = hits.as_f64().unwrap_or(0.0) as u32;
                        status.set(if term.is_empty() {
                            String::new()
                        } else {
                            format!("本页“{term}”命中 {hits} 处")
                        })
                    }
                    Err(e) => status.set(format!(
                        "无法显示第 {p} 页：{}",
                        e.as_string().unwrap_or_default()
                    )),
                }
            });
        });
    }
    let note_text = RwSignal::new(String::new());
    let (project2, file2) = (project.clone(), open.file_id.clone());
    let add = move |kind: &'static str| {
        let (p, f) = (project2.clone(), file2.clone());
        let text = if kind == "bookmark" {
            format!("书签：第 {} 页", page.get_untracked())
        } else {
            note_text.get_untracked()
        };
        if text.trim().is_empty() {
            return;
        }
        let pg = page.get_untracked();
        spawn_local(async move {
            if let Ok(n) = ipc::add_note(&p, &f, pg, kind, &text).await {
                notes.update(|ns| ns.push(n));
                note_text.set(String::new());
            }
        });
    };
    let add_note = add.clone();
    let file_for_notes = open.file_id.clone();
    view! {
        <div class="viewer" id=format!("viewer-{pane}") data-file=open.file_id.clone()>
            <div class="viewer-bar">
                <strong class="viewer-name">{open.name.clone()}</strong>
                <button class="small" id=format!("prev-{pane}") on:click=move |_| page.update(|p| *p = (*p).saturating_sub(1).max(1))>"上一页"</button>
                <span class="page-no" id=format!("page-no-{pane}")>{move || format!("第 {} / {} 页", page.get(), pages.get())}</span>
                <button class="small" id=format!("next-{pane}") on:click=move |_| page.update(|p| if *p < pages.get_untracked() { *p += 1 })>"下一页"</button>
                <button class="small" on:click=move |_| scale.update(|s| *s = (*s - 0.2).max(0.6))>"缩小"</button>
                <button class="small" on:click=move |_| scale.update(|s| *s = (*s + 0.2).min(3.0))>"放大"</button>
                <button class="small" id=format!("bookmark-{pane}") on:click=move |_| add("bookmark")>"加书签"</button>
                <span class="muted" id=format!("viewer-status-{pane}")>{move || status.get()}</span>
            </div>
            <div class="viewer-body">
                <div class="pdf-scroll"><div class="pdf-page" id=container></div></div>
                <aside class="page-notes">
                    <h3>"本页批注"</h3>
                    <ul>{move || notes.get().into_iter().filter(|n| n.file_id == file_for_notes && n.page == page.get()).map(|n| {
                        let id = n.id;
                        view! { <li class=format!("note {}", n.kind)>{n.text.clone()}
                            <button class="link dark small" on:click=move |_| {
                                spawn_local(async move { if ipc::delete_note(id).await.is_ok() { notes.update(|ns| ns.retain(|x| x.id != id)); } });
                            }>"删除"</button></li> }
                    }).collect_view()}</ul>
                    <textarea id=format!("note-text-{pane}") placeholder="写下对本页的意见（仅保存在本机，加密存储）"
                        prop:value=move || note_text.get() on:input=move |ev| note_text.set(event_target_value(&ev))></textarea>
                    <button class="small" id=format!("add-note-{pane}") on:click=move |_| add_note("note")>"保存批注"</button>
                </aside>
            </div>
        </div>
    }
}
