//! What a resource holds, drawn one way everywhere: a loading line while
//! it is on its way, the error panel with its retry when it failed, the
//! page when it arrived.

use crate::projects::ErrorPanel;
use leptos::prelude::*;
use pingshen_api::ipc::AppError;

/// `state` (a resource's `get()`) as a view: `loading` while `None`, the
/// error panel retrying with `retry`, or `ok` with the value.
pub fn loaded<T>(
    state: Option<Result<T, AppError>>,
    loading: &'static str,
    retry: Callback<()>,
    ok: impl FnOnce(T) -> AnyView,
) -> AnyView {
    match state {
        None => view! { <p class="loading">{loading}</p> }.into_any(),
        Some(Err(e)) => view! { <ErrorPanel error=e on_retry=retry /> }.into_any(),
        Some(Ok(value)) => ok(value),
    }
}
