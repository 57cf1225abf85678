//! `pingshen-desktop`: the Tauri shell. Commands are thin adapters from the
//! IPC into the crates; no domain logic lives here.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod commands;
mod doc_protocol;
mod error;
mod identity;
mod sender;
mod settings;
mod state;

use settings::Settings;
use state::DesktopState;

fn main() {
    // PDF text is extracted in a child process: this binary re-executed in
    // worker mode. Returns at once unless argv asks for the worker.
    pingshen_docs::worker::run_if_requested();
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
    let result = tauri::Builder::default()
        .manage(state)
        .register_asynchronous_uri_scheme_protocol(
            doc_protocol::SCHEME,
            |ctx, request, responder| {
                let app = ctx.app_handle().clone();
                tauri::async_runtime::spawn(async move {
                    responder.respond(doc_protocol::serve(app, request).await);
                });
            },
        )
        .invoke_handler(tauri::generate_handler![
            commands::app::app_info,
            commands::app::platform_health,
            commands::auth::list_identity_files,
            commands::auth::login,
            commands::auth::login_state,
            commands::auth::lock,
            commands::auth::logout,
            commands::auth::accept_platform_certificate,
            commands::auth::platform_certificate,
            commands::projects::list_projects,
            commands::projects::my_projects,
            commands::projects::get_project,
            commands::staff::get_rules,
            commands::staff::publish_rules,
            commands::staff::start_evaluation,
            commands::expert::workspace,
            commands::expert::declare,
            commands::expert::vote_leader,
            commands::expert::send_now,
            commands::expert::sync_project,
            commands::expert::search_documents,
            commands::expert::locate_factor,
            commands::expert::save_cell,
            commands::expert::submit_sheet,
            commands::expert::begin_revision,
            commands::expert::list_notes,
            commands::expert::add_note,
            commands::expert::delete_note,
            commands::expert::panel_summary,
            commands::expert::export_submission,
            commands::witness::witness_page,
            commands::witness::witness_record,
            commands::witness::witness_sync,
            commands::witness::witness_report,
            commands::screening::screen_page,
            commands::screening::decide_flag,
            commands::report::report_status,
            commands::report::save_report,
            commands::report::open_report,
            commands::report::sign_report,
        ])
        .run(tauri::generate_context!("../tauri.conf.json"));
    if let Err(e) = result {
        eprintln!("错误：无法启动评审客户端：{e}");
        std::process::exit(1);
    }
}
