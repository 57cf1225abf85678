//! The staff member's workspace (工作人员): every project with its stage, and
//! for the selected one its evaluation rules (评标办法) — edited from a
//! template or the published version, validated as they are typed,
//! previewed on the project's prices, published signed — and its bidders.

mod actions;
mod diagnostics;
mod draft;
mod editor;
mod factors_form;
mod fields;
mod preview;
mod price_form;
mod project_list;
mod published;
mod rules_tab;
mod templates;
mod toml_text;

use crate::format::{beijing, yuan};
use crate::ipc;
use crate::projects::ErrorPanel;
use crate::reload::use_reload;
use leptos::prelude::*;
use pingshen_api::{ProjectDetail, ProjectSummary, Stage};
use project_list::{stage_class, StaffProjectList};
use rules_tab::{Drafts, RulesTab};
use std::collections::HashMap;

#[component]
pub fn StaffHome() -> impl IntoView {
    let reload = use_reload();
    let projects = LocalResource::new(move || {
        reload.track();
        ipc::list_projects()
    });
    let chosen = RwSignal::new(None::<String>);
    // The chosen project, or else the first one whose rules are still open.
    let selected = Memo::new(move |_| {
        chosen.get().or_else(|| {
            projects
                .get()
                .and_then(|r| r.ok())
                .and_then(|list| first_to_prepare(&list))
        })
    });
    let drafts: Drafts = StoredValue::new(HashMap::new());
    let on_retry = reload.callback();
    let on_select = Callback::new(move |id: String| chosen.set(Some(id)));
    view! {
        <div class="layout staff-layout">
            {move || match projects.get() {
                None => view! { <aside class="project-list"><p class="loading">"正在加载项目…"</p></aside> }.into_any(),
                Some(Err(e)) => view! {
                    <aside class="project-list"><ErrorPanel error=e on_retry=on_retry /></aside>
                }
                .into_any(),
                Some(Ok(list)) if list.is_empty() => view! {
                    <aside class="project-list" id="no-projects">
                        <h2>"全部项目"</h2>
                        <p class="muted">"平台上还没有项目。"</p>
                    </aside>
                }
                .into_any(),
                Some(Ok(list)) => view! {
                    <StaffProjectList projects=list selected=selected on_select=on_select />
                }
                .into_any(),
            }}
            <section class="project-detail staff-detail" id="project-detail">
                {move || selected.get().map(|id| view! {
                    <StaffProject id=id drafts=drafts />
                })}
            </section>
        </div>
    }
}

fn first_to_prepare(list: &[ProjectSummary]) -> Option<String> {
    list.iter()
        .find(|p| p.stage == Stage::Preparing)
        .or_else(|| list.first())
        .map(|p| p.id.clone())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ProjectTab {
    Rules,
    Bidders,
}

#[component]
fn StaffProject(id: String, drafts: Drafts) -> impl IntoView {
    let reload = use_reload();
    let loaded = LocalResource::new({
        let id = id.clone();
        move || {
            reload.track();
            let id = id.clone();
            async move { ipc::get_project(&id).await }
        }
    });
    let detail = RwSignal::new(None::<ProjectDetail>);
    Effect::new(move |_| {
        if let Some(Ok(d)) = loaded.get() {
            detail.set(Some(d));
        }
    });
    let tab = RwSignal::new(ProjectTab::Rules);
    let on_retry = reload.callback();
    view! {
        {move || match (loaded.get(), detail.get()) {
            (Some(Err(e)), _) => view! { <ErrorPanel error=e on_retry=on_retry /> }.into_any(),
            (_, Some(d)) => view! { <ProjectHead detail=d /> }.into_any(),
            _ => view! { <p class="loading">"正在加载项目详情…"</p> }.into_any(),
        }}
        <div class="tabs project-tabs" role="tablist">
            <button class="tab" id="tab-rules" class:active=move || tab.get() == ProjectTab::Rules
                on:click=move |_| tab.set(ProjectTab::Rules)>"评标办法"</button>
            <button class="tab" id="tab-bidders" class:active=move || tab.get() == ProjectTab::Bidders
                on:click=move |_| tab.set(ProjectTab::Bidders)>"投标人"</button>
        </div>
        {move || match tab.get() {
            ProjectTab::Rules => view! {
                <RulesTab project_id=id.clone() detail=detail.into() drafts=drafts />
            }
            .into_any(),
            ProjectTab::Bidders => view! { <Bidders detail=detail /> }.into_any(),
        }}
    }
}

#[component]
fn ProjectHead(detail: ProjectDetail) -> impl IntoView {
    let s = detail.summary;
    view! {
        <header class="detail-head staff-head">
            <div class="title-row">
                <h1 id="project-title">{s.name.clone()}</h1>
                <span class=format!("stage-badge {}", stage_class(s.stage)) id="project-stage">
                    {s.stage.label_zh()}
                </span>
            </div>
            <dl class="facts">
                <div><dt>"项目编号"</dt><dd>{s.id.clone()}</dd></div>
                <div><dt>"标段"</dt><dd>{s.lot.clone()}</dd></div>
                <div><dt>"招标人"</dt><dd>{s.tenderer.clone()}</dd></div>
                <div><dt>"最高投标限价"</dt><dd class="num">{yuan(s.ceiling_price)}</dd></div>
                <div><dt>"开标时间"</dt><dd>{beijing(s.opening_time)}</dd></div>
                <div><dt>"投标人"</dt><dd>{format!("{} 家", detail.bidders.len())}</dd></div>
            </dl>
        </header>
    }
}

#[component]
fn Bidders(detail: RwSignal<Option<ProjectDetail>>) -> impl IntoView {
    move || {
        detail.get().map(|d| {
            view! {
                <table class="grid" id="bidders">
                    <thead>
                        <tr><th>"序号"</th><th>"编号"</th><th>"投标人名称"</th><th class="num">"投标报价（开标唱标）"</th></tr>
                    </thead>
                    <tbody>
                        {d.bidders
                            .into_iter()
                            .enumerate()
                            .map(|(i, b)| view! {
                                <tr data-bidder-id=b.id.clone()>
                                    <td>{i + 1}</td>
                                    <td>{b.id.clone()}</td>
                                    <td class="bidder-name">{b.name.clone()}</td>
                                    <td class="num">{yuan(b.bid_price)}</td>
                                </tr>
                            })
                            .collect_view()}
                    </tbody>
                </table>
            }
        })
    }
}
