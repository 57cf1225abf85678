//! The login screen: a certificate file or a USB key, and its PIN.

use crate::ipc;
use crate::loading::ErrorLine;
use leptos::prelude::*;
use leptos::task::spawn_local;
use pingshen_api::ipc::{AppError, AppInfo, KeySource, LoginRequest};
use pingshen_api::ErrorCode;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Medium {
    File,
    Token,
}

#[component]
pub fn LoginPage(info: LocalResource<Result<AppInfo, AppError>>) -> impl IntoView {
    let session = crate::session::use_session();
    // Why the person is asked to log in again (idle lock, expired session).
    let notice = session.notice;
    let files = LocalResource::new(ipc::list_identity_files);
    let medium = RwSignal::new(Medium::File);
    let path = RwSignal::new(String::new());
    let module = RwSignal::new(String::new());
    let token_label = RwSignal::new(String::new());
    let key_id = RwSignal::new(String::new());
    let pin = RwSignal::new(String::new());
    let error = RwSignal::new(None::<AppError>);
    // Not an `Action`: an action keeps its input (here the PIN) in a
    // signal while it runs; the request is built, sent and dropped instead.
    let busy = RwSignal::new(false);

    // Pre-fill the first certificate file found and the default token module.
    Effect::new(move |_| {
        if let Some(Ok(list)) = files.get() {
            if path.get_untracked().is_empty() {
                if let Some(first) = list.first() {
                    path.set(first.path.clone());
                }
            }
        }
    });
    // The driver in force (设置 may change it while this screen is open).
    Effect::new(move |_| {
        if let Some(Ok(i)) = info.get() {
            module.set(i.pkcs11_module.clone());
        }
    });

    let submit = move || {
        if busy.get_untracked() {
            return;
        }
        let source = match medium.get_untracked() {
            Medium::File => KeySource::P12 {
                path: path.get_untracked().trim().to_string(),
            },
            Medium::Token => KeySource::Pkcs11 {
                module: module.get_untracked().trim().to_string(),
                token_label: token_label.get_untracked().trim().to_string(),
                key_id: key_id.get_untracked().trim().to_string(),
            },
        };
        let request = LoginRequest {
            source,
            pin: pin.get_untracked(),
        };
        // The PIN leaves the page's state as soon as it is sent.
        pin.set(String::new());
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            let result = ipc::login(&request).await;
            busy.set(false);
            match result {
                Ok(state) => session.begin(state),
                Err(e) => error.set(Some(e)),
            }
        });
    };

    view! {
        <section class="login-card" id="login">
            <h1>"数字证书登录"</h1>
            <p class="muted">
                "请插入 USB Key 或选择证书文件，输入证书密码（PIN）。支持各互认 CA 签发的 RSA、ECC 与国密 SM2 证书。"
            </p>
            {move || notice.get().map(|n| view! { <p class="notice" id="login-notice">{n}</p> })}
            <div class="tabs" role="tablist">
                <button class="tab" id="tab-file" class:active=move || medium.get() == Medium::File
                    on:click=move |_| medium.set(Medium::File)>"证书文件"</button>
                <button class="tab" id="tab-token" class:active=move || medium.get() == Medium::Token
                    on:click=move |_| medium.set(Medium::Token)>"USB Key（PKCS#11）"</button>
            </div>
            <form class="form" on:submit=move |ev| { ev.prevent_default(); submit(); }>
                <Show when=move || medium.get() == Medium::File>
                    <label for="cert-path">"证书文件（.p12 / .pfx）"</label>
                    <select id="cert-file" on:change=move |ev| path.set(event_target_value(&ev))>
                        {move || files.get().and_then(|r| r.ok()).unwrap_or_default().into_iter().map(|f| {
                            let p = f.path.clone();
                            view! { <option value=f.path.clone() selected=move || path.get() == p>{f.file_name}</option> }
                        }).collect_view()}
                    </select>
                    <input id="cert-path" type="text" placeholder="或输入证书文件的完整路径"
                        prop:value=move || path.get() on:input=move |ev| path.set(event_target_value(&ev)) />
                </Show>
                <Show when=move || medium.get() == Medium::Token>
                    <label for="pkcs11-module">"驱动模块"</label>
                    <input id="pkcs11-module" type="text"
                        prop:value=move || module.get() on:input=move |ev| module.set(event_target_value(&ev)) />
                    <label for="token-label">"Key 名称（令牌标签）"</label>
                    <input id="token-label" type="text"
                        prop:value=move || token_label.get() on:input=move |ev| token_label.set(event_target_value(&ev)) />
                    <label for="key-id">"密钥标识（十六进制）"</label>
                    <input id="key-id" type="text" placeholder="例如 01"
                        prop:value=move || key_id.get() on:input=move |ev| key_id.set(event_target_value(&ev)) />
                </Show>
                <label for="pin">"证书密码 / PIN"</label>
                <input id="pin" type="password" autocomplete="off"
                    prop:value=move || pin.get() on:input=move |ev| pin.set(event_target_value(&ev)) />
                <button class="primary" id="login-button" type="submit" disabled=move || busy.get()>
                    {move || if busy.get() { "正在验证证书…" } else { "登录" }}
                </button>
            </form>
            {move || error.get().filter(|e| e.code == ErrorCode::PlatformCertChanged).map(|_| view! {
                <PlatformCertChange on_accepted=Callback::new(move |()| error.set(None)) />
            })}
            {move || error.get().map(|e| view! {
                <div class="login-error" id="login-error" data-code=e.code.to_string() role="alert">
                    <strong>{hint(&e.code)}</strong>
                    <span>{e.message.clone()}</span>
                    <code>{e.code.to_string()}</code>
                </div>
            })}
        </section>
    }
}

/// A short Chinese headline per failure code; the platform's or the key's
/// own message follows it.
fn hint(code: &ErrorCode) -> &'static str {
    use ErrorCode as C;
    match code {
        C::WrongPassword | C::PinIncorrect => "证书密码或 PIN 码错误",
        C::PinLocked => "USB Key 已锁定",
        C::PinRequired => "请输入证书密码或 PIN 码",
        C::CertFileMissing => "找不到证书文件",
        C::TokenNotFound | C::KeyNotFound | C::TokenError => "无法读取 USB Key",
        C::Expired => "证书已过期",
        C::NotYetValid => "证书尚未生效",
        C::Revoked => "证书已被吊销",
        C::UntrustedRoot => "证书颁发机构不受信任",
        C::BadKeyUsage => "证书用途不允许签名",
        C::BadSignature | C::Malformed => "证书无效",
        C::UnregisteredCertificate => "证书未在平台登记",
        C::ChallengeReplayed | C::ChallengeExpired | C::ForeignChallenge | C::UnknownChallenge => {
            "登录验证失败"
        }
        C::PlatformUnreachable | C::PlatformTimeout | C::PlatformInterrupted => "无法连接评标平台",
        C::PlatformCertChanged => "评标平台的签名证书已变更",
        C::RevocationUnknown => "无法确认证书吊销状态",
        _ => "登录失败",
    }
}

/// The platform presents a signing certificate other than the pinned one:
/// both fingerprints side by side, and acceptance only by an explicit act
/// after checking the new one with the trading centre.
#[component]
fn PlatformCertChange(on_accepted: Callback<()>) -> impl IntoView {
    let info = LocalResource::new(ipc::platform_certificate);
    let failed = RwSignal::new(None::<AppError>);
    view! {
        <div class="cert-change" id="platform-cert-change" role="alert">
            <h2>"评标平台签名证书变更"</h2>
            <p>"平台出示的签名证书与本机固定的不一致。可能是平台更换了证书，也可能是有人冒充平台。请致电交易中心核对新证书的指纹，完全一致后再接受。"</p>
            {move || info.get().map(|r| match r {
                Ok(i) => {
                    let presented = i.presented.clone();
                    view! {
                        <table class="report-facts">
                            <tr><th>"本机固定的指纹"</th><td class="mono" id="pinned-fingerprint">{i.pinned.clone().unwrap_or_else(|| "（无）".into())}</td></tr>
                            <tr><th>"平台现在出示的"</th><td class="mono" id="presented-fingerprint">{i.presented.clone().unwrap_or_else(|| "（无法连接平台）".into())}</td></tr>
                        </table>
                        {if i.configured {
                            view! { <p class="muted">"本机的指纹由交易中心配置，不能在客户端更改，请联系交易中心。"</p> }.into_any()
                        } else if let Some(fp) = presented {
                            view! { <button class="danger" id="accept-platform-cert" on:click=move |_| {
                                let fp = fp.clone();
                                spawn_local(async move {
                                    match ipc::accept_platform_certificate(&fp).await {
                                        Ok(()) => on_accepted.run(()),
                                        Err(e) => failed.set(Some(e)),
                                    }
                                });
                            }>"已与交易中心核对无误，接受新证书"</button> }.into_any()
                        } else {
                            ().into_any()
                        }}
                    }.into_any()
                }
                Err(e) => view! { <ErrorLine error=e /> }.into_any(),
            })}
            {move || failed.get().map(|e| view! { <ErrorLine error=e /> })}
        </div>
    }
}
