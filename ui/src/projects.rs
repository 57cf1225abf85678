//! Pieces shared by the role pages: a project's bidders, and the error panel.

use crate::format::{beijing, yuan};
use leptos::prelude::*;
use pingshen_api::ipc::{AppError, ProjectList, SyncState};

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
    let title = if error.code.is_offline() {
        "无法连接评标平台"
    } else {
        "操作未完成"
    };
    view! {
        <section class="error-panel" id="error-panel" data-code=error.code.to_string() role="alert">
            <h2>{title}</h2>
            <p class="error-message">{error.message.clone()}</p>
            <p class="muted">"错误代码：" <code>{error.code.to_string()}</code></p>
            <button class="primary" id="retry" on:click=move |_| on_retry.run(())>"重试"</button>
        </section>
    }
}

/// How one role's project list reads.
#[derive(Clone, Copy)]
pub struct ListWords {
    pub title: &'static str,
    pub empty_title: &'static str,
    /// Said when the platform answered with no project.
    pub empty_online: &'static str,
    /// Id prefix of each card's button, e.g. `open-`.
    pub button_prefix: &'static str,
    pub button_label: &'static str,
    /// Whether the cards show how much of each project this computer holds.
    pub show_sync: bool,
}

/// The signed-in person's projects (the platform's list, or this
/// computer's copy offline), fetched again on every reload and when the
/// platform comes back.
#[component]
pub fn MyProjects(open: RwSignal<Option<String>>, words: ListWords) -> impl IntoView {
    let reload = crate::reload::use_reload();
    let projects = LocalResource::new(move || {
        reload.track();
        crate::ipc::my_projects()
    });
    let retry = reload.callback();
    crate::ipc::on_event::<bool>("back-online", move |_| reload.bump());
    move || {
        crate::loading::loaded(projects.get(), "正在加载项目…", retry, |list| {
            if list.projects.is_empty() {
                let said = if list.online {
                    words.empty_online
                } else {
                    "离线：本机没有保存任何项目，请联网后再试。"
                };
                view! {
                    <section class="empty" id="no-projects"><h2>{words.empty_title}</h2><p>{said}</p></section>
                }
                .into_any()
            } else {
                view! {
                    <section class="expert-projects">
                        <h2>{words.title}</h2>
                        <ProjectCards list=list open=open button_prefix=words.button_prefix
                            button_label=words.button_label show_sync=words.show_sync />
                    </section>
                }
                .into_any()
            }
        })
    }
}

/// The person's projects as cards: stage, opening, and — for experts — how
/// much of each project's documents this computer holds and when the
/// platform last answered. Offline, a banner says the list is this
/// computer's copy.
#[component]
pub fn ProjectCards(
    list: ProjectList,
    open: RwSignal<Option<String>>,
    /// Id prefix of each card's button, e.g. `open-` → `open-JA-2026-0117`.
    button_prefix: &'static str,
    button_label: &'static str,
    show_sync: bool,
) -> impl IntoView {
    let latest = list.projects.iter().filter_map(|p| p.last_contact).max();
    view! {
        {(!list.online).then(|| view! {
            <p class="offline-tag" id="projects-offline">
                {match latest {
                    Some(t) => format!("离线：显示本机保存的项目（最近一次连上评标平台：{}）。已同步的项目可照常评审，签名提交将在联网后自动发送。", beijing(t)),
                    None => "离线：显示本机保存的项目。".to_string(),
                }}
            </p>
        })}
        {list.projects.into_iter().map(|p| {
            let s = p.summary;
            let id = s.id.clone();
            let (sync_class, sync_text) = match p.sync {
                SyncState::Full => ("sync-full", format!("文件已全部同步（{} 个）", p.documents_total)),
                SyncState::Partial => ("sync-partial", format!("已同步 {}/{} 个文件", p.documents_verified, p.documents_total)),
                SyncState::Never => ("sync-never", "文件尚未同步到本机".to_string()),
            };
            view! {
                <div class="project-card wide" data-project-id=s.id.clone()>
                    <div class="project-name">{s.name.clone()}</div>
                    <div class="project-meta">
                        <span>{s.id.clone()}</span><span>{s.lot.clone()}</span>
                        <span class="stage">{s.stage.label_zh()}</span>
                        <span>{format!("投标人 {} 家", s.bidder_count)}</span>
                        <span>{format!("开标 {}", beijing(s.opening_time))}</span>
                    </div>
                    {show_sync.then(|| view! {
                        <div class="project-meta">
                            <span class=format!("sync-state {sync_class}") id=format!("sync-{}", s.id)>{sync_text.clone()}</span>
                            {p.last_contact.map(|t| view! { <span class="muted">{format!("最近联网 {}", beijing(t))}</span> })}
                        </div>
                    })}
                    <button class="primary" id=format!("{button_prefix}{}", s.id) on:click=move |_| open.set(Some(id.clone()))>{button_label}</button>
                </div>
            }
        }).collect_view()}
    }
}
