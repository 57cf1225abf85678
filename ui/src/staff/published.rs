//! The project's published rules as the platform has them: loading, the
//! current version's line, and its reload.

use crate::format::beijing;
use crate::ipc;
use leptos::prelude::*;
use leptos::task::spawn_local;
use pingshen_api::ipc::{AppError, RulesVersion};

#[derive(Debug, Clone, PartialEq)]
pub enum Published {
    Loading,
    /// `None`: nothing published yet.
    Ready(Option<RulesVersion>),
    Failed(AppError),
}

impl Published {
    pub fn current(&self) -> Option<&RulesVersion> {
        match self {
            Published::Ready(v) => v.as_ref(),
            _ => None,
        }
    }
}

/// Asks the platform for the latest version of `project`.
pub fn load(project: String, into: RwSignal<Published>) {
    spawn_local(async move {
        let result = ipc::get_rules(&project).await;
        into.set(match result {
            Ok(v) => Published::Ready(v),
            Err(e) => Published::Failed(e),
        });
    });
}

/// "当前发布：第 N 版 · 发布人 · 时间 · 平台签收时间", or "尚未发布".
#[component]
pub fn PublishedLine(published: RwSignal<Published>, on_reload: Callback<()>) -> impl IntoView {
    move || match published.get() {
        Published::Loading => view! {
            <div class="published-line" id="published-version">"正在读取已发布的评标办法…"</div>
        }
        .into_any(),
        Published::Failed(e) => view! {
            <div class="published-line bad" id="published-version" data-code=e.code.to_string()>
                {format!("无法读取已发布的评标办法：{}（{}）", e.message, e.code)}
                <button class="link" on:click=move |_| on_reload.run(())>"重试"</button>
            </div>
        }
        .into_any(),
        Published::Ready(None) => view! {
            <div class="published-line none" id="published-version" data-version="0">
                <span class="pill pill-muted">"尚未发布"</span>
                <span class="muted">"本项目还没有发布评标办法；发布后评标专家即可查看。"</span>
            </div>
        }
        .into_any(),
        Published::Ready(Some(v)) => {
            let receipt = v
                .receipt_received_at
                .map(|t| format!("平台签收 {}", beijing(t)))
                .unwrap_or_else(|| "平台回执时间不可读".into());
            view! {
                <div class="published-line" id="published-version" data-version=v.version>
                    <span class="pill">{format!("当前发布：第 {} 版", v.version)}</span>
                    <span>{format!("{}（{}）", v.published_by_name, v.published_by)}</span>
                    <span class="muted">{format!("发布于 {}", beijing(v.published_at))}</span>
                    <span class="muted" id="published-receipt">{receipt}</span>
                    <span class="muted sha" title=v.sha256.clone()>
                        {format!("SHA-256 {}…", v.sha256.chars().take(12).collect::<String>())}
                    </span>
                </div>
            }
            .into_any()
        }
    }
}
