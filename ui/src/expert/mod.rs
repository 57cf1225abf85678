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
use crate::loading::loaded;
use crate::projects::ProjectCards;
use crate::reload::use_reload;
use leptos::prelude::*;

#[component]
pub fn ExpertHome() -> impl IntoView {
    let open = RwSignal::new(None::<String>);
    move || match open.get() {
        None => view! { <ExpertProjects open=open /> }.into_any(),
        Some(p) => view! { <project::ExpertProject project=p open=open /> }.into_any(),
    }
}

#[component]
fn ExpertProjects(open: RwSignal<Option<String>>) -> impl IntoView {
    let reload = use_reload();
    let projects = LocalResource::new(move || {
        reload.track();
        ipc::my_projects()
    });
    let retry = reload.callback();
    // The platform came back: show its list again.
    ipc::on_event::<bool>("back-online", move |_| reload.bump());
    move || {
        loaded(projects.get(), "正在加载项目…", retry, |list| {
            if list.projects.is_empty() {
                view! {
                    <section class="empty" id="no-projects"><h2>"暂无评标项目"</h2><p>{if list.online {
                        "您目前没有被抽取参加的评标项目。"
                    } else {
                        "离线：本机没有保存任何项目，请联网后再试。"
                    }}</p></section>
                }
                .into_any()
            } else {
                view! {
                    <section class="expert-projects">
                        <h2>"我的评标项目"</h2>
                        <ProjectCards list=list open=open button_prefix="open-" button_label="进入评审" show_sync=true />
                    </section>
                }
                .into_any()
            }
        })
    }
}
