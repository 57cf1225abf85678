//! Every project on the platform (staff see all of them), with its stage.

use crate::format::beijing;
use leptos::prelude::*;
use pingshen_api::{ProjectSummary, Stage};

#[component]
pub fn StaffProjectList(
    projects: Vec<ProjectSummary>,
    selected: Memo<Option<String>>,
    on_select: Callback<String>,
) -> impl IntoView {
    let preparing = projects
        .iter()
        .filter(|p| p.stage == Stage::Preparing)
        .count();
    view! {
        <aside class="project-list" id="project-list">
            <h2>"全部项目"<span class="muted list-count">{format!("{} 个，{} 个待配置评标办法", projects.len(), preparing)}</span></h2>
            {projects
                .into_iter()
                .map(|p| {
                    let id = p.id.clone();
                    let is_selected = {
                        let id = id.clone();
                        move || selected.get().as_deref() == Some(id.as_str())
                    };
                    let click_id = id.clone();
                    let attr_id = id.clone();
                    view! {
                        <button class="project-card staff-card" data-project-id=attr_id
                            class:selected=is_selected
                            on:click=move |_| on_select.run(click_id.clone())>
                            <div class="project-name">{p.name.clone()}</div>
                            <div class="project-meta">
                                <span>{id}</span>
                                <span>{p.lot.clone()}</span>
                                <span class=format!("stage-badge {}", stage_class(p.stage))>
                                    {p.stage.label_zh()}
                                </span>
                            </div>
                            <div class="project-meta muted">
                                <span>{format!("投标人 {} 家", p.bidder_count)}</span>
                                <span>{format!("开标 {}", beijing(p.opening_time))}</span>
                            </div>
                        </button>
                    }
                })
                .collect_view()}
        </aside>
    }
}

pub fn stage_class(s: Stage) -> &'static str {
    match s {
        Stage::Preparing => "stage-preparing",
        Stage::Evaluating => "stage-evaluating",
        Stage::Summary => "stage-summary",
        Stage::Closed | Stage::Archived => "stage-closed",
    }
}
