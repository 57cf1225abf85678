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
/// - `WEBKIT_WEB_RENDER_DEVICE_FILE`: see [`render_device`].
/// - `MALLOC_ARENA_MAX`: see [`limit_malloc_arenas`].
pub fn set_defaults() {
    limit_malloc_arenas();
    if std::env::var_os("WEBKIT_DISABLE_COMPOSITING_MODE").is_some_and(|v| v == "0") {
        return;
    }
    set_default("WEBKIT_DISABLE_COMPOSITING_MODE", "1");
    set_default("WEBKIT_DISABLE_DMABUF_RENDERER", "1");
    set_default("GDK_GL", "disable");
    set_default("WEBKIT_WEB_RENDER_DEVICE_FILE", &render_device());
}

/// The DRM render node WebKit hands to its web process. Left unset, WebKit
/// finds it by opening an EGL display in this (the app's) process just to
/// ask which device the display uses, and nothing else in this process
/// ever uses that display once compositing is off. Opening it loads Mesa's
/// driver and, through it, libLLVM: ≈ 20 MB of relocated pages and static
/// initialisers, every start (docs/performance.md, "Window (item 5)").
/// Named here, the app never opens EGL; the web process opens the node
/// itself when it needs GL (WebGL) and, if the node does not exist or is
/// not a GPU (no `/dev/dri` under Xvfb or in a VM, hence `/dev/null`),
/// falls back to its own EGL display without a device.
fn render_device() -> String {
    render_device_in(std::path::Path::new("/dev/dri"))
}

fn render_device_in(dri: &std::path::Path) -> String {
    let mut nodes: Vec<_> = std::fs::read_dir(dri)
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| {
            path.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("renderD"))
        })
        .collect();
    nodes.sort();
    nodes
        .first()
        .map(|p| p.display().to_string())
        .unwrap_or_else(|| "/dev/null".to_owned())
}

fn set_default(key: &str, value: &str) {
    if std::env::var_os(key).is_none() {
        std::env::set_var(key, value);
    }
}

/// At most two glibc malloc arenas per process, for this process and for
/// WebKit's web and network processes, unless the person set
/// `MALLOC_ARENA_MAX` themselves. glibc gives each thread that allocates
/// an arena of its own, up to 8 per core; the app runs GTK's, WebKit's,
/// tokio's and the worker's threads, whose arenas each keep freed memory
/// dirty. Two arenas cost nothing measurable in speed for a window that
/// mostly waits for the person (docs/performance.md, "Window (item 5)").
///
/// The variable reaches the children, which read it when they start; this
/// process's allocator has started before `main`, so it gets `mallopt`. A
/// value the person set was read by glibc when this process started.
fn limit_malloc_arenas() {
    if std::env::var_os("MALLOC_ARENA_MAX").is_some() {
        return;
    }
    std::env::set_var("MALLOC_ARENA_MAX", "2");
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets a limit in glibc's allocator; it is called
    // before this process starts any thread of its own.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
    }
}

#[cfg(test)]
mod tests {
    use super::render_device_in;

    #[test]
    fn the_first_render_node_or_a_device_that_is_no_gpu() {
        let dri = tempfile::tempdir().unwrap();
        assert_eq!(render_device_in(dri.path()), "/dev/null");
        assert_eq!(render_device_in(&dri.path().join("absent")), "/dev/null");
        for name in ["card0", "card1", "renderD129", "renderD128", "by-path"] {
            std::fs::write(dri.path().join(name), b"").unwrap();
        }
        assert_eq!(
            render_device_in(dri.path()),
            dri.path().join("renderD128").display().to_string()
        );
    }
}
