//! How the shell asks WebKitGTK to run, set before GTK or WebKit start (the
//! web process inherits the environment).

/// WebKitGTK's environment defaults, each only where the person (or their
/// distribution) has not set the variable. Call at the top of `main`,
/// before any thread starts (the environment is not thread-safe).
///
/// - `WEBKIT_DISABLE_COMPOSITING_MODE=1`: the page is painted in software
///   into shared memory instead of being composited in GL layers. The
///   window shows forms, lists and pdf.js canvases, nothing that needs the
///   GPU; accelerated compositing held ≈ 80 MB more at the login screen and
///   ≈ 170 MB more with a 300-page bid open (layer and tile buffers in the
///   web process; Mesa's software GL under Xvfb, see docs/performance.md,
///   "Window (item 5)"). `WEBKIT_DISABLE_COMPOSITING_MODE=0` turns
///   compositing back on (and leaves the two below alone).
/// - `WEBKIT_DISABLE_DMABUF_RENDERER=1` and `GDK_GL=disable`: without
///   compositing neither WebKit's DMA-BUF renderer nor GTK's GL is used;
///   left on, they set up GL buffers and contexts in the app's process
///   (≈ 5-8 MB at the login screen).
pub fn set_defaults() {
    if std::env::var_os("WEBKIT_DISABLE_COMPOSITING_MODE").is_some_and(|v| v == "0") {
        return;
    }
    set_default("WEBKIT_DISABLE_COMPOSITING_MODE", "1");
    set_default("WEBKIT_DISABLE_DMABUF_RENDERER", "1");
    set_default("GDK_GL", "disable");
}

fn set_default(key: &str, value: &str) {
    if std::env::var_os(key).is_none() {
        std::env::set_var(key, value);
    }
}
