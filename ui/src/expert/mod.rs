//! The evaluation expert's workspace (评标专家): projects, then one project's
//! declaration, documents, review grids and submission.

mod declaration;
mod documents;
mod grid;
mod project;
mod report;
mod screening;
mod submit;
mod summary;
pub(crate) mod viewer;

use crate::format::beijing;
use crate::ipc;
use crate::projects::ErrorPanel;
use leptos::prelude::*;

#[component]
pub fn ExpertHome(reload: RwSignal<u32>) -> impl IntoView {
    let open = RwSignal::new(None::<String>);
    move || match open.get() {
        None => view! { <ExpertProjects reload=reload open=open /> }.into_any(),
        Some(p) => {
            view! { <project::ExpertProject project=p open=open reload=reload /> }.into_any()
        }
    }
}

#[component]
fn ExpertProjects(reload: RwSignal<u32>, open: RwSignal<Option<String>>) -> impl IntoView {
    let projects = LocalResource::new(move || {
        reload.track();
        ipc::list_projects()
    });
    let retry = Callback::new(move |()| reload.update(|n| *n += 1));
    move || {
        match projects.get() {
        None => view! { <p class="loading">"正在加载项目…"</p> }.into_any(),
        Some(Err(e)) => view! { <ErrorPanel error=e on_retry=retry /> }.into_any(),
        Some(Ok(list)) if list.is_empty() => view! {
            <section class="empty" id="no-projects"><h2>"暂无评标项目"</h2><p>"您目前没有被抽取参加的评标项目。"</p></section>
        }
        .into_any(),
        Some(Ok(list)) => view! {
            <section class="expert-projects">
                <h2>"我的评标项目"</h2>
                {list.into_iter().map(|p| {
                    let id = p.id.clone();
                    let button_id = format!("open-{}", p.id);
                    view! {
                        <div class="project-card wide" data-project-id=p.id.clone()>
                            <div class="project-name">{p.name.clone()}</div>
                            <div class="project-meta">
                                <span>{p.id.clone()}</span><span>{p.lot.clone()}</span>
                                <span class="stage">{p.stage.label_zh()}</span>
                                <span>{format!("投标人 {} 家", p.bidder_count)}</span>
                                <span>{format!("开标 {}", beijing(p.opening_time))}</span>
                            </div>
                            <button class="primary" id=button_id on:click=move |_| open.set(Some(id.clone()))>"进入评审"</button>
                        </div>
                    }
                }).collect_view()}
            </section>
        }
        .into_any(),
    }
    }
}
