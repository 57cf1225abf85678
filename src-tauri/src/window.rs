//! The main window, made at setup from `tauri.conf.json` (where it has
//! `"create": false`) so that its web data — WebKit's storage, caches and
//! HSTS list — lives in the app's own data folder, `<data dir>/webview`,
//! and not in `~/.local/share/cn.pingshen.desktop`: the expert's data is
//! one folder, and an uninstalled app leaves nothing elsewhere
//! (`tests/install_deb.rs`). Each data folder (each test's too) has its
//! own web data.

use std::path::{Path, PathBuf};
use tauri::{App, WebviewWindowBuilder};

/// Keeps what the app and the libraries it loads write in the data folder
/// `data_dir`, and answers where the web data goes (`<data dir>/webview`).
///
/// GTK, fontconfig and dconf write caches to `$XDG_CACHE_HOME` (a font
/// cache for the fonts it finds without a system cache, dconf's `user`
/// file when there is no `$XDG_RUNTIME_DIR`): for this process and its
/// children that is `<data dir>/cache`. Call before any thread starts (the
/// environment is not thread-safe) and before GTK reads it.
pub fn in_data_folder(data_dir: &Path) -> PathBuf {
    std::env::set_var("XDG_CACHE_HOME", data_dir.join("cache"));
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
