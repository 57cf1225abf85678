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

use crate::ipc;
use crate::projects::{ErrorPanel, ProjectCards};
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
        ipc::my_projects()
    });
    let retry = Callback::new(move |()| reload.update(|n| *n += 1));
    // The platform came back: show its list again.
    ipc::on_event::<bool>("back-online", move |_| reload.update(|n| *n += 1));
    move || {
        match projects.get() {
        None => view! { <p class="loading">"正在加载项目…"</p> }.into_any(),
        Some(Err(e)) => view! { <ErrorPanel error=e on_retry=retry /> }.into_any(),
        Some(Ok(list)) if list.projects.is_empty() => view! {
            <section class="empty" id="no-projects"><h2>"暂无评标项目"</h2><p>{if list.online {
                "您目前没有被抽取参加的评标项目。"
            } else {
                "离线：本机没有保存任何项目，请联网后再试。"
            }}</p></section>
        }
        .into_any(),
        Some(Ok(list)) => view! {
            <section class="expert-projects">
                <h2>"我的评标项目"</h2>
                <ProjectCards list=list open=open button_prefix="open-" button_label="进入评审" show_sync=true />
            </section>
        }
        .into_any(),
    }
    }
}
