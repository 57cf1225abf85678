//! Pieces shared by the role pages: a project's bidders, and the error panel.

use crate::format::yuan;
use leptos::prelude::*;
use pingshen_api::ipc::AppError;

/// The bidders of a project with their bid prices as read at the opening (开标记录).
#[component]
pub fn BiddersTable(bidders: Vec<pingshen_api::Bidder>) -> impl IntoView {
    view! {
        <table class="grid" id="bidders">
            <thead>
                <tr><th>"序号"</th><th>"编号"</th><th>"投标人名称"</th><th class="num">"投标报价"</th></tr>
            </thead>
            <tbody>
                {bidders
                    .into_iter()
                    .enumerate()
                    .map(|(i, b)| view! {
                        <tr class="bidder-row" data-bidder-id=b.id.clone()>
                            <td>{i + 1}</td>
                            <td>{b.id.clone()}</td>
                            <td class="bidder-name">{b.name.clone()}</td>
                            <td class="num">{yuan(b.bid_price)}</td>
                        </tr>
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
}

/// A readable Chinese error with its stable code and a retry button; never a blank page.
#[component]
pub fn ErrorPanel(error: AppError, on_retry: Callback<()>) -> impl IntoView {
    let title = if error.code == "platform_unreachable" || error.code == "platform_timeout" {
        "无法连接评标平台"
    } else {
        "操作未完成"
    };
    view! {
        <section class="error-panel" id="error-panel" data-code=error.code.clone() role="alert">
            <h2>{title}</h2>
            <p class="error-message">{error.message.clone()}</p>
            <p class="muted">"错误代码：" <code>{error.code.clone()}</code></p>
            <button class="primary" id="retry" on:click=move |_| on_retry.run(())>"重试"</button>
        </section>
    }
}
