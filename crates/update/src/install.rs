//! How this copy was installed, and applying a verified update to it.

use crate::error::{Result, UpdateError};
use crate::file::{digest, VerifiedFile};
use pingshen_api::{ArtifactKind, InstallKind};
use std::ffi::OsStr;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

/// Where the .deb puts the desktop.
pub const DEB_BINARY: &str = "/usr/bin/pingshen-desktop";

/// An AppImage runtime sets `APPIMAGE` to the image's own path; the .deb
/// installs [`DEB_BINARY`] and dpkg lists it under the `pingshen` package.
/// Anything else is a developer's build.
pub fn detect_install(appimage: Option<&OsStr>, exe: &Path, dpkg_info: &Path) -> InstallKind {
    if let Some(image) = appimage.map(Path::new) {
        if image.is_absolute() && image.is_file() {
            return InstallKind::Appimage {
                path: image.display().to_string(),
            };
        }
    }
    let listed = std::fs::read_to_string(dpkg_info.join("pingshen.list"))
        .is_ok_and(|list| list.lines().any(|l| l == DEB_BINARY));
    if exe == Path::new(DEB_BINARY) && listed {
        InstallKind::Deb
    } else {
        InstallKind::Unmanaged
    }
}

/// Replaces the AppImage at `target` with `file`, atomically: the new image
/// is written beside it, checked again (the staged copy could have changed
/// since it was verified), made executable and renamed over the old one.
/// A crash at any point leaves either the old or the new image, whole. The
/// running copy keeps its open image; the caller starts `target` again.
pub fn replace_appimage(file: &VerifiedFile, target: &Path) -> Result<()> {
    if file.kind() != ArtifactKind::Appimage {
        return Err(UpdateError::NotInstallable(
            "该更新文件不是 AppImage".into(),
        ));
    }
    let dir = target
        .parent()
        .ok_or_else(|| UpdateError::Install(format!("{} 没有所在目录", target.display())))?;
    let name = target
        .file_name()
        .ok_or_else(|| UpdateError::Install(format!("{} 不是文件", target.display())))?;
    let staged = dir.join(format!(
        ".{}.update-{}",
        name.to_string_lossy(),
        std::process::id()
    ));
    let io = |what: &str, e: std::io::Error| {
        UpdateError::Install(format!("{what}（{}）：{e}", dir.display()))
    };
    let result = (|| {
        std::fs::copy(file.path(), &staged).map_err(|e| io("无法写入新版本", e))?;
        let f = std::fs::OpenOptions::new()
            .write(true)
            .open(&staged)
            .map_err(|e| io("无法写入新版本", e))?;
        f.set_permissions(std::fs::Permissions::from_mode(0o755))
            .map_err(|e| io("无法设置执行权限", e))?;
        f.sync_all().map_err(|e| io("无法写入新版本", e))?;
        drop(f);
        let (_, sha256) = digest(&staged)?;
        if sha256 != file.sha256() {
            return Err(UpdateError::File("复制后的文件与验证过的不同".into()));
        }
        std::fs::rename(&staged, target).map_err(|e| io("无法替换旧版本", e))?;
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&staged);
    }
    result
}

/// Hands the verified .deb to the system's installer (`installer` followed
/// by the package's path), which asks the person to confirm and for the
/// administrator password; returns at once. The default is `xdg-open`, which
/// opens the desktop's own package installer (deepin-deb-installer on
/// 统信UOS, the software centre on 麒麟, GNOME Software, …).
pub fn handoff_deb(file: &VerifiedFile, installer: &[String]) -> Result<String> {
    if file.kind() != ArtifactKind::Deb {
        return Err(UpdateError::NotInstallable(
            "该更新文件不是 deb 安装包".into(),
        ));
    }
    let (program, args) = installer
        .split_first()
        .ok_or_else(|| UpdateError::Install("没有配置系统安装程序".into()))?;
    let mut child = std::process::Command::new(program)
        .args(args)
        .arg(file.path())
        .stdin(std::process::Stdio::null())
        .spawn()
        .map_err(|e| UpdateError::Install(format!("无法启动系统安装程序 {program}：{e}")))?;
    // Reaped on a thread so no zombie is left while the installer runs on.
    std::thread::spawn(move || {
        let _ = child.wait();
    });
    Ok(program.clone())
}

#[cfg(test)]
mod tests;
