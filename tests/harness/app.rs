use crate::display::Display;
use crate::paths::{binary, screenshot_dir};
use crate::process::{free_port, wait_for_port, Guarded};
use fantoccini::{Client, ClientBuilder, Locator};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The real `pingshen-desktop` window under WebDriver (tauri-driver +
/// WebKitWebDriver), on its own display and ports.
pub struct AppDriver {
    pub client: Client,
    // Field order matters: the session closes before the driver and the
    // display go away.
    _driver: Guarded,
    display: Display,
    /// The app's settings folder when the test did not choose one: a
    /// person's own `~/.config/pingshen` never leaks into a test.
    _config: Option<tempfile::TempDir>,
}

impl AppDriver {
    /// Opens the app with the given command-line arguments.
    pub async fn launch(args: &[String]) -> anyhow::Result<Self> {
        Self::launch_program(&binary("pingshen-desktop")?, args).await
    }

    /// Opens `app` (the workspace's binary, or an installed one: a program
    /// that runs it, such as an AppImage or a script entering a chroot).
    pub async fn launch_program(app: &std::path::Path, args: &[String]) -> anyhow::Result<Self> {
        Self::launch_with_env(app, args, &[]).await
    }

    /// Opens `app` with extra environment variables (e.g. another `HOME`).
    /// Unless `env` names `PINGSHEN_CONFIG_DIR`, the app's settings folder
    /// is a fresh temporary one.
    pub async fn launch_with_env(
        app: &std::path::Path,
        args: &[String],
        env: &[(&str, String)],
    ) -> anyhow::Result<Self> {
        let config = match env.iter().any(|(k, _)| *k == "PINGSHEN_CONFIG_DIR") {
            true => None,
            false => Some(tempfile::tempdir()?),
        };
        let display = Display::ensure()?;
        let port = free_port()?;
        let native_port = free_port()?;
        let child = Command::new("tauri-driver")
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &native_port.to_string(),
            ])
            .env("DISPLAY", &display.name)
            // No GPU under Xvfb: software GL.
            .env("LIBGL_ALWAYS_SOFTWARE", "1")
            .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
            .envs(config.iter().map(|c| ("PINGSHEN_CONFIG_DIR", c.path())))
            // The app runs as installed: WebKit's accelerated compositing
            // off (src-tauri/src/webkit.rs). Screenshots therefore come
            // from the X screen (see `screenshot`).
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| {
                anyhow::anyhow!("cannot start tauri-driver (run scripts/setup first): {e}")
            })?;
        let driver = Guarded::new("tauri-driver", child);
        wait_for_port(port, Duration::from_secs(20))?;

        let mut caps = serde_json::Map::new();
        caps.insert(
            "tauri:options".into(),
            serde_json::json!({ "application": app, "args": args }),
        );
        let client = ClientBuilder::native()
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await?;
        Ok(Self {
            client,
            _driver: driver,
            display,
            _config: config,
        })
    }

    /// Opens the app as an installation on this machine would run it
    /// against `platform_url` (the platform itself, or something in front of
    /// it): its own data folder, the demo people's certificate files, and the
    /// recognised CAs of the platform's demo PKI.
    pub async fn launch_against(
        platform: &crate::PlatformProcess,
        platform_url: &str,
        data_dir: &std::path::Path,
    ) -> anyhow::Result<Self> {
        let pki = platform.pki_dir();
        Self::launch(&[
            "--platform-url".into(),
            platform_url.to_string(),
            "--data-dir".into(),
            data_dir.display().to_string(),
            "--cert-dir".into(),
            pki.join("people").display().to_string(),
            "--trust-dir".into(),
            pki.display().to_string(),
        ])
        .await
    }

    /// Logs in on the login screen with a demo person's certificate file
    /// (password `pingshen-demo`) and waits for their name in the header.
    pub async fn login_as(
        &self,
        platform: &crate::PlatformProcess,
        person: &str,
        name: &str,
    ) -> anyhow::Result<()> {
        let wait = Duration::from_secs(40);
        self.wait_text("#login", "数字证书登录", wait).await?;
        let p12 = platform.pki_dir().join(format!("people/{person}.p12"));
        self.fill("#cert-path", &p12.display().to_string()).await?;
        self.fill("#pin", "pingshen-demo").await?;
        self.click("#login-button").await?;
        self.wait_text("#user-name", name, wait).await?;
        Ok(())
    }

    /// From the project list, opens `project` (waiting for `title`) and
    /// signs the 回避声明 (two clicks: ask, confirm) until the platform has
    /// acknowledged it.
    pub async fn open_and_declare(&self, project: &str, title: &str) -> anyhow::Result<()> {
        let wait = Duration::from_secs(40);
        self.wait_text(&format!("#open-{project}"), "进入评审", wait)
            .await?;
        self.click(&format!("#open-{project}")).await?;
        self.wait_text("#project-title", title, wait).await?;
        self.click("#sign-declaration").await?;
        self.wait_text("#sign-declaration", "确认签署", wait)
            .await?;
        self.click("#sign-declaration").await?;
        self.wait_text("#declaration-status", "平台已签收", wait)
            .await?;
        Ok(())
    }

    /// Waits until the element matching `css` exists and its text contains
    /// `needle`; returns the text.
    pub async fn wait_text(
        &self,
        css: &str,
        needle: &str,
        timeout: Duration,
    ) -> anyhow::Result<String> {
        let deadline = Instant::now() + timeout;
        let mut last = String::new();
        loop {
            if let Ok(el) = self.client.find(Locator::Css(css)).await {
                if let Ok(text) = el.text().await {
                    if text.contains(needle) {
                        return Ok(text);
                    }
                    last = text;
                }
            }
            if Instant::now() > deadline {
                let _ = self.screenshot("timeout").await;
                anyhow::bail!("`{css}` never contained “{needle}”; last text: “{last}”");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Texts of every element matching `css`.
    pub async fn texts(&self, css: &str) -> anyhow::Result<Vec<String>> {
        let mut out = Vec::new();
        for el in self.client.find_all(Locator::Css(css)).await? {
            out.push(el.text().await?);
        }
        Ok(out)
    }

    /// The element matching `css`, waiting up to 30 s for it to appear (the
    /// page renders asynchronously after each command answers).
    pub async fn element(&self, css: &str) -> anyhow::Result<fantoccini::elements::Element> {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            match self.client.find(Locator::Css(css)).await {
                Ok(el) => return Ok(el),
                Err(e) if Instant::now() > deadline => {
                    let _ = self.screenshot("timeout").await;
                    anyhow::bail!("`{css}` never appeared: {e}");
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
            }
        }
    }

    /// Replaces the text of an input.
    pub async fn fill(&self, css: &str, text: &str) -> anyhow::Result<()> {
        let el = self.element(css).await?;
        el.clear().await?;
        el.send_keys(text).await?;
        Ok(())
    }

    /// Chooses the option with `value` in a `<select>` (its change event fires).
    pub async fn select(&self, css: &str, value: &str) -> anyhow::Result<()> {
        self.element(css).await?.select_by_value(value).await?;
        Ok(())
    }

    /// Clicks the element matching `css`. The UI re-renders asynchronously,
    /// so the node found may be replaced before the click lands; WebKit then
    /// answers "stale element" or "Node … was not found" and nothing was
    /// clicked, so the element is looked up again and clicked once more.
    pub async fn click(&self, css: &str) -> anyhow::Result<()> {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            match self.element(css).await?.click().await {
                Ok(()) => return Ok(()),
                Err(e) if is_stale(&e) && Instant::now() < deadline => {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                Err(e) => return Err(e.into()),
            }
        }
    }

    /// Saves a screenshot of the screen (the window fills it) and prints
    /// its path. On our own Xvfb it is read from the X screen after the
    /// page has drawn its next frame; on a display of the developer's, it
    /// is WebKitWebDriver's (which may not answer with compositing off).
    pub async fn screenshot(&self, name: &str) -> anyhow::Result<PathBuf> {
        let png = match self.display.framebuffer() {
            Some(screen) => {
                // Two animation frames: the page has painted what the test
                // just waited for; then a moment for it to reach the screen.
                let drawn = self.client.execute_async(
                    "const done = arguments[arguments.length - 1]; \
                     requestAnimationFrame(() => requestAnimationFrame(() => done(true)));",
                    vec![],
                );
                tokio::time::timeout(Duration::from_secs(30), drawn)
                    .await
                    .map_err(|_| anyhow::anyhow!("screenshot `{name}`: the page never drew"))??;
                tokio::time::sleep(Duration::from_millis(200)).await;
                crate::framebuffer::png_of_xwd(&screen)?
            }
            // A WebDriver call that never answers must fail the test, not hang it.
            None => tokio::time::timeout(Duration::from_secs(30), self.client.screenshot())
                .await
                .map_err(|_| anyhow::anyhow!("screenshot `{name}` did not answer in 30 s"))??,
        };
        let path = screenshot_dir().join(format!("{name}.png"));
        std::fs::write(&path, png)?;
        println!("screenshot: {}", path.display());
        Ok(path)
    }

    /// 初步评审: every criterion passed for `bidders` (two clicks each: ask,
    /// confirm), and saved.
    pub async fn pass_all(&self, bidders: &[&str]) -> anyhow::Result<()> {
        let wait = Duration::from_secs(40);
        self.click("#tab-preliminary").await?;
        for b in bidders {
            self.click(&format!("#pass-all-{b}")).await?;
            self.click(&format!("#pass-all-{b}")).await?;
        }
        self.wait_text("#save-status", "已自动保存", wait).await?;
        Ok(())
    }

    /// A whole sheet without a deduction: [`Self::pass_all`], then 详细评审
    /// at full marks for `bidders`, saved and shown complete on the submit tab.
    pub async fn full_marks(&self, bidders: &[&str]) -> anyhow::Result<()> {
        let wait = Duration::from_secs(40);
        self.pass_all(bidders).await?;
        self.click("#tab-detailed").await?;
        for b in bidders {
            self.click(&format!("#no-deduction-{b}")).await?;
            self.click(&format!("#no-deduction-{b}")).await?;
        }
        self.wait_text("#save-status", "已自动保存", wait).await?;
        self.click("#tab-submit").await?;
        self.wait_text("#sheet-complete", "可以签名提交", wait)
            .await?;
        Ok(())
    }

    /// 签名提交 (two clicks: submit, confirm).
    pub async fn sign_and_submit(&self) -> anyhow::Result<()> {
        self.click("#submit-sheet").await?;
        self.wait_text("#submit-sheet", "确认提交", Duration::from_secs(40))
            .await?;
        self.click("#submit-sheet").await?;
        Ok(())
    }

    /// Saves what the screen shows without asking the page (a window this
    /// driver does not control, e.g. the app started again by an update);
    /// `None` on a display that is not our own Xvfb.
    pub fn screen(&self, name: &str) -> anyhow::Result<Option<PathBuf>> {
        let Some(screen) = self.display.framebuffer() else {
            return Ok(None);
        };
        let path = screenshot_dir().join(format!("{name}.png"));
        std::fs::write(&path, crate::framebuffer::png_of_xwd(&screen)?)?;
        println!("screenshot: {}", path.display());
        Ok(Some(path))
    }

    pub async fn close(self) -> anyhow::Result<()> {
        self.client.clone().close().await?;
        Ok(())
    }
}

/// Whether a WebDriver error means the element vanished before the command
/// reached it (so the command had no effect and may be repeated).
fn is_stale(e: &fantoccini::error::CmdError) -> bool {
    let text = e.to_string();
    text.contains("stale element") || text.contains("was not found")
}
