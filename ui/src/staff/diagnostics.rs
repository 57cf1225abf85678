//! The validation summary: every diagnostic of the draft with its line,
//! path, Chinese message and code; a line number jumps to the TOML text.

use crate::rules_view::num;
use crate::staff::draft::Draft;
use leptos::prelude::*;
use pingshen_rules::Rules;

#[component]
pub fn ValidationPanel(draft: Draft, on_goto: Callback<u32>) -> impl IntoView {
    move || {
        draft.check.with(|c| match c {
            Ok(rules) => view! {
                <div class="validation ok" id="diagnostics" data-valid="true">
                    <strong>"✓ 校验通过"</strong>
                    <span class="muted">{summary(rules)}</span>
                </div>
            }
            .into_any(),
            Err(list) => view! {
                <div class="validation bad" id="diagnostics" data-valid="false" role="alert">
                    <strong>{format!("发现 {} 个问题，修正后才能发布", list.len())}</strong>
                    <ul>
                        {list
                            .iter()
                            .map(|d| {
                                let line = d.line;
                                view! {
                                    <li class="diag" data-code=d.code.clone()>
                                        {match line {
                                            Some(n) => view! {
                                                <button class="diag-line" title="在 TOML 文本中查看"
                                                    on:click=move |_| on_goto.run(n)>
                                                    {format!("第 {n} 行")}
                                                </button>
                                            }
                                            .into_any(),
                                            None => view! { <span class="diag-line">"—"</span> }.into_any(),
                                        }}
                                        {(!d.path.is_empty()).then(|| view! { <code class="diag-path">{d.path.clone()}</code> })}
                                        <span class="diag-msg">{d.message_zh.clone()}</span>
                                        <code class="diag-code">{d.code.clone()}</code>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                </div>
            }
            .into_any(),
        })
    }
}

fn summary(r: &Rules) -> String {
    let mut parts = vec![r.meta.method.name_zh().to_string()];
    if let Some(t) = r.meta.total {
        parts.push(format!("总分 {}", num(t)));
    }
    if !r.factors.is_empty() {
        parts.push(format!("评分因素 {} 项", r.factors.len()));
    }
    parts.push(format!("初步评审 {} 项", r.preliminary.len()));
    parts.join(" · ")
}
