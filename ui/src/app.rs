//! The application shell: top bar (platform status, who is logged in), then
//! either the login screen or the work area.

use crate::expert::ExpertHome;
use crate::ipc;
use crate::login::LoginPage;
use crate::session::{IdleLock, Session, UserBadge};
use crate::staff::StaffHome;
use crate::status::PlatformStatus;
use crate::witness::WitnessHome;
use leptos::prelude::*;
use leptos::task::spawn_local;
use pingshen_api::Role;
use std::time::Duration;

const HEALTH_POLL: Duration = Duration::from_secs(15);

#[component]
fn Brand() -> impl IntoView {
    view! {
        <div class="brand">
            <span class="brand-mark">"评审"</span>
            <span class="brand-name">"Pingshen 远程异地评标客户端"</span>
        </div>
    }
}

/// Before anything else: a first run shows the setup; otherwise, or once
/// the setup is saved, the app.
#[component]
pub fn Root() -> impl IntoView {
    let status = LocalResource::new(ipc::setup_status);
    let done = RwSignal::new(false);
    move || {
        match (done.get(), status.get()) {
        (true, _) => view! { <App /> }.into_any(),
        (false, Some(Ok(s))) if s.needed => {
            let on_done = Callback::new(move |()| done.set(true));
            view! {
                <header class="topbar">
                    <Brand />
                </header>
                <main class="page">
                    <crate::setup::FirstRun notice=s.notice on_done=on_done />
                </main>
            }
            .into_any()
        }
        (false, Some(Ok(_))) => view! { <App /> }.into_any(),
        (false, Some(Err(e))) => view! {
            <main class="page"><p class="notice">{format!("{}（{}）", e.message, e.code.as_str())}</p></main>
        }
        .into_any(),
        (false, None) => view! { <main class="page"><p class="muted">"正在启动…"</p></main> }.into_any(),
    }
    }
}

#[component]
pub fn App() -> impl IntoView {
    let info = LocalResource::new(ipc::app_info);
    let health = LocalResource::new(ipc::platform_health);
    let session = Session::provide();
    let login = session.state;
    // Restore a session the shell still holds (e.g. after a webview reload).
    spawn_local(async move {
        if let Ok(Some(state)) = ipc::login_state().await {
            session.begin(state);
        }
    });
    // Notice a platform that comes or goes without the expert doing anything.
    set_interval(move || health.refetch(), HEALTH_POLL);
    ipc::on_event::<bool>("back-online", move |_| health.refetch());
    let reload = crate::reload::Reload::provide();
    let refresh = Callback::new(move |()| {
        health.refetch();
        reload.bump();
    });

    crate::update::UpdateState::provide();
    let about_open = RwSignal::new(false);
    let close_about = Callback::new(move |()| about_open.set(false));
    let settings_open = RwSignal::new(false);
    let close_settings = Callback::new(move |()| {
        settings_open.set(false);
        // The driver chosen there is offered at login at once.
        info.refetch();
    });
    view! {
        <header class="topbar">
            <Brand />
            <div class="topbar-right">
                <PlatformStatus health=health on_retry=refresh />
                <crate::update::UpdateBadge on_open=Callback::new(move |()| about_open.set(true)) />
                <button class="link topbar-about" id="settings-button"
                    on:click=move |_| settings_open.update(|open| *open = !*open)>"设置"</button>
                <button class="link topbar-about" id="about-button"
                    on:click=move |_| about_open.update(|open| *open = !*open)>"关于/诊断"</button>
                {move || login.get().map(|state| view! { <UserBadge state=state /> })}
            </div>
        </header>
        <main class="page">
            <Show when=move || settings_open.get()>
                <crate::settings::SettingsPage on_close=close_settings />
            </Show>
            <Show when=move || about_open.get()>
                <crate::about::AboutPage on_close=close_about />
            </Show>
            {move || match login.get() {
                None => view! { <LoginPage info=info /> }.into_any(),
                Some(state) => {
                    let home = match state.person.role {
                        Role::Staff => view! { <StaffHome /> }.into_any(),
                        Role::Expert => view! { <ExpertHome /> }.into_any(),
                        Role::Witness => view! { <WitnessHome /> }.into_any(),
                        // Bidders never log in (the platform has no session
                        // for them), nor does the platform's own role.
                        Role::Bidder | Role::Platform => view! { <p class="notice">"此身份不使用本客户端。"</p> }.into_any(),
                    };
                    view! {
                        <IdleLock minutes=state.idle_lock_minutes />
                        {home}
                    }
                    .into_any()
                }
            }}
        </main>
    }
}
