//! The main window, made at setup from `tauri.conf.json` (where it has
//! `"create": false`) so that its web data — WebKit's storage, caches and
//! HSTS list — lives in the app's own data folder, `<data dir>/webview`,
//! and not in `~/.local/share/cn.pingshen.desktop`: the expert's data is
//! one folder, and an uninstalled app leaves nothing elsewhere
//! (`tests/install_deb.rs`). Each data folder (each test's too) has its
//! own web data.

use std::path::{Path, PathBuf};
use tauri::{App, WebviewWindowBuilder};

/// Where the web data of the data folder `data_dir` lives.
pub fn webview_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("webview")
}

/// Builds every window the configuration leaves for the app to create.
pub fn open(app: &App, webview_dir: &Path) -> tauri::Result<()> {
    let configs: Vec<_> = app
        .config()
        .app
        .windows
        .iter()
        .filter(|w| !w.create)
        .cloned()
        .collect();
    for config in &configs {
        WebviewWindowBuilder::from_config(app.handle(), config)?
            .data_directory(webview_dir.to_path_buf())
            .build()?;
    }
    Ok(())
}
