//! The project list and the selected project's bidders.

use crate::format::{beijing, yuan};
use crate::ipc;
use leptos::prelude::*;
use pingshen_api::ipc::AppError;
use pingshen_api::{ProjectDetail, ProjectSummary};

/// `reload` is bumped by the top bar's refresh; the list refetches with it.
#[component]
pub fn ProjectsPage(reload: RwSignal<u32>) -> impl IntoView {
    let projects = LocalResource::new(move || {
        reload.track();
        ipc::list_projects()
    });
    let on_retry = Callback::new(move |()| reload.update(|n| *n += 1));
    let selected = RwSignal::new(None::<String>);
    // The selected project, or the first one once the list has loaded.
    let detail = LocalResource::new(move || {
        let id = selected.get().or_else(|| {
            projects
                .get()
                .and_then(|r| r.ok())
                .and_then(|list| list.first().map(|p| p.id.clone()))
        });
        async move {
            match id {
                Some(id) => Some(ipc::get_project(&id).await),
                None => None,
            }
        }
    });

    move || {
        match projects.get() {
        None => view! { <p class="loading">"正在加载项目…"</p> }.into_any(),
        Some(Err(e)) => view! { <ErrorPanel error=e on_retry=on_retry /> }.into_any(),
        Some(Ok(list)) if list.is_empty() => view! {
            <section class="empty" id="no-projects">
                <h2>"暂无评标项目"</h2>
                <p>"平台上还没有分配给您的项目。"</p>
            </section>
        }
        .into_any(),
        Some(Ok(list)) => view! {
            <div class="layout">
                <aside class="project-list" id="project-list">
                    <h2>"评标项目"</h2>
                    {list
                        .into_iter()
                        .map(|p| view! { <ProjectCard project=p selected=selected /> })
                        .collect_view()}
                </aside>
                <section class="project-detail" id="project-detail">
                    {move || match detail.get().flatten() {
                        None => view! { <p class="loading">"正在加载项目详情…"</p> }.into_any(),
                        Some(Err(e)) => view! { <ErrorPanel error=e on_retry=on_retry /> }.into_any(),
                        Some(Ok(d)) => view! { <ProjectDetailView detail=d /> }.into_any(),
                    }}
                </section>
            </div>
        }
        .into_any(),
    }
    }
}

#[component]
fn ProjectCard(project: ProjectSummary, selected: RwSignal<Option<String>>) -> impl IntoView {
    let id = project.id.clone();
    let id_for_click = id.clone();
    let id_attr = id.clone();
    view! {
        <button class="project-card" data-project-id=id_attr
            on:click=move |_| selected.set(Some(id_for_click.clone()))>
            <div class="project-name">{project.name.clone()}</div>
            <div class="project-meta">
                <span>{id}</span>
                <span>{project.lot.clone()}</span>
                <span class="stage">{project.stage.label_zh()}</span>
            </div>
            <div class="project-meta muted">
                <span>{format!("投标人 {} 家", project.bidder_count)}</span>
                <span>{format!("开标 {}", beijing(project.opening_time))}</span>
            </div>
        </button>
    }
}

#[component]
fn ProjectDetailView(detail: ProjectDetail) -> impl IntoView {
    let s = detail.summary;
    view! {
        <header class="detail-head">
            <h1 id="project-title">{s.name.clone()}</h1>
            <dl class="facts">
                <div><dt>"项目编号"</dt><dd>{s.id.clone()}</dd></div>
                <div><dt>"标段"</dt><dd>{s.lot.clone()}</dd></div>
                <div><dt>"招标人"</dt><dd>{s.tenderer.clone()}</dd></div>
                <div><dt>"交易中心"</dt><dd>{s.centre.clone()}</dd></div>
                <div><dt>"评标阶段"</dt><dd>{s.stage.label_zh()}</dd></div>
                <div><dt>"最高投标限价"</dt><dd class="num">{yuan(s.ceiling_price)}</dd></div>
                <div><dt>"开标时间"</dt><dd>{beijing(s.opening_time)}</dd></div>
            </dl>
        </header>
        <h2>"投标人"</h2>
        <BiddersTable bidders=detail.bidders />
    }
}

/// The bidders of a project with their bid prices as read at the opening (开标记录).
#[component]
pub fn BiddersTable(bidders: Vec<pingshen_api::Bidder>) -> impl IntoView {
    view! {
        <table class="grid" id="bidders">
            <thead>
                <tr><th>"序号"</th><th>"编号"</th><th>"投标人名称"</th><th class="num">"投标报价"</th></tr>
            </thead>
            <tbody>
                {bidders
                    .into_iter()
                    .enumerate()
                    .map(|(i, b)| view! {
                        <tr class="bidder-row" data-bidder-id=b.id.clone()>
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
}

/// A readable Chinese error with its stable code and a retry button; never a blank page.
#[component]
pub fn ErrorPanel(error: AppError, on_retry: Callback<()>) -> impl IntoView {
    let title = if error.code == "platform_unreachable" || error.code == "platform_timeout" {
        "无法连接评标平台"
    } else {
        "操作未完成"
    };
    view! {
        <section class="error-panel" id="error-panel" data-code=error.code.clone() role="alert">
            <h2>{title}</h2>
            <p class="error-message">{error.message.clone()}</p>
            <p class="muted">"错误代码：" <code>{error.code.clone()}</code></p>
            <button class="primary" id="retry" on:click=move |_| on_retry.run(())>"重试"</button>
        </section>
    }
}
