//! The 评标办法 tab of one project: what is published, a draft started from
//! a template or the published version, the editor, publishing and 开始评标.
//! Once evaluation has started the rules are shown read-only.

use crate::reload::use_reload;
use crate::rules_view::RulesView;
use crate::staff::actions::{PublishBar, StartEvaluation};
use crate::staff::draft::{Draft, Origin, SavedDraft};
use crate::staff::editor::Editor;
use crate::staff::preview::PreviewInputs;
use crate::staff::published::{load, Published, PublishedLine};
use crate::staff::templates::{self, TEMPLATES};
use leptos::prelude::*;
use pingshen_api::{ProjectDetail, Stage};
use std::collections::HashMap;

/// Drafts by project, so moving to another project and back keeps the work.
pub type Drafts = StoredValue<HashMap<String, SavedDraft>>;

#[component]
pub fn RulesTab(
    project_id: String,
    detail: Signal<Option<ProjectDetail>>,
    drafts: Drafts,
) -> impl IntoView {
    let reload = use_reload();
    let published = RwSignal::new(Published::Loading);
    let reload_published = {
        let id = project_id.clone();
        Callback::new(move |()| {
            published.set(Published::Loading);
            load(id.clone(), published);
        })
    };
    // Follow the top bar's refresh as well.
    Effect::new(move |_| {
        reload.track();
        reload_published.run(());
    });

    let draft = Draft::new();
    if let Some(saved) = drafts.with_value(|d| d.get(&project_id).cloned()) {
        draft.restore(saved);
    }
    {
        let id = project_id.clone();
        on_cleanup(move || {
            if let Some(saved) = draft.save() {
                drafts.update_value(|d| {
                    d.insert(id, saved);
                });
            }
        });
    }
    let preview = PreviewInputs::new();
    Effect::new(move |_| {
        if let Some(d) = detail.get() {
            preview.fill_from(&d);
        }
    });

    let stage = move || detail.with(|d| d.as_ref().map(|d| d.summary.stage));
    let frozen = move || stage().is_some_and(|s| s != Stage::Preparing);
    let on_started = reload.callback();
    let id = project_id.clone();
    view! {
        <div class="rules-tab" id="rules-tab">
            <PublishedLine published=published on_reload=reload_published />
            {move || {
                if frozen() {
                    let stage = stage().map(|s| s.label_zh()).unwrap_or_default();
                    view! { <FrozenRules stage=stage published=published /> }.into_any()
                } else {
                    let (publish_id, start_id) = (id.clone(), id.clone());
                    view! {
                        <StartRow draft=draft published=published />
                        <Show when=move || draft.started() fallback=move || view! {
                            <CurrentOrEmpty published=published />
                        }>
                            <section class="editor" id="rules-editor">
                                <EditorHead draft=draft published=published />
                                <Editor draft=draft preview=preview />
                                <PublishBar project_id=publish_id.clone() draft=draft published=published
                                    on_reload=reload_published />
                            </section>
                        </Show>
                        <StartEvaluation project_id=start_id draft=draft published=published
                            on_started=on_started />
                    }
                    .into_any()
                }
            }}
        </div>
    }
}

/// Start a draft from a template or from the published version.
#[component]
fn StartRow(draft: Draft, published: RwSignal<Published>) -> impl IntoView {
    let chosen = RwSignal::new(TEMPLATES[0].key.to_string());
    let base = move || published.with(|p| p.current().map(|v| v.version));
    let from_template = move |_| {
        if let Some(t) = templates::by_key(&chosen.get_untracked()) {
            draft.load(
                t.toml,
                base(),
                Origin {
                    label: format!("示范文本「{}」", t.name),
                    verbatim: true,
                },
            );
        }
    };
    let from_published = move |_| {
        if let Some(v) = published.with_untracked(|p| p.current().cloned()) {
            draft.load(
                &v.rules_toml,
                Some(v.version),
                Origin {
                    label: format!("已发布的第 {} 版", v.version),
                    verbatim: true,
                },
            );
        }
    };
    view! {
        <div class="start-row" id="start-row">
            <span class="start-label">{move || if draft.started() { "重新起草：" } else { "起草评标办法：" }}</span>
            <select id="template-select" on:change=move |ev| chosen.set(event_target_value(&ev))>
                {TEMPLATES
                    .iter()
                    .map(|t| view! { <option value=t.key>{t.name}</option> })
                    .collect_view()}
            </select>
            <button class="secondary" id="use-template" on:click=from_template>"从示范文本开始"</button>
            {move || base().map(|v| view! {
                <button class="secondary" id="use-published" on:click=from_published>
                    {format!("从已发布的第 {v} 版开始")}
                </button>
            })}
            <Show when=move || draft.started()>
                <span class="muted">"（将替换当前草稿）"</span>
            </Show>
        </div>
    }
}

/// Where the draft came from, what it is based on, and whether the platform
/// has moved on since.
#[component]
fn EditorHead(draft: Draft, published: RwSignal<Published>) -> impl IntoView {
    let latest = move || published.with(|p| p.current().map(|v| v.version));
    let stale = move || {
        let latest = latest();
        matches!(published.get(), Published::Ready(_)) && latest != draft.base.get()
    };
    view! {
        <div class="editor-head">
            <span class="draft-tag">"草稿"</span>
            <span>{move || draft.origin.get().map(|o| {
                if o.verbatim {
                    format!("来自{}（原文）", o.label)
                } else {
                    format!("来自{}，已修改", o.label)
                }
            })}</span>
        </div>
        <Show when=stale>
            <div class="notice" id="stale-base">
                {move || format!(
                    "平台上的当前版本是{}，而此草稿基于{}。发布前请确认是否要覆盖。",
                    latest().map_or("“尚未发布”".to_string(), |v| format!("第 {v} 版")),
                    draft.base.get().map_or("“尚未发布”".to_string(), |v| format!("第 {v} 版")),
                )}
                <button class="link" id="rebase" on:click=move |_| draft.base.set(latest())>
                    "以当前草稿覆盖平台上的最新版本"
                </button>
            </div>
        </Show>
    }
}

/// Without a draft: the published rules read-only, or a hint.
#[component]
fn CurrentOrEmpty(published: RwSignal<Published>) -> impl IntoView {
    move || {
        match published.with(|p| p.current().map(|v| v.rules_toml.clone())) {
        Some(toml) => view! {
            <div class="current-rules">
                <p class="muted">"以下是已发布的评标办法（只读）。要修改，请从已发布版本或示范文本开始起草。"</p>
                <RulesView toml=toml />
            </div>
        }
        .into_any(),
        None => view! {
            <p class="empty-editor">"选择一个示范文本开始起草；可以在表单中修改常用项，也可以直接编辑 TOML 文本。"</p>
        }
        .into_any(),
    }
    }
}

#[component]
fn FrozenRules(stage: &'static str, published: RwSignal<Published>) -> impl IntoView {
    view! {
        <div class="notice frozen" id="rules-frozen">
            {format!("项目处于“{stage}”阶段：评标已开始，评标办法已冻结，不能再修改。")}
        </div>
        {move || published.with(|p| p.current().map(|v| v.rules_toml.clone())).map(|toml| view! {
            <RulesView toml=toml />
        })}
    }
}
