//! A `<select>` of the project's bidders, bound to a signal ("" = none).

use leptos::prelude::*;
use pingshen_api::Bidder;

#[component]
pub fn BidderSelect(
    id: &'static str,
    bidders: Vec<Bidder>,
    value: RwSignal<String>,
) -> impl IntoView {
    view! {
        <select id=id on:change=move |ev| value.set(event_target_value(&ev))>
            <option value="" prop:selected=move || value.get().is_empty()>"—"</option>
            {bidders.into_iter().map(|b| {
                let code = b.id.clone();
                view! { <option value=b.id.clone() prop:selected=move || value.get() == code>{format!("{} {}", b.id, b.name)}</option> }
            }).collect_view()}
        </select>
    }
}
