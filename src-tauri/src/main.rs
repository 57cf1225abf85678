//! `pingshen-desktop`: the Tauri shell. Commands are thin adapters from the
//! IPC into the crates; no domain logic lives here.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod commands;
mod error;
mod settings;

use settings::Settings;

fn main() {
    let settings = match Settings::resolve(std::env::args().skip(1), |k| std::env::var(k).ok()) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("错误：{e}");
            std::process::exit(2);
        }
    };
    let state = match commands::DesktopState::new(settings) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("错误：{}", e.message);
            std::process::exit(1);
        }
    };
    let result = tauri::Builder::default()
        .manage(state)
        .invoke_handler(tauri::generate_handler![
            commands::app_info,
            commands::platform_health,
            commands::list_projects,
            commands::get_project,
        ])
        .run(tauri::generate_context!("../tauri.conf.json"));
    if let Err(e) = result {
        eprintln!("错误：无法启动评审客户端：{e}");
        std::process::exit(1);
    }
}
