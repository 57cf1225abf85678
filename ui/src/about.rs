//! 关于/诊断: versions, the platform check, the USB-key drivers found, where
//! the data is and each project's sync and outbox state — what a help desk
//! asks for — and the bundle to send them (no PIN, key or document content).

use crate::format::beijing_seconds;
use crate::ipc;
use leptos::prelude::*;
use leptos::task::spawn_local;
use pingshen_api::{Diagnostics, ProjectFacts};

#[component]
pub fn AboutPage(on_close: Callback<()>) -> impl IntoView {
    let facts = LocalResource::new(ipc::diagnostics);
    let exported = RwSignal::new(None::<Result<String, String>>);
    let export = move |_| {
        exported.set(None);
        spawn_local(async move {
            exported.set(Some(
                ipc::export_diagnostics()
                    .await
                    .map_err(|e| format!("{}（{}）", e.message, e.code.as_str())),
            ));
        });
    };
    view! {
        <section class="card about" id="about">
            <div class="about-head">
                <h2>"关于 / 诊断"</h2>
                <button class="link" id="about-close" on:click=move |_| on_close.run(())>"关闭"</button>
            </div>
            <crate::update::UpdatePanel />
            {move || match facts.get() {
                None => view! { <p class="muted">"正在收集诊断信息…"</p> }.into_any(),
                Some(Err(e)) => view! { <p class="notice">{e.message.clone()}</p> }.into_any(),
                Some(Ok(d)) => view! { <Facts d=d /> }.into_any(),
            }}
            <div class="about-export">
                <button class="primary" id="export-diagnostics" on:click=export>"导出诊断包"</button>
                <span class="muted">"诊断包不含 PIN、密钥、证书、文件内容、报价或评分，可发给技术支持。"</span>
            </div>
            {move || exported.get().map(|r| match r {
                Ok(path) => view! {
                    <p class="notice" id="diagnostics-path">"诊断包已保存：" <code>{path}</code></p>
                }.into_any(),
                Err(message) => view! { <p class="notice" id="diagnostics-error">{message}</p> }.into_any(),
            })}
        </section>
    }
}

#[component]
fn Facts(d: Diagnostics) -> impl IntoView {
    let platform = if d.platform.reachable {
        format!(
            "可连接（{}，{} 毫秒）",
            d.platform.platform_id.clone().unwrap_or_default(),
            d.platform.answered_in_ms.unwrap_or(0)
        )
    } else {
        format!(
            "无法连接（{}）",
            d.platform.error_code.clone().unwrap_or_default()
        )
    };
    let modules = if d.token_modules.is_empty() {
        vec![view! { <li class="muted">"未找到 USB Key 驱动（PKCS#11 模块）"</li> }.into_any()]
    } else {
        d.token_modules
            .iter()
            .map(|m| {
                let source = if m.source == "p11-kit" {
                    "（系统已登记）"
                } else {
                    "（安装目录中找到）"
                };
                view! { <li><code>{m.path.clone()}</code><span class="muted">{source}</span></li> }
                    .into_any()
            })
            .collect()
    };
    let update_keys = {
        let ids: Vec<String> = d
            .app
            .update_keys
            .iter()
            .map(|k| format!("{}…", &k[..16.min(k.len())]))
            .collect();
        let demo = if d.app.demo_update_key {
            "（含公开的演示密钥，仅供测试）"
        } else {
            ""
        };
        format!("{}{demo}", ids.join("、"))
    };
    let module_note = if d.settings.pkcs11_module_present {
        "（存在）"
    } else {
        "（未找到该文件）"
    };
    view! {
        <table class="grid about-facts" id="about-facts">
            <tbody>
                <tr><th>"版本"</th><td id="about-version">{format!("Pingshen {}（{}）", d.app.version, d.app.commit)}</td></tr>
                <tr><th>"系统"</th><td>{format!("{} · {} · {}", d.app.os.clone().unwrap_or_else(|| "未知".into()), d.app.kernel.clone().unwrap_or_default(), d.app.arch)}</td></tr>
                <tr><th>"更新密钥"</th><td id="about-update-keys">{update_keys}</td></tr>
                <tr><th>"评标平台"</th><td><code>{d.settings.platform_url.clone()}</code></td></tr>
                <tr><th>"平台连接"</th><td id="about-platform">{platform}</td></tr>
                <tr><th>"默认 USB Key 驱动"</th><td><code>{d.settings.pkcs11_module.clone()}</code>{module_note}</td></tr>
                <tr><th>"找到的 USB Key 驱动"</th><td><ul class="plain" id="about-modules">{modules}</ul></td></tr>
                <tr><th>"证书文件"</th><td>{format!("{} 个（{}）", d.certificate_files, d.settings.cert_dir)}</td></tr>
                <tr><th>"数据目录"</th><td><code id="about-data-dir">{d.settings.data_dir.clone()}</code></td></tr>
                <tr><th>"诊断时间"</th><td>{beijing_seconds(d.generated_at)}</td></tr>
            </tbody>
        </table>
        {match d.projects {
            None => view! { <p class="muted">"登录后可查看各项目的同步和待发送情况。"</p> }.into_any(),
            Some(projects) => view! { <Projects projects=projects /> }.into_any(),
        }}
    }
}

#[component]
fn Projects(projects: Vec<ProjectFacts>) -> impl IntoView {
    let rows = projects
        .into_iter()
        .map(|p| {
            let last = p
                .last_contact
                .map(beijing_seconds)
                .unwrap_or_else(|| "从未".into());
            let errors = p.outbox_errors.join("、");
            view! {
                <tr id=format!("about-project-{}", p.id)>
                    <td>{p.id.clone()}</td>
                    <td class="num">{format!("{} / {}", p.documents_verified, p.documents_total)}</td>
                    <td class="num">{p.documents_failed}</td>
                    <td>{last}</td>
                    <td class="num">{p.outbox_pending}</td>
                    <td class="num">{p.outbox_delivered}</td>
                    <td class="num">{p.outbox_refused}</td>
                    <td>{errors}</td>
                </tr>
            }
        })
        .collect::<Vec<_>>();
    view! {
        <table class="grid" id="about-projects">
            <thead>
                <tr>
                    <th>"项目编号"</th>
                    <th class="num">"已校验文件"</th>
                    <th class="num">"校验失败"</th>
                    <th>"最近一次连上平台"</th>
                    <th class="num">"待发送"</th>
                    <th class="num">"已送达"</th>
                    <th class="num">"被拒收"</th>
                    <th>"待发送的失败原因"</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
}
