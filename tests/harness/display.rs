use crate::process::Guarded;
use std::io::Read;
use std::process::{Command, Stdio};

/// An X display for the app window: the existing `DISPLAY`, or a private
/// Xvfb server started for the test (stopped on drop) whose screen is also
/// a file (`-fbdir`), which screenshots are read from.
pub struct Display {
    pub name: String,
    _xvfb: Option<Guarded>,
    /// Holds `Xvfb_screen0`, the screen as an XWD image, kept current.
    framebuffer: Option<tempfile::TempDir>,
}

impl Display {
    pub fn ensure() -> anyhow::Result<Self> {
        if let Ok(name) = std::env::var("DISPLAY") {
            if !name.is_empty() {
                return Ok(Self {
                    name,
                    _xvfb: None,
                    framebuffer: None,
                });
            }
        }
        // -displayfd: Xvfb picks a free display and writes its number to fd 1.
        let framebuffer = tempfile::tempdir()?;
        let mut child = Command::new("Xvfb")
            .args([
                "-displayfd",
                "1",
                "-screen",
                "0",
                "1280x800x24",
                "-nolisten",
                "tcp",
                "-fbdir",
            ])
            .arg(framebuffer.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| anyhow::anyhow!("cannot start Xvfb (apt install xvfb): {e}"))?;
        let mut out = child.stdout.take().expect("piped");
        let guard = Guarded::new("Xvfb", child);
        let mut buf = Vec::new();
        let mut byte = [0u8; 1];
        while out.read(&mut byte)? == 1 && byte[0] != b'\n' {
            buf.push(byte[0]);
        }
        let number = String::from_utf8(buf)?.trim().to_string();
        anyhow::ensure!(!number.is_empty(), "Xvfb did not report a display");
        Ok(Self {
            name: format!(":{number}"),
            _xvfb: Some(guard),
            framebuffer: Some(framebuffer),
        })
    }
}

impl Display {
    /// The screen as an XWD file, when this display is our own Xvfb.
    pub fn framebuffer(&self) -> Option<std::path::PathBuf> {
        self.framebuffer
            .as_ref()
            .map(|d| d.path().join("Xvfb_screen0"))
    }
}
