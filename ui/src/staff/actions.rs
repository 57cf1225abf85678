//! Publishing the draft (signed with the logged-in staff key) and starting
//! the evaluation, which freezes the rules.

use crate::format::beijing;
use crate::ipc;
use crate::staff::draft::Draft;
use crate::staff::published::Published;
use leptos::prelude::*;
use pingshen_api::ipc::{AppError, PublishRulesRequest, RulesVersion};
use pingshen_api::ErrorCode;

#[component]
pub fn PublishBar(
    project_id: String,
    draft: Draft,
    published: RwSignal<Published>,
    on_reload: Callback<()>,
) -> impl IntoView {
    let error = RwSignal::new(None::<AppError>);
    let done = RwSignal::new(None::<RulesVersion>);
    let publishing = Action::new_local(move |request: &PublishRulesRequest| {
        let request = request.clone();
        async move { ipc::publish_rules(&request).await }
    });
    let busy = publishing.pending();
    Effect::new(move |_| match publishing.value().get() {
        Some(Ok(v)) => {
            draft.base.set(Some(v.version));
            published.set(Published::Ready(Some(v.clone())));
            done.set(Some(v));
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let valid = move || draft.check.with(Result::is_ok);
    let unchanged = move || {
        published.with(|p| {
            p.current()
                .is_some_and(|v| draft.text.with(|t| *t == v.rules_toml))
        })
    };
    let next = move || draft.base.get().unwrap_or(0) + 1;
    let disabled = move || busy.get() || !valid() || unchanged();
    let publish = move |_| {
        if disabled() {
            return;
        }
        let request = PublishRulesRequest {
            project_id: project_id.clone(),
            rules_toml: draft.text.get_untracked(),
            based_on_version: draft.base.get_untracked(),
        };
        error.set(None);
        done.set(None);
        publishing.dispatch_local(request);
    };
    view! {
        <div class="publish-bar" id="publish-bar">
            <div class="publish-state">
                {move || {
                    if busy.get() {
                        view! { <span class="muted">"正在签名并发布…"</span> }.into_any()
                    } else if !valid() {
                        view! { <span class="bad-text">"✗ 有未解决的问题，不能发布"</span> }.into_any()
                    } else if unchanged() {
                        view! { <span class="ok-text">"✓ 与已发布版本一致"</span> }.into_any()
                    } else {
                        view! { <span class="ok-text">"✓ 校验通过，可以发布"</span> }.into_any()
                    }
                }}
                {move || draft.base.get().map_or_else(
                    || view! { <span class="muted">"首次发布"</span> }.into_any(),
                    |b| view! { <span class="muted">{format!("基于第 {b} 版修改")}</span> }.into_any(),
                )}
            </div>
            <button class="primary" id="publish" disabled=disabled on:click=publish
                title="用已登录的工作人员证书签名后发布到评标平台">
                {move || format!("签名并发布第 {} 版", next())}
            </button>
        </div>
        {move || done.get().map(|v| {
            let at = v.receipt_received_at.unwrap_or(v.published_at);
            view! {
                <div class="success" id="publish-done" role="status">
                    {format!(
                        "已发布第 {} 版，平台已签收（{}）。评标专家现在看到的是这一版。",
                        v.version,
                        beijing(at)
                    )}
                </div>
            }
        })}
        {move || error.get().map(|e| view! { <PublishError error=e on_reload=on_reload /> })}
    }
}

#[component]
fn PublishError(error: AppError, on_reload: Callback<()>) -> impl IntoView {
    let hint = match error.code {
        ErrorCode::Conflict => {
            "平台上的评标办法已变化（他人发布了新版本，或评标已开始）。请重新加载后再决定如何处理。"
        }
        ErrorCode::InvalidRules => "平台校验未通过，请按提示修改后再发布。",
        ErrorCode::Forbidden | ErrorCode::NotStaff => "只有工作人员可以发布评标办法。",
        ErrorCode::NotLoggedIn | ErrorCode::SessionExpired => "登录已失效，请重新登录。",
        _ => "",
    };
    let conflict = error.code == ErrorCode::Conflict;
    view! {
        <div class="login-error publish-error" id="publish-error" role="alert" data-code=error.code.to_string()>
            <strong>"发布未成功"</strong>
            <span>{error.message.clone()}</span>
            {(!hint.is_empty()).then(|| view! { <span>{hint}</span> })}
            <code>{format!("错误代码：{}", error.code)}</code>
            {conflict.then(|| view! {
                <button class="secondary" id="reload-rules" on:click=move |_| on_reload.run(())>
                    "请重新加载"
                </button>
            })}
        </div>
    }
}

/// 开始评标, behind an explicit confirmation: it freezes the rules.
#[component]
pub fn StartEvaluation(
    project_id: String,
    draft: Draft,
    published: RwSignal<Published>,
    on_started: Callback<()>,
) -> impl IntoView {
    let confirming = RwSignal::new(false);
    let error = RwSignal::new(None::<AppError>);
    let starting = Action::new_local(move |id: &String| {
        let id = id.clone();
        async move { ipc::start_evaluation(&id).await.map(|_| ()) }
    });
    let busy = starting.pending();
    Effect::new(move |_| match starting.value().get() {
        Some(Ok(())) => {
            confirming.set(false);
            on_started.run(());
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let version = move || published.with(|p| p.current().map(|v| v.version));
    let unpublished_changes = move || {
        draft.started()
            && published.with(|p| {
                p.current()
                    .is_some_and(|v| draft.text.with(|t| *t != v.rules_toml))
            })
    };
    let start = move |_| {
        error.set(None);
        starting.dispatch_local(project_id.clone());
    };
    view! {
        <div class="start-evaluation">
            <button class="secondary" id="start-evaluation" disabled=move || version().is_none()
                title=move || if version().is_none() { "发布评标办法后才能开始评标" } else { "" }
                on:click=move |_| confirming.set(true)>"开始评标…"</button>
        </div>
        <Show when=move || confirming.get()>
            <div class="confirm" id="confirm-start" role="dialog">
                <strong>"确认开始评标？"</strong>
                <p>{move || format!(
                    "开始评标后，评标办法第 {} 版将被冻结，任何人都不能再修改；评标专家将按这一版评审。",
                    version().unwrap_or(0)
                )}</p>
                <Show when=unpublished_changes>
                    <p class="bad-text">"当前草稿有尚未发布的修改，这些修改不会生效。"</p>
                </Show>
                <div class="confirm-actions">
                    <button class="primary" id="confirm-start-yes" disabled=move || busy.get()
                        on:click=start.clone()>"确认开始评标"</button>
                    <button class="secondary" on:click=move |_| confirming.set(false)>"取消"</button>
                </div>
                {move || error.get().map(|e| view! {
                    <p class="bad-text" data-code=e.code.to_string()>{format!("{}（{}）", e.message, e.code)}</p>
                })}
            </div>
        </Show>
    }
}
