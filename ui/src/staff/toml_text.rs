//! The advanced tab: the rules file as TOML text, with line numbers that
//! mark the lines the validator complains about.

use crate::staff::draft::Draft;
use leptos::html;
use leptos::prelude::*;
use std::collections::BTreeSet;

/// Pixel height of one line in the editor; the CSS uses the same value so
/// the gutter lines up and a line can be scrolled into view.
const LINE_PX: i32 = 20;

#[component]
pub fn TomlText(draft: Draft, goto_line: RwSignal<Option<u32>>) -> impl IntoView {
    let area = NodeRef::<html::Textarea>::new();
    let gutter = NodeRef::<html::Pre>::new();

    // Write the text into the textarea only when it differs, so the caret
    // stays where the person is typing.
    Effect::new(move |_| {
        let text = draft.text.get();
        if let Some(el) = area.get() {
            if el.value() != text {
                el.set_value(&text);
            }
        }
    });
    // A diagnostic clicked elsewhere selects its line here.
    Effect::new(move |_| {
        let (Some(line), Some(el)) = (goto_line.get(), area.get()) else {
            return;
        };
        let text = el.value();
        let (start, end) = line_range_utf16(&text, line);
        let _ = el.focus();
        let _ = el.set_selection_range(start, end);
        let top = (i32::try_from(line).unwrap_or(1) - 4).max(0) * LINE_PX;
        el.set_scroll_top(top);
        if let Some(g) = gutter.get() {
            g.set_scroll_top(top);
        }
        goto_line.set(None);
    });

    let marked = move || -> BTreeSet<u32> {
        draft.check.with(|c| match c {
            Ok(_) => BTreeSet::new(),
            Err(list) => list.iter().filter_map(|d| d.line).collect(),
        })
    };
    let numbers = move || {
        let count = draft.text.with(|t| t.split('\n').count());
        let bad = marked();
        (1..=count as u32)
            .map(|n| {
                let class = if bad.contains(&n) { "ln bad" } else { "ln" };
                view! { <span class=class>{n}"\n"</span> }
            })
            .collect_view()
    };
    let paused = move || !draft.form_live.get();
    view! {
        <p class="muted tab-hint">
            "直接编辑规则文件（格式说明见 docs/rules.md）。每次输入都会重新校验；表单中的修改会按标准格式重写本文本（注释不保留）。"
        </p>
        <Show when=paused>
            <div class="notice form-paused" id="form-paused">
                "文本目前未通过校验，表单已暂停，修正后自动恢复。"
                <button class="link" id="revert-text" on:click=move |_| draft.revert_text_to_form()>
                    "放弃文本修改，恢复为表单内容"
                </button>
            </div>
        </Show>
        <div class="toml-editor">
            <pre class="gutter" node_ref=gutter aria-hidden="true">{numbers}</pre>
            <textarea id="toml-text" node_ref=area spellcheck="false" wrap="off"
                autocomplete="off"
                on:input=move |ev| draft.edit_text(event_target_value(&ev))
                on:scroll=move |_| {
                    if let (Some(a), Some(g)) = (area.get(), gutter.get()) {
                        g.set_scroll_top(a.scroll_top());
                    }
                }></textarea>
        </div>
    }
}

/// UTF-16 offsets (what the DOM counts) of the start and end of a 1-based line.
fn line_range_utf16(text: &str, line: u32) -> (u32, u32) {
    let mut offset = 0u32;
    for (i, l) in text.split('\n').enumerate() {
        let len = l.encode_utf16().count() as u32;
        if i as u32 + 1 == line {
            return (offset, offset + len);
        }
        offset += len + 1;
    }
    (offset, offset)
}
