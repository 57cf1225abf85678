//! The rule editor: validation summary, the form / TOML / preview tabs.

use crate::rules_view::RulesBody;
use crate::staff::diagnostics::ValidationPanel;
use crate::staff::draft::Draft;
use crate::staff::factors_form::FactorsForm;
use crate::staff::preview::{PreviewInputs, PricePreview};
use crate::staff::price_form::PriceForm;
use crate::staff::toml_text::TomlText;
use leptos::prelude::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tab {
    Factors,
    Price,
    Toml,
    Preview,
    View,
}

impl Tab {
    const ALL: [Tab; 5] = [Tab::Factors, Tab::Price, Tab::Toml, Tab::Preview, Tab::View];

    fn label(self) -> &'static str {
        match self {
            Tab::Factors => "基本信息与评分因素",
            Tab::Price => "价格分",
            Tab::Toml => "TOML 文本（高级）",
            Tab::Preview => "价格试算",
            Tab::View => "专家看到的样子",
        }
    }

    fn id(self) -> &'static str {
        match self {
            Tab::Factors => "editor-tab-factors",
            Tab::Price => "editor-tab-price",
            Tab::Toml => "editor-tab-toml",
            Tab::Preview => "editor-tab-preview",
            Tab::View => "editor-tab-view",
        }
    }
}

#[component]
pub fn Editor(draft: Draft, preview: PreviewInputs) -> impl IntoView {
    let tab = RwSignal::new(Tab::Factors);
    let goto_line = RwSignal::new(None::<u32>);
    let on_goto = Callback::new(move |line: u32| {
        tab.set(Tab::Toml);
        goto_line.set(Some(line));
    });
    let paused = move || !draft.form_live.get();
    view! {
        <ValidationPanel draft=draft on_goto=on_goto />
        <div class="tabs editor-tabs" role="tablist">
            {Tab::ALL
                .into_iter()
                .map(|t| view! {
                    <button class="tab" id=t.id() class:active=move || tab.get() == t
                        on:click=move |_| tab.set(t)>{t.label()}</button>
                })
                .collect_view()}
        </div>
        <div class="editor-body">
            {move || match tab.get() {
                Tab::Factors | Tab::Price => {
                    let form = if tab.get() == Tab::Factors {
                        view! { <FactorsForm draft=draft /> }.into_any()
                    } else {
                        view! { <PriceForm draft=draft /> }.into_any()
                    };
                    view! {
                        <Show when=paused>
                            <div class="notice form-paused">
                                "TOML 文本目前未通过校验，表单已暂停（只读）。请在「TOML 文本」中修正，或"
                                <button class="link" on:click=move |_| draft.revert_text_to_form()>
                                    "放弃文本修改，恢复为表单内容"
                                </button>
                            </div>
                        </Show>
                        <fieldset class="form-fieldset" disabled=paused>{form}</fieldset>
                    }
                    .into_any()
                }
                Tab::Toml => view! { <TomlText draft=draft goto_line=goto_line /> }.into_any(),
                Tab::Preview => view! { <PricePreview draft=draft inputs=preview /> }.into_any(),
                Tab::View => view! {
                    {move || match draft.check.get() {
                        Ok(rules) => view! { <RulesBody rules=rules /> }.into_any(),
                        Err(_) => view! {
                            <p class="notice">"评标办法校验通过后才能预览。"</p>
                        }
                        .into_any(),
                    }}
                }
                .into_any(),
            }}
        </div>
    }
}
