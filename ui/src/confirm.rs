//! A two-step button: the first click asks, the second confirms. Used for
//! actions that cannot be undone (recusal, "no deduction" fills, signing),
//! inside the page rather than in a native dialog.

use leptos::prelude::*;

#[component]
pub fn ConfirmButton(
    id: String,
    label: String,
    /// Shown after the first click, e.g. “确认申请回避？再次点击确认”.
    confirm_label: String,
    #[prop(optional)] class: Option<&'static str>,
    #[prop(into, optional)] disabled: Signal<bool>,
    on_confirm: Callback<()>,
) -> impl IntoView {
    let armed = RwSignal::new(false);
    let cancel_id = format!("{id}-cancel");
    view! {
        <span class="confirm-button">
            <button id=id class=class.unwrap_or("primary") class:armed=move || armed.get()
                disabled=move || disabled.get()
                on:click=move |_| {
                    if armed.get_untracked() {
                        armed.set(false);
                        on_confirm.run(());
                    } else {
                        armed.set(true);
                    }
                }>
                {move || if armed.get() { confirm_label.clone() } else { label.clone() }}
            </button>
            <Show when=move || armed.get()>
                <button class="link dark" id=cancel_id.clone() on:click=move |_| armed.set(false)>"取消"</button>
            </Show>
        </span>
    }
}
