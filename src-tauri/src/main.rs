//! `pingshen-desktop`: the Tauri shell. Commands are thin adapters from the
//! IPC into the crates; no domain logic lives here.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod commands;
mod doc_protocol;
mod error;
mod identity;
mod sender;
mod settings;
mod startup;
mod state;
mod webkit;

use settings::Settings;
use state::DesktopState;

/// The handler list, from the one command table in `pingshen_api::ipc`.
macro_rules! handlers {
    ($( $group:ident { $( $konst:ident = $module:ident :: $name:ident, )* } )*) => {
        tauri::generate_handler![$($(commands::$module::$name,)*)*]
    };
}

fn main() {
    // PDF text is extracted in a child process: this binary re-executed in
    // worker mode. Returns at once unless argv asks for the worker.
    pingshen_docs::worker::run_if_requested();
    startup::mark("main");
    webkit::set_defaults();
    let settings = match Settings::resolve(std::env::args().skip(1), |k| std::env::var(k).ok()) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("错误：{e}");
            std::process::exit(2);
        }
    };
    let state = match DesktopState::new(settings) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("错误：{}", e.message);
            std::process::exit(1);
        }
    };
    startup::mark("state ready");
    let result = tauri::Builder::default()
        .manage(state)
        .setup(|_| {
            startup::mark("tauri setup");
            Ok(())
        })
        .on_page_load(|_, payload| {
            startup::mark(match payload.event() {
                tauri::webview::PageLoadEvent::Started => "page load started",
                tauri::webview::PageLoadEvent::Finished => "page load finished",
            })
        })
        .register_asynchronous_uri_scheme_protocol(
            doc_protocol::SCHEME,
            |ctx, request, responder| {
                let app = ctx.app_handle().clone();
                tauri::async_runtime::spawn(async move {
                    responder.respond(doc_protocol::serve(app, request).await);
                });
            },
        )
        .invoke_handler(startup::traced(pingshen_api::for_each_command!(handlers)))
        .run(tauri::generate_context!("../tauri.conf.json"));
    if let Err(e) = result {
        eprintln!("错误：无法启动评审客户端：{e}");
        std::process::exit(1);
    }
}
