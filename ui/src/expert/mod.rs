//! The evaluation expert's workspace (评标专家): projects, then one project's
//! declaration, documents, review grids and submission.

mod bidder_select;
mod clarification;
mod declaration;
mod documents;
mod finding;
mod grid;
mod motions;
mod project;
mod report;
mod screening;
mod submit;
mod summary;
pub(crate) mod viewer;

use crate::projects::{ListWords, MyProjects};
use leptos::prelude::*;

#[component]
pub fn ExpertHome() -> impl IntoView {
    let open = RwSignal::new(None::<String>);
    move || match open.get() {
        None => view! { <MyProjects open=open words=WORDS /> }.into_any(),
        Some(p) => view! { <project::ExpertProject project=p open=open /> }.into_any(),
    }
}

const WORDS: ListWords = ListWords {
    title: "我的评标项目",
    empty_title: "暂无评标项目",
    empty_online: "您目前没有被抽取参加的评标项目。",
    button_prefix: "open-",
    button_label: "进入评审",
    show_sync: true,
};
