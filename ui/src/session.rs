//! Who is logged in (top bar), and the idle lock.

use crate::ipc;
use leptos::ev;
use leptos::prelude::*;
use leptos::task::spawn_local;
use pingshen_api::ipc::LoginState;
use std::time::Duration;

/// Who is logged in, and why the login screen shows (a lock, a logout):
/// provided once by `App`, taken with [`use_session`] by whatever logs in,
/// locks or logs out, instead of callbacks threaded through the tree.
#[derive(Clone, Copy)]
pub struct Session {
    pub state: RwSignal<Option<LoginState>>,
    /// Shown on the login screen: why the person must log in again.
    pub notice: RwSignal<Option<String>>,
}

impl Session {
    /// Creates the session signals and provides them below.
    pub fn provide() -> Self {
        let s = Session {
            state: RwSignal::new(None),
            notice: RwSignal::new(None),
        };
        provide_context(s);
        s
    }

    pub fn begin(self, state: LoginState) {
        self.notice.set(None);
        self.state.set(Some(state));
    }

    /// Back to the login screen, saying why.
    pub fn end(self, reason: impl Into<String>) {
        self.state.set(None);
        self.notice.set(Some(reason.into()));
    }
}

/// The session (provided by `App`).
pub fn use_session() -> Session {
    expect_context::<Session>()
}

/// Name, role and certificate issuer of the logged-in person, with lock and
/// logout buttons.
#[component]
pub fn UserBadge(state: LoginState) -> impl IntoView {
    let session = use_session();
    let issuer = common_name(&state.certificate.issuer);
    // An offline session becomes an online one when the shell reaches the
    // platform again (it logs in with the open key by itself).
    let online = RwSignal::new(state.online);
    ipc::on_event::<bool>("back-online", move |_| online.set(true));
    let lock = move |_| {
        spawn_local(async move {
            let _ = ipc::lock().await;
            session.end("已锁定，请重新输入 PIN 解锁。");
        })
    };
    let logout = move |_| {
        spawn_local(async move {
            let _ = ipc::logout().await;
            session.end("已退出登录。");
        })
    };
    view! {
        <div class="user-badge" id="user-badge">
            <span class="user-name" id="user-name">{state.person.name.clone()}</span>
            <span class="user-role" id="user-role">{state.person.role.label_zh()}</span>
            <span class="user-issuer" id="user-issuer" title=state.certificate.subject.clone()>
                {format!("{} · {}", issuer, state.certificate.alg)}
            </span>
            {move || (!online.get()).then(|| view! { <span class="offline-tag" id="offline-work">"离线工作"</span> })}
            <button class="link" id="lock" on:click=lock>"锁定"</button>
            <button class="link" id="logout" on:click=logout>"退出"</button>
        </div>
    }
}

/// Locks the app after `minutes` without keyboard or mouse activity.
#[component]
pub fn IdleLock(minutes: u32) -> impl IntoView {
    let session = use_session();
    let last_activity = StoredValue::new(js_sys::Date::now());
    let touch = move || last_activity.set_value(js_sys::Date::now());
    let handles = [
        window_event_listener(ev::keydown, move |_| touch()),
        window_event_listener(ev::mousedown, move |_| touch()),
        window_event_listener(ev::mousemove, move |_| touch()),
    ];
    let limit_ms = f64::from(minutes) * 60_000.0;
    let timer = set_interval_with_handle(
        move || {
            if js_sys::Date::now() - last_activity.get_value() > limit_ms {
                spawn_local(async move {
                    let _ = ipc::lock().await;
                    session.end(format!(
                        "已超过 {minutes} 分钟未操作，系统已自动锁定，请重新输入 PIN。"
                    ));
                });
            }
        },
        Duration::from_secs(15),
    )
    .ok();
    on_cleanup(move || {
        for h in handles {
            h.remove();
        }
        if let Some(t) = timer {
            t.clear();
        }
    });
}

/// `C=CN, O=…, CN=湖北演示CA` → `湖北演示CA`.
pub fn common_name(dn: &str) -> String {
    dn.split(',')
        .filter_map(|part| part.trim().strip_prefix("CN="))
        .last()
        .unwrap_or(dn)
        .to_string()
}
