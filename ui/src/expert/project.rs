//! One project's evaluation page: tabs over the workspace snapshot.

use super::clarification::ClarificationPanel;
use super::declaration::DeclarationPanel;
use super::documents::DocumentsPanel;
use super::grid::{DetailedGrid, PreliminaryGrid};
use super::motions::MotionsPanel;
use super::screening::ScreeningPanel;
use super::submit::SubmitPanel;
use super::summary::SummaryPanel;
use crate::ipc;
use crate::loading::ErrorLine;
use crate::projects::ErrorPanel;
use crate::reload::use_reload;
use leptos::prelude::*;
use pingshen_api::ipc::{AppError, Workspace};
use pingshen_api::DeclarationDecision;

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Declaration,
    Rules,
    Documents,
    Preliminary,
    Detailed,
    Submit,
    Screening,
    Clarification,
    Motions,
    Summary,
}

impl Tab {
    fn label(self) -> &'static str {
        match self {
            Tab::Declaration => "回避声明与组长",
            Tab::Rules => "评标办法",
            Tab::Documents => "招投标文件",
            Tab::Preliminary => "初步评审",
            Tab::Detailed => "详细评审",
            Tab::Submit => "签名提交",
            Tab::Screening => "串标分析",
            Tab::Clarification => "澄清",
            Tab::Motions => "表决",
            Tab::Summary => "评审汇总",
        }
    }

    fn id(self) -> &'static str {
        match self {
            Tab::Declaration => "tab-declaration",
            Tab::Rules => "tab-rules",
            Tab::Documents => "tab-documents",
            Tab::Preliminary => "tab-preliminary",
            Tab::Detailed => "tab-detailed",
            Tab::Submit => "tab-submit",
            Tab::Screening => "tab-screening",
            Tab::Clarification => "tab-clarification",
            Tab::Motions => "tab-motions",
            Tab::Summary => "tab-summary",
        }
    }
}

#[component]
pub fn ExpertProject(project: String, open: RwSignal<Option<String>>) -> impl IntoView {
    let reload = use_reload();
    let refresh = RwSignal::new(0u32);
    let pid = project.clone();
    let fetched = LocalResource::new(move || {
        refresh.track();
        reload.track();
        let pid = pid.clone();
        async move { ipc::workspace(&pid).await }
    });
    // What the page shows: the last answer, kept while a reload is under way,
    // and changed only when the answer differs. A refresh that finds nothing
    // new re-renders nothing, so it never eats a click or a keystroke.
    let ws =
        Memo::new(
            move |was: Option<&Option<Result<Workspace, AppError>>>| match fetched.get() {
                None => was.cloned().flatten(),
                fresh => fresh,
            },
        );
    let tab = RwSignal::new(Tab::Declaration);
    // Whether a workspace has loaded, and whether its declaration allows
    // review; memos, so the grids re-render only when these change.
    // Both only ever turn on: a refresh that fails (offline errors are
    // answered from the cache, others are shown) must not tear down the
    // pages built on them.
    let ready = Memo::new(move |was: Option<&bool>| {
        was.copied().unwrap_or(false) || ws.with(|r| matches!(r, Some(Ok(_))))
    });
    let declared = Memo::new(move |was: Option<&bool>| {
        was.copied().unwrap_or(false)
            || ws.with(|r| {
                matches!(r, Some(Ok(w)) if w.declaration == Some(DeclarationDecision::NoConflict))
            })
    });
    let on_refresh = Callback::new(move |()| refresh.update(|n| *n += 1));
    // Deliveries and a return to the platform change what the page shows.
    ipc::on_event::<u64>("outbox-changed", move |_| refresh.update(|n| *n += 1));
    ipc::on_event::<bool>("back-online", move |_| refresh.update(|n| *n += 1));

    view! {
        <div class="workspace">
            <div class="workspace-head">
                <button class="link dark" id="back-to-projects" on:click=move |_| open.set(None)>"← 返回项目列表"</button>
                {move || ws.get().and_then(|r| r.ok()).map(|w: Workspace| view! {
                    <h1 id="project-title">{w.project.summary.name.clone()}</h1>
                    <span class="muted">{format!("{} · {} · {}", w.project.summary.id, w.project.summary.lot, w.project.summary.stage.label_zh())}</span>
                    {(!w.online).then(|| view! { <span class="offline-tag" id="offline-tag">"离线：评审可继续，提交将在联网后自动发送"</span> })}
                    {w.rules_error.clone().map(|e| view! {
                        <ErrorLine error=e id="rules-refused" />
                    })}
                })}
            </div>
            <nav class="tabs workspace-tabs">
                {[Tab::Declaration, Tab::Rules, Tab::Documents, Tab::Preliminary, Tab::Detailed, Tab::Submit, Tab::Screening, Tab::Clarification, Tab::Motions, Tab::Summary]
                    .into_iter()
                    .map(|t| view! {
                        // Each visit to a tab shows the shell's current state
                        // (cells saved on another tab, deliveries, receipts).
                        <button class="tab" id=t.id() class:active=move || tab.get() == t
                            on:click=move |_| { tab.set(t); refresh.update(|n| *n += 1); }>{t.label()}</button>
                    })
                    .collect_view()}
            </nav>
            {move || {
                let t = tab.get();
                if matches!(t, Tab::Documents | Tab::Preliminary | Tab::Detailed | Tab::Screening) {
                    // The grids hold what the expert is typing, the documents
                    // page its search, viewers and sync outcome: they are
                    // built once per visit and do not follow the workspace's
                    // refreshes (a delivery, a reconnection), which would
                    // re-create them and drop that state.
                    if let Some(Ok(w)) = ready.get().then(|| ws.get_untracked()).flatten() {
                        return if declared.get() {
                            match t {
                                Tab::Documents => view! { <DocumentsPanel ws=w /> }.into_any(),
                                Tab::Screening => view! { <ScreeningPanel ws=w /> }.into_any(),
                                Tab::Preliminary => view! { <PreliminaryGrid ws=w /> }.into_any(),
                                _ => view! { <DetailedGrid ws=w /> }.into_any(),
                            }
                        } else {
                            declare_first()
                        };
                    }
                }
                match ws.get() {
                    None => view! { <p class="loading">"正在加载…"</p> }.into_any(),
                    Some(Err(e)) => view! { <ErrorPanel error=e on_retry=on_refresh /> }.into_any(),
                    Some(Ok(w)) => {
                        let declared = w.declaration == Some(DeclarationDecision::NoConflict);
                        let gate = |content: AnyView| if declared { content } else { declare_first() };
                        match t {
                            Tab::Declaration => view! { <DeclarationPanel ws=w on_refresh=on_refresh /> }.into_any(),
                            Tab::Rules => rules_tab(&w),
                            Tab::Submit => gate(view! { <SubmitPanel ws=w on_refresh=on_refresh /> }.into_any()),
                            Tab::Clarification => gate(view! { <ClarificationPanel ws=w /> }.into_any()),
                            Tab::Motions => gate(view! { <MotionsPanel ws=w /> }.into_any()),
                            Tab::Summary => view! { <SummaryPanel ws=w /> }.into_any(),
                            // Reached only while the workspace has not loaded.
                            Tab::Documents | Tab::Preliminary | Tab::Detailed | Tab::Screening => view! { <p class="loading">"正在加载…"</p> }.into_any(),
                        }
                    }
                }
            }}
        </div>
    }
}

fn declare_first() -> AnyView {
    view! { <p class="notice" id="declare-first">"请先在“回避声明与组长”中签署回避声明，方可查看投标文件和评分。"</p> }.into_any()
}

/// The published rules, read-only: what the expert scores by.
fn rules_tab(w: &Workspace) -> AnyView {
    match &w.rules {
        None if w.rules_error.is_some() => view! {
            <p class="notice" id="rules-none">"平台提供的评标办法未通过验证，已拒绝显示和使用；在此之前不能评分和签名。"</p>
        }
        .into_any(),
        None => view! { <p class="notice" id="rules-none">"本项目尚未发布评标办法。"</p> }.into_any(),
        Some(r) => view! {
            <section class="card" id="published-rules">
                <p class="muted">{format!(
                    "第 {} 版 · {} 发布于 {} · SHA-256 {}（只读：评标办法由工作人员配置并签名发布）",
                    r.version, r.published_by_name, crate::format::beijing(r.published_at), r.sha256
                )}</p>
                <crate::rules_view::RulesView toml=r.toml.clone() />
            </section>
        }
        .into_any(),
    }
}
