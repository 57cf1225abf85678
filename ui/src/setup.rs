//! First-run setup: which trading platform (checked, and its certificate
//! fingerprint confirmed by the person against what the centre published),
//! which USB-key driver, which certificate files. The pieces are shared
//! with the 设置 screen.

use crate::ipc;
use leptos::prelude::*;
use leptos::task::spawn_local;
use pingshen_api::ipc::AppError;
use pingshen_api::{PlatformIdentity, SetupAnswers, SetupDetection};

fn shown(e: &AppError) -> String {
    format!("{}（{}）", e.message, e.code.as_str())
}

/// A fingerprint in groups of four, as a person reads it aloud.
pub fn grouped(fingerprint: &str) -> String {
    fingerprint
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// An address, the 检查 button, what the platform said about itself, and
/// the box the person ticks after comparing the fingerprint. `confirmed`
/// holds the identity only while the box is ticked for the address shown.
#[component]
pub fn PlatformChecker(
    #[prop(into)] id_prefix: String,
    initial: String,
    confirmed: RwSignal<Option<PlatformIdentity>>,
) -> impl IntoView {
    let url = RwSignal::new(initial);
    let identity = RwSignal::new(None::<PlatformIdentity>);
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let check = move || {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        error.set(None);
        identity.set(None);
        confirmed.set(None);
        let address = url.get_untracked();
        spawn_local(async move {
            match ipc::check_platform(&address).await {
                Ok(id) => identity.set(Some(id)),
                Err(e) => error.set(Some(shown(&e))),
            }
            busy.set(false);
        });
    };
    let p = id_prefix.clone();
    let ids = move |suffix: &str| format!("{p}-{suffix}");
    view! {
        <div class="form-row platform-checker">
            <label for=ids("url")>"交易平台地址"</label>
            <input id=ids("url") type="text" class="wide" placeholder="https://…（交易中心提供）"
                prop:value=move || url.get()
                on:input=move |ev| {
                    url.set(event_target_value(&ev));
                    identity.set(None);
                    confirmed.set(None);
                }
                on:keydown=move |ev| if ev.key() == "Enter" { check() } />
            <button id=ids("check") class="secondary" disabled=move || busy.get()
                on:click=move |_| check()>
                {move || if busy.get() { "正在连接…" } else { "检查平台" }}
            </button>
        </div>
        <p class="muted">"必须使用 https；仅本机沙箱（127.0.0.1、localhost）可用 http。"</p>
        {
            let ids = ids.clone();
            move || error.get().map(|m| view! { <p class="notice" id=ids("error")>{m}</p> })
        }
        {
            let ids = ids.clone();
            move || identity.get().map(|id| {
                let ids = ids.clone();
                let offset = if id.clock_offset_seconds.abs() >= 60 {
                    format!("平台时间与本机相差 {} 秒，请校准本机时间", id.clock_offset_seconds)
                } else {
                    "一致".to_string()
                };
                let for_box = id.clone();
                view! {
                    <table class="grid identity" id=ids("identity")>
                        <tbody>
                            <tr><th>"平台名称"</th><td id=ids("name")>{id.platform_name.clone()}</td></tr>
                            <tr><th>"平台标识"</th><td><code>{id.platform_id.clone()}</code></td></tr>
                            <tr><th>"接口版本"</th><td>{id.api_version.clone()}</td></tr>
                            <tr><th>"时间"</th><td>{offset}</td></tr>
                            <tr><th>"签名证书指纹（SHA-256）"</th>
                                <td><code class="fingerprint" id=ids("fingerprint")>{grouped(&id.fingerprint)}</code></td></tr>
                        </tbody>
                    </table>
                    <label class="confirm-box">
                        <input type="checkbox" id=ids("confirm")
                            prop:checked=move || confirmed.get().is_some()
                            on:change=move |ev| {
                                confirmed.set(event_target_checked(&ev).then(|| for_box.clone()))
                            } />
                        "我已将上面的指纹与交易中心公布的指纹逐组核对，完全一致"
                    </label>
                }
            })
        }
    }
}

/// The USB-key driver: one of those found on this computer, or a path
/// typed by hand. Empty means "keep what is set".
#[component]
pub fn ModulePicker(
    #[prop(into)] id: String,
    detection: LocalResource<Result<SetupDetection, AppError>>,
    module: RwSignal<String>,
) -> impl IntoView {
    let list_id = format!("{id}-found");
    view! {
        <div class="form-row">
            <label for=id.clone()>"USB Key 驱动（PKCS#11）"</label>
            <input id=id.clone() type="text" class="wide"
                placeholder="从下列找到的驱动中选择，或填写驱动文件路径"
                prop:value=move || module.get()
                on:input=move |ev| module.set(event_target_value(&ev)) />
        </div>
        {move || match detection.get() {
            None => view! { <p class="muted">"正在查找本机的 USB Key 驱动…"</p> }.into_any(),
            Some(Err(e)) => view! { <p class="notice">{shown(&e)}</p> }.into_any(),
            Some(Ok(d)) if d.token_modules.is_empty() => view! {
                <p class="muted">"本机未找到 USB Key 驱动。使用 USB Key 的专家请先安装 CA 机构提供的驱动；只用证书文件可不填。"</p>
            }.into_any(),
            Some(Ok(d)) => {
                let found = d.token_modules.iter().map(|m| {
                    let path = m.path.clone();
                    let pick = path.clone();
                    let note = if m.source == "p11-kit" { "系统已登记" } else { "安装目录中找到" };
                    view! {
                        <li>
                            <button class="link module-choice" on:click=move |_| module.set(pick.clone())>
                                <code>{path}</code>
                            </button>
                            <span class="muted">{format!("（{note}）")}</span>
                        </li>
                    }
                }).collect::<Vec<_>>();
                view! { <ul class="plain" id=list_id.clone()>{found}</ul> }.into_any()
            }
        }}
    }
}

/// The first-run screen. `on_done` runs once the setup is saved and the
/// app can go on to the login screen.
#[component]
pub fn FirstRun(notice: Option<String>, on_done: Callback<()>) -> impl IntoView {
    let confirmed = RwSignal::new(None::<PlatformIdentity>);
    let detection = LocalResource::new(ipc::detect);
    let module = RwSignal::new(String::new());
    let import = RwSignal::new(Vec::<String>::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let finish = move |_| {
        let Some(identity) = confirmed.get_untracked() else {
            return;
        };
        let module = module.get_untracked();
        let answers = SetupAnswers {
            platform_url: identity.url.clone(),
            confirmed_fingerprint: identity.fingerprint.clone(),
            pkcs11_module: (!module.trim().is_empty()).then(|| module.trim().to_string()),
            import_certificates: import.get_untracked(),
        };
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            match ipc::finish_setup(&answers).await {
                Ok(()) => on_done.run(()),
                Err(e) => error.set(Some(shown(&e))),
            }
            busy.set(false);
        });
    };
    view! {
        <section class="card setup" id="setup">
            <h2>"首次设置"</h2>
            <p>"欢迎使用评审客户端。请填写交易中心提供的评标平台地址，核对平台证书指纹，再选择您的 USB Key 驱动或证书文件。这些设置以后都可在“设置”中修改。"</p>
            {notice.map(|n| view! { <p class="notice" id="setup-notice">{n}</p> })}
            <h3>"1. 评标平台"</h3>
            <PlatformChecker id_prefix="setup" initial=String::new() confirmed=confirmed />
            <h3>"2. 数字证书"</h3>
            <ModulePicker id="setup-module" detection=detection module=module />
            {move || detection.get().and_then(|d| d.ok()).map(|d| {
                let cert_dir = d.cert_dir.clone();
                if d.certificate_files.is_empty() {
                    return view! {
                        <p class="muted" id="setup-certs">{format!("未找到证书文件（.p12/.pfx）。使用证书文件的专家可将其放入 {cert_dir}。")}</p>
                    }.into_any();
                }
                let rows = d.certificate_files.iter().enumerate().map(|(i, f)| {
                    let path = f.path.clone();
                    let toggle = path.clone();
                    let control = if f.in_cert_dir {
                        view! { <span class="muted">"已在证书目录"</span> }.into_any()
                    } else {
                        view! {
                            <label>
                                <input type="checkbox" id=format!("setup-import-{i}")
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        import.update(|l| {
                                            l.retain(|p| *p != toggle);
                                            if on { l.push(toggle.clone()) }
                                        })
                                    } />
                                "复制到证书目录"
                            </label>
                        }.into_any()
                    };
                    view! { <li><code>{path}</code>" "{control}</li> }
                }).collect::<Vec<_>>();
                view! {
                    <div id="setup-certs">
                        <p>{format!("找到的证书文件（登录页列出 {cert_dir} 中的文件）：")}</p>
                        <ul class="plain">{rows}</ul>
                    </div>
                }.into_any()
            })}
            {move || error.get().map(|m| view! { <p class="notice" id="setup-error-finish">{m}</p> })}
            <div class="actions">
                <button class="primary" id="setup-finish"
                    disabled=move || confirmed.get().is_none() || busy.get()
                    on:click=finish>"完成设置"</button>
                <span class="muted">{move || if confirmed.get().is_none() {
                    "检查平台并确认证书指纹后才能完成设置。"
                } else { "" }}</span>
            </div>
        </section>
    }
}
