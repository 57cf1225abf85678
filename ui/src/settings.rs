//! 设置: the platform (changed only after checking the new one and
//! confirming its fingerprint), the USB-key driver, the data folder, the
//! language and the log level. Values fixed by the launcher (arguments,
//! environment) are shown but cannot be changed here.

use crate::ipc;
use crate::setup::{ModulePicker, PlatformChecker};
use leptos::prelude::*;
use leptos::task::spawn_local;
use pingshen_api::{PlatformIdentity, SettingValue, SettingsChange, SettingsView};

const LOG_LEVELS: &[(&str, &str)] = &[
    ("error", "仅错误"),
    ("warn", "警告及以上"),
    ("info", "一般信息"),
    ("debug", "调试（排查问题时使用）"),
];

fn source_note(v: &SettingValue) -> String {
    if v.source.editable() {
        String::new()
    } else {
        format!("（由{}指定，此处不能修改）", v.source.label())
    }
}

#[component]
pub fn SettingsPage(on_close: Callback<()>) -> impl IntoView {
    let view_now = LocalResource::new(ipc::get_settings);
    let saved = RwSignal::new(None::<SettingsView>);
    // Outlives the form, which is rebuilt from what the save returned.
    let message = RwSignal::new(None::<Result<String, String>>);
    view! {
        <section class="card settings" id="settings">
            <div class="about-head">
                <h2>"设置"</h2>
                <button class="link" id="settings-close" on:click=move |_| on_close.run(())>"关闭"</button>
            </div>
            {move || match (saved.get(), view_now.get()) {
                (Some(v), _) | (None, Some(Ok(v))) => view! { <Form v=v saved=saved message=message /> }.into_any(),
                (None, Some(Err(e))) => view! { <p class="notice">{e.message.clone()}</p> }.into_any(),
                (None, None) => view! { <p class="muted">"正在读取设置…"</p> }.into_any(),
            }}
        </section>
    }
}

#[component]
fn Form(
    v: SettingsView,
    saved: RwSignal<Option<SettingsView>>,
    message: RwSignal<Option<Result<String, String>>>,
) -> impl IntoView {
    let detection = LocalResource::new(ipc::detect);
    let changing_platform = RwSignal::new(false);
    let confirmed = RwSignal::new(None::<PlatformIdentity>);
    let module = RwSignal::new(v.pkcs11_module.value.clone());
    let data_dir = RwSignal::new(v.data_dir.value.clone());
    let language = RwSignal::new(v.language.value.clone());
    let log_level = RwSignal::new(v.log_level.value.clone());
    let busy = RwSignal::new(false);
    let before = v.clone();
    let save = move |_| {
        let changed = |now: String, was: &SettingValue| {
            (now.trim() != was.value).then(|| now.trim().to_string())
        };
        let mut change = SettingsChange {
            pkcs11_module: changed(module.get_untracked(), &before.pkcs11_module),
            data_dir: changed(data_dir.get_untracked(), &before.data_dir),
            language: changed(language.get_untracked(), &before.language),
            log_level: changed(log_level.get_untracked(), &before.log_level),
            ..Default::default()
        };
        if changing_platform.get_untracked() {
            match confirmed.get_untracked() {
                Some(id) => {
                    change.platform_url = Some(id.url.clone());
                    change.confirmed_fingerprint = Some(id.fingerprint.clone());
                }
                None => {
                    message.set(Some(Err(
                        "请先检查新平台并确认其证书指纹，或取消更换平台".into()
                    )));
                    return;
                }
            }
        }
        if change == SettingsChange::default() {
            message.set(Some(Ok("没有需要保存的更改".into())));
            return;
        }
        busy.set(true);
        message.set(None);
        spawn_local(async move {
            match ipc::save_settings(&change).await {
                Ok(fresh) => {
                    saved.set(Some(fresh));
                    message.set(Some(Ok("设置已保存".into())));
                }
                Err(e) => message.set(Some(Err(format!("{}（{}）", e.message, e.code.as_str())))),
            }
            busy.set(false);
        });
    };
    let restart = move |_| {
        spawn_local(async move {
            if let Err(e) = ipc::restart().await {
                message.set(Some(Err(e.message)));
            }
        });
    };
    let fingerprint = v
        .platform_fingerprint
        .clone()
        .map(|f| crate::setup::grouped(&f))
        .unwrap_or_else(|| "尚未固定（首次登录时固定）".into());
    let platform_editable = v.platform_url.source.editable();
    let module_editable = v.pkcs11_module.source.editable();
    let dir_editable = v.data_dir.source.editable();
    let level_editable = v.log_level.source.editable();
    let pending = v.pending_restart.clone();
    view! {
        <table class="grid settings-table">
            <tbody>
                <tr>
                    <th>"交易平台"</th>
                    <td>
                        <code id="settings-platform">{v.platform_url.value.clone()}</code>
                        <span class="muted">{source_note(&v.platform_url)}</span>
                        <div class="muted">"证书指纹：" <code id="settings-fingerprint">{fingerprint}</code></div>
                        {platform_editable.then(|| view! {
                            <button class="link" id="settings-change-platform"
                                on:click=move |_| { changing_platform.update(|c| *c = !*c); confirmed.set(None); }>
                                {move || if changing_platform.get() { "取消更换" } else { "更换平台…" }}
                            </button>
                        })}
                        <Show when=move || changing_platform.get()>
                            <PlatformChecker id_prefix="settings" initial=String::new() confirmed=confirmed />
                            <p class="muted">"更换平台在重启后生效。"</p>
                        </Show>
                    </td>
                </tr>
                <tr>
                    <th>"USB Key 驱动"</th>
                    <td>
                        {if module_editable {
                            view! { <ModulePicker id="settings-module" detection=detection module=module /> }.into_any()
                        } else {
                            view! { <code>{v.pkcs11_module.value.clone()}</code> }.into_any()
                        }}
                        <span class="muted">{source_note(&v.pkcs11_module)}</span>
                    </td>
                </tr>
                <tr>
                    <th>"数据目录"</th>
                    <td>
                        <input id="settings-data-dir" type="text" class="wide" disabled=!dir_editable
                            prop:value=move || data_dir.get()
                            on:input=move |ev| data_dir.set(event_target_value(&ev)) />
                        <span class="muted">{source_note(&v.data_dir)}</span>
                        <div class="muted">"评审数据加密保存在此目录。更改在重启后生效，原目录中的数据不会移动。"</div>
                    </td>
                </tr>
                <tr>
                    <th>"界面语言"</th>
                    <td>
                        <select id="settings-language" on:change=move |ev| language.set(event_target_value(&ev))>
                            <option value="zh-CN" selected=true>"简体中文"</option>
                        </select>
                        <span class="muted">"本版本仅提供简体中文界面。"</span>
                    </td>
                </tr>
                <tr>
                    <th>"日志级别"</th>
                    <td>
                        <select id="settings-log-level" disabled=!level_editable
                            on:change=move |ev| log_level.set(event_target_value(&ev))>
                            {LOG_LEVELS.iter().map(|(code, label)| {
                                let code = code.to_string();
                                let selected = code == v.log_level.value;
                                view! { <option value=code selected=selected>{*label}</option> }
                            }).collect::<Vec<_>>()}
                        </select>
                        <span class="muted">{source_note(&v.log_level)}</span>
                        <div class="muted">"日志文件：" <code id="settings-log-file">{v.log_file.clone()}</code>"（不记录 PIN、密钥或文件内容）"</div>
                    </td>
                </tr>
                <tr>
                    <th>"设置文件"</th>
                    <td><code id="settings-file">{v.file.clone()}</code></td>
                </tr>
            </tbody>
        </table>
        <div class="actions">
            <button class="primary" id="settings-save" disabled=move || busy.get() on:click=save>"保存"</button>
            {move || message.get().map(|m| match m {
                Ok(text) => view! { <span class="ok-text" id="settings-message">{text}</span> }.into_any(),
                Err(text) => view! { <p class="notice" id="settings-error">{text}</p> }.into_any(),
            })}
        </div>
        {(!pending.is_empty()).then(|| view! {
            <div class="notice" id="settings-pending">
                <p>"以下更改将在重启后生效："</p>
                <ul>{pending.iter().map(|p| view! { <li>{p.clone()}</li> }).collect::<Vec<_>>()}</ul>
                <button class="secondary" id="settings-restart" on:click=restart>"立即重启"</button>
            </div>
        })}
    }
}
