//! `pingshen-desktop`: the Tauri shell. Commands are thin adapters from the
//! IPC into the crates; no domain logic lives here.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod commands;
mod doc_protocol;
mod error;
mod gate;
mod identity;
mod logging;
mod sender;
mod settings;
mod startup;
mod state;
mod webkit;
mod window;

use settings::Settings;
use state::DesktopState;
use tauri::Manager;

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
    // For a help desk and for scripts: the version and the build's commit,
    // before anything starts.
    if std::env::args().nth(1).as_deref() == Some("--version") {
        println!(
            "pingshen-desktop {} ({})",
            commands::diagnostics::VERSION,
            commands::diagnostics::COMMIT
        );
        return;
    }
    startup::mark("main");
    webkit::set_defaults();
    let settings = match Settings::resolve(std::env::args().skip(1), |k| std::env::var(k).ok()) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("错误：{e}");
            std::process::exit(2);
        }
    };
    let webview_dir = window::in_data_folder(&settings.data_dir);
    logging::init(&settings.log_file(), settings.log_level);
    tracing::info!(
        version = commands::diagnostics::VERSION,
        commit = commands::diagnostics::COMMIT,
        "start"
    );
    if let Some(problem) = &settings.file_problem {
        tracing::warn!("{problem}");
    }
    // On a first run (no platform configured) only the gate exists until
    // the person finishes the setup; see `gate`.
    let first_run = settings.needs_setup();
    let gate = gate::Gate::new(settings.clone(), !first_run);
    // The state (the data folder, the HTTP client with its TLS roots, the
    // recognised CAs and cached CRLs: ≈ 0.1 s) is made on a thread of its
    // own while GTK starts and the window is built; Tauri's setup, which
    // runs before the page can call any command, waits for it.
    let state = (!first_run).then(|| {
        std::thread::spawn(move || {
            let state = DesktopState::new(settings);
            startup::mark("state ready");
            state
        })
    });
    let result = tauri::Builder::default()
        .setup(move |app| {
            startup::mark("tauri setup");
            window::open(app, &webview_dir)?;
            app.manage(gate);
            let Some(state) = state else {
                return Ok(());
            };
            match state.join() {
                Ok(Ok(state)) => {
                    app.manage(state);
                    Ok(())
                }
                Ok(Err(e)) => {
                    eprintln!("错误：{}", e.message);
                    std::process::exit(1);
                }
                Err(_) => {
                    eprintln!("错误：无法启动评审客户端：初始化失败");
                    std::process::exit(1);
                }
            }
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
