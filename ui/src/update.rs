//! 软件更新: the version running, what the platform offers (checked against
//! the update key built into the app before it is shown), and installing it.

use crate::format::beijing_seconds;
use crate::ipc;
use leptos::prelude::*;
use leptos::task::spawn_local;
use pingshen_api::ipc::AppError;
use pingshen_api::{InstallKind, UpdateCheck, UpdateInstalled, UpdateOffer};

/// The latest update check, shared by the top bar and 关于/诊断: made once
/// at start and again whenever the person asks, so both always agree.
#[derive(Clone, Copy)]
pub struct UpdateState(LocalResource<Result<UpdateCheck, AppError>>);

impl UpdateState {
    pub fn provide() -> Self {
        let state = UpdateState(LocalResource::new(ipc::check_update));
        provide_context(state);
        state
    }
}

/// The top bar's note that a newer, verified version is published; a click
/// opens 关于/诊断, where it is installed.
#[component]
pub fn UpdateBadge(on_open: Callback<()>) -> impl IntoView {
    let check = expect_context::<UpdateState>().0;
    move || {
        check.get().and_then(|r| r.ok()).and_then(|c| c.offer).map(|offer| {
            view! {
                <button class="link topbar-update" id="update-badge" on:click=move |_| on_open.run(())>
                    {format!("有新版本 {}", offer.version)}
                </button>
            }
        })
    }
}

#[component]
pub fn UpdatePanel() -> impl IntoView {
    let check = expect_context::<UpdateState>().0;
    let installing = RwSignal::new(false);
    let installed = RwSignal::new(false);
    let outcome = RwSignal::new(None::<Result<UpdateInstalled, String>>);
    let install = move |version: String| {
        installing.set(true);
        outcome.set(None);
        spawn_local(async move {
            let r = ipc::install_update(&version)
                .await
                .map_err(|e| format!("{}（{}）", e.message, e.code.as_str()));
            // Once installed, the button stays off: the app is restarting or
            // the system installer has the package.
            installed.set(r.is_ok());
            installing.set(false);
            outcome.set(Some(r));
        });
    };
    view! {
        <div class="update-panel" id="update-panel">
            <div class="about-head">
                <h3>"软件更新"</h3>
                <button class="link" id="update-check" on:click=move |_| { outcome.set(None); check.refetch() }>
                    "检查更新"
                </button>
            </div>
            {move || match check.get() {
                None => view! { <p class="muted">"正在检查更新…"</p> }.into_any(),
                Some(Err(e)) => view! {
                    <p class="notice" id="update-error">{format!("{}（{}）", e.message, e.code.as_str())}</p>
                }.into_any(),
                Some(Ok(c)) => view! { <Checked c=c installing=installing installed=installed on_install=Callback::new(install) /> }.into_any(),
            }}
            {move || outcome.get().map(|r| match r {
                Ok(UpdateInstalled::Restarting { version }) => view! {
                    <p class="notice ok" id="update-installed">
                        {format!("已安装 {version}，评审客户端正在重新启动…")}
                    </p>
                }.into_any(),
                Ok(UpdateInstalled::HandedToInstaller { version, package, installer }) => view! {
                    <p class="notice ok" id="update-installed">
                        {format!("更新包 {version} 已下载并通过签名校验，已交给系统安装程序（{installer}）。")}
                        "请在弹出的安装窗口中确认安装（需要管理员密码），安装完成后重新打开评审客户端。安装包位置："
                        <code>{package}</code>
                    </p>
                }.into_any(),
                Err(message) => view! { <p class="notice" id="update-install-error">{message}</p> }.into_any(),
            })}
        </div>
    }
}

#[component]
fn Checked(
    c: UpdateCheck,
    installing: RwSignal<bool>,
    installed: RwSignal<bool>,
    on_install: Callback<String>,
) -> impl IntoView {
    let how = match &c.install {
        InstallKind::Appimage { path } => format!("AppImage（{path}）"),
        InstallKind::Deb => "deb 安装包".to_string(),
        InstallKind::Unmanaged => "开发版本（无法自动更新）".to_string(),
    };
    let demo = c.demo_key.then(|| {
        view! {
            <p class="notice" id="update-demo-key">
                "本程序内置的是公开的演示更新密钥，仅供测试与沙箱使用：任何人都能以它签名更新。交易中心发给专家的版本必须内置中心自己的更新密钥。"
            </p>
        }
    });
    let unmanaged = c.install == InstallKind::Unmanaged;
    view! {
        <p id="update-current">{format!("当前版本 {} · 安装方式：{} · 检查于 {}", c.current, how, beijing_seconds(c.checked_at))}</p>
        {demo}
        {match c.offer {
            None => view! { <p class="muted" id="update-none">"已是最新版本。"</p> }.into_any(),
            Some(offer) => view! { <Offer offer=offer unmanaged=unmanaged installing=installing installed=installed on_install=on_install /> }.into_any(),
        }}
    }
}

#[component]
fn Offer(
    offer: UpdateOffer,
    unmanaged: bool,
    installing: RwSignal<bool>,
    installed: RwSignal<bool>,
    on_install: Callback<String>,
) -> impl IntoView {
    let version = offer.version.clone();
    let size_mb = offer.size as f64 / 1_048_576.0;
    view! {
        <div class="update-offer" id="update-offer">
            <p>
                <strong id="update-version">{format!("新版本 {}", offer.version)}</strong>
                {format!("（{}，{:.1} MB，发布于 {}）", offer.kind.label_zh(), size_mb, beijing_seconds(offer.published_at))}
            </p>
            <pre class="update-notes" id="update-notes">{offer.notes.clone()}</pre>
            <p class="muted">
                {format!("更新清单已用内置更新公钥验证签名（密钥 {}…）；下载后还将校验文件的 SHA-256：{}…", &offer.key_id[..16.min(offer.key_id.len())], &offer.sha256[..16.min(offer.sha256.len())])}
            </p>
            <p class="muted">"有尚待发送的提交时不会安装更新；安装前需先登录。"</p>
            <button class="primary" id="update-install"
                disabled=move || unmanaged || installing.get() || installed.get()
                on:click=move |_| on_install.run(version.clone())>
                {move || if installing.get() {
                    "正在下载并校验…"
                } else if installed.get() {
                    "已安装"
                } else {
                    "下载并安装"
                }}
            </button>
        </div>
    }
}
