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

/// When `action` finishes: `on_ok` on success, else its error into
/// `error` (the panel's error line). Actions give the pending flag
/// (`action.pending()`) that a hand-rolled busy signal used to.
pub fn settle(
    action: Action<(), Result<(), AppError>>,
    on_ok: Callback<()>,
    error: RwSignal<Option<AppError>>,
) {
    Effect::new(move |_| match action.value().get() {
        Some(Ok(())) => on_ok.run(()),
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
}

/// One error under a form or card: the Chinese message and the stable code
/// (also as `data-code`, which tests and support read), announced to
/// screen readers.
#[component]
pub fn ErrorLine(error: AppError, #[prop(optional)] id: Option<&'static str>) -> impl IntoView {
    let code = error.code.to_string();
    let shown = code.clone();
    view! {
        <p class="error-line" id=id data-code=code role="alert">{error.message}<code>{shown}</code></p>
    }
}
