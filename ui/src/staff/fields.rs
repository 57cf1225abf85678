//! Form inputs of the rule editor. Each starts from the model's value and
//! reports every keystroke that parses; one that does not (e.g. "6." or
//! "abc") is marked on the field and not applied, so the model never holds
//! a number nobody typed.

use crate::staff::draft::{diagnostics_within, Draft};
use leptos::prelude::*;
use pingshen_rules::dec::parse_decimal;
use pingshen_rules::Decimal;

/// Decimal as staff write it: no trailing zeros ("6", "0.5", "0.03").
pub fn plain(d: Decimal) -> String {
    d.normalize().to_string()
}

/// A required decimal.
#[component]
pub fn DecimalInput(
    id: String,
    value: Decimal,
    on_set: Callback<Decimal>,
    #[prop(optional)] class: &'static str,
) -> impl IntoView {
    let bad = RwSignal::new(false);
    view! {
        <input type="text" inputmode="decimal" id=id class=format!("num-input {class}")
            class:bad-input=move || bad.get()
            value=plain(value)
            title=move || if bad.get() { "请输入数字，例如 6 或 0.5" } else { "" }
            on:input=move |ev| match parse_decimal(&event_target_value(&ev)) {
                Some(d) => {
                    bad.set(false);
                    on_set.run(d);
                }
                None => bad.set(true),
            } />
    }
}

/// An optional decimal: empty means "not set".
#[component]
pub fn OptDecimalInput(
    id: String,
    value: Option<Decimal>,
    on_set: Callback<Option<Decimal>>,
    #[prop(optional)] placeholder: &'static str,
    #[prop(optional)] class: &'static str,
) -> impl IntoView {
    let bad = RwSignal::new(false);
    view! {
        <input type="text" inputmode="decimal" id=id class=format!("num-input {class}")
            class:bad-input=move || bad.get()
            placeholder=placeholder
            value=value.map(plain).unwrap_or_default()
            on:input=move |ev| {
                let text = event_target_value(&ev);
                if text.trim().is_empty() {
                    bad.set(false);
                    on_set.run(None);
                } else if let Some(d) = parse_decimal(&text) {
                    bad.set(false);
                    on_set.run(Some(d));
                } else {
                    bad.set(true);
                }
            } />
    }
}

/// A whole number; empty means "not set" when `optional`.
#[component]
pub fn CountInput(
    id: String,
    value: Option<u32>,
    on_set: Callback<Option<u32>>,
    #[prop(optional)] optional: bool,
    #[prop(optional)] placeholder: &'static str,
) -> impl IntoView {
    let bad = RwSignal::new(false);
    view! {
        <input type="text" inputmode="numeric" id=id class="num-input count-input"
            class:bad-input=move || bad.get()
            placeholder=placeholder
            value=value.map(|v| v.to_string()).unwrap_or_default()
            on:input=move |ev| {
                let text = event_target_value(&ev);
                let text = text.trim();
                if text.is_empty() && optional {
                    bad.set(false);
                    on_set.run(None);
                } else if let Ok(n) = text.parse::<u32>() {
                    bad.set(false);
                    on_set.run(Some(n));
                } else {
                    bad.set(true);
                }
            } />
    }
}

/// Free text; `optional` turns an empty field into "not set".
#[component]
pub fn TextInput(
    id: String,
    value: Option<String>,
    on_set: Callback<Option<String>>,
    #[prop(optional)] optional: bool,
    #[prop(optional)] placeholder: &'static str,
    #[prop(optional)] class: &'static str,
) -> impl IntoView {
    view! {
        <input type="text" id=id class=format!("text-input {class}") placeholder=placeholder
            value=value.unwrap_or_default()
            on:input=move |ev| {
                let text = event_target_value(&ev);
                if optional && text.trim().is_empty() {
                    on_set.run(None);
                } else {
                    on_set.run(Some(text));
                }
            } />
    }
}

#[component]
pub fn CheckInput(id: String, value: bool, on_set: Callback<bool>) -> impl IntoView {
    view! {
        <input type="checkbox" id=id checked=value
            on:change=move |ev| on_set.run(event_target_checked(&ev)) />
    }
}

/// The diagnostics whose path lies under `prefix`, shown beside a field.
#[component]
pub fn FieldDiagnostics(draft: Draft, prefix: String) -> impl IntoView {
    move || {
        diagnostics_within(&draft, &prefix)
            .into_iter()
            .map(|d| {
                view! {
                    <div class="field-diag" data-code=d.code.clone() data-path=d.path.clone()>
                        <span class="diag-msg">{d.message_zh.clone()}</span>
                        <code>{d.code.clone()}</code>
                    </div>
                }
            })
            .collect_view()
    }
}
