//! Pingshen's UI: Leptos 0.8, client-side rendered, Simplified Chinese.

mod about;
mod app;
mod confirm;
mod expert;
mod format;
mod ipc;
mod loading;
mod login;
mod projects;
mod reload;
mod rules_view;
mod session;
mod settings;
mod setup;
mod staff;
mod status;
mod update;
mod witness;

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::Root);
}
