//! The platform status indicator in the top bar.

use leptos::prelude::*;
use pingshen_api::ipc::AppError;
use pingshen_api::Health;

#[component]
pub fn PlatformStatus(
    health: LocalResource<Result<Health, AppError>>,
    on_retry: Callback<()>,
) -> impl IntoView {
    move || {
        match health.get() {
        None => view! {
            <div class="status status-pending" id="platform-status">"正在连接评标平台…"</div>
        }
        .into_any(),
        Some(Ok(h)) => {
            let skew = clock_skew_text(&h);
            view! {
                <div class="status status-online" id="platform-status" data-state="online">
                    <span class="dot"></span>
                    <span>"平台在线 · " {h.platform_name.clone()}</span>
                    <span class="muted">{skew}</span>
                    <button class="link" id="refresh" on:click=move |_| on_retry.run(())>"刷新"</button>
                </div>
            }
            .into_any()
        }
        Some(Err(e)) => view! {
            <div class="status status-offline" id="platform-status" data-state="offline"
                title=e.message.clone()>
                <span class="dot"></span>
                <span>"平台离线"</span>
                <button class="link" id="refresh" on:click=move |_| on_retry.run(())>"重新连接"</button>
            </div>
        }
        .into_any(),
    }
    }
}

/// The platform's clock compared with ours, as experts and witnesses rely on
/// the platform's time.
fn clock_skew_text(h: &Health) -> String {
    let now_ms = js_sys::Date::now();
    let platform_ms = (h.time.unix_timestamp_nanos() / 1_000_000) as f64;
    let skew_s = ((platform_ms - now_ms) / 1000.0).round() as i64;
    if skew_s.abs() < 2 {
        " · 时钟同步".to_string()
    } else {
        format!(" · 时钟偏差 {skew_s:+} 秒")
    }
}
